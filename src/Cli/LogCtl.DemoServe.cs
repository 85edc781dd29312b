using LogControl.Hosting.Database;
using LogControl.Projections;
using LogControl.Server;
using LogControl.Workflow.Accounts;
using LogControl.Workflow.Security;
using Marten;
using Microsoft.Extensions.Hosting;

namespace LogControl.Cli;

public static partial class LogCtl
{
    /// <summary>A demo login: synthetic, printed to the console, for a freshly reset demo database only.</summary>
    internal sealed record DemoLogin(string Username, string Password, string Role, string UserId, string Name, string[] Units);

    /// <summary>
    /// After the summary, demo serves the web UI until Ctrl+C (the CLI contract: "then serves the UI"), with one account per
    /// role. The unit manager manages the unit with the most anomalies, under that unit's manager_user_id, so they can sign off.
    /// </summary>
    private static async Task<int> ServeDemoAsync(Args args, IDocumentStore store, CancellationToken ct)
    {
        var logins = await CreateDemoLoginsAsync(store, ct);
        var urls = args.Option("urls") ?? LogControlServer.DefaultUrls;
        var cs = await DatabaseSelection.ResolveAsync(args.Option("db"), m => Console.Error.WriteLine(m), ct);
        var app = LogControlServer.Build(cs, urls: urls);
        await app.StartAsync(ct);
        Console.WriteLine();
        Console.WriteLine($"Web UI: {urls.Split(';')[0]}  (Ctrl+C stops; --no-serve skips this)");
        Console.WriteLine("Demo logins (synthetic, for this demo database only):");
        foreach (var l in logins)
            Console.WriteLine($"  {l.Role,-13} {l.Username,-10} {l.Password}{(l.Units.Length > 0 ? $"  (enhet {string.Join(", ", l.Units)}, {l.UserId})" : "")}");
        await app.WaitForShutdownAsync(ct);
        return 0;
    }

    internal static async Task<IReadOnlyList<DemoLogin>> CreateDemoLoginsAsync(IDocumentStore store, CancellationToken ct)
    {
        var s = store.Options.Events.DatabaseSchemaName;
        var busiest = (await StoreSql.QueryAsync(store, $"""
            select u.unit_id, u.manager_user_id from {s}.lc_ref_units u
            left join {s}.lc_anomalies a on a.unit_id = u.unit_id
            where u.manager_user_id is not null
            group by u.unit_id, u.manager_user_id order by count(a.*) desc, u.unit_id limit 1
            """, r => (Unit: r.GetString(0), Manager: r.GetString(1)), ct)).FirstOrDefault();
        var logins = new List<DemoLogin>();
        if (busiest.Unit != null)
            logins.Add(new("chef", "demo-enhetschef", Roles.UnitManager, busiest.Manager, "Demo Enhetschef", [busiest.Unit]));
        logins.Add(new("sakerhet", "demo-sakerhet-72h", Roles.Security, "DEMO-SAKERHET", "Demo Informationssäkerhet", []));
        logins.Add(new("revisor", "demo-internrevision", Roles.Auditor, "DEMO-REVISOR", "Demo Internrevisor", []));
        logins.Add(new("admin", "demo-administrator", Roles.Administrator, "DEMO-ADMIN", "Demo Administratör", []));
        await using var session = store.LightweightSession();
        foreach (var l in logins)
        {
            var existing = await session.LoadAsync<Account>(Account.StreamId(l.Username), ct);
            if (existing != null) await AccountCommands.ChangePasswordAsync(session, l.Username, l.Password, "demo", NodaTime.SystemClock.Instance.GetCurrentInstant(), ct);
            else await AccountCommands.CreateAsync(session, new NewAccount(l.Username, l.UserId, l.Name, [l.Role], l.Units, l.Password), "demo",
                NodaTime.SystemClock.Instance.GetCurrentInstant(), ct);
        }
        return logins;
    }
}
