using LogControl.Hosting.Database;
using LogControl.Hosting.Marten;
using LogControl.Workflow.Accounts;
using NodaTime;

namespace LogControl.Cli;

/// <summary>
/// users add|list|password|roles|disable: local accounts, through the same AccountCommands as the admin endpoints.
/// Changes are recorded as made by "cli:&lt;OS user&gt;". Passwords are read from stdin or generated, never taken as arguments
/// (they would end up in shell history and process lists).
/// </summary>
public static partial class LogCtl
{
    private const string UsersUsage = "usage: logctl users add USERNAME --user-id ID --role ROLE [--role ROLE] [--unit UNIT ...] [--name N] [--password-stdin]"
                                      + " | users list | users password USERNAME [--password-stdin] | users roles USERNAME --role ROLE [--unit UNIT ...]"
                                      + " | users disable USERNAME [--reason R]";

    private static async Task<int> Users(Args args, CancellationToken ct)
    {
        var sub = args.SubVerb;
        var username = args.Positionals.Count > 1 ? args.Positionals[1] : null;
        if (sub is not ("add" or "list" or "password" or "roles" or "disable") || (sub != "list" && username == null)) return Fail(UsersUsage);
        var by = $"cli:{Environment.UserName}";
        var now = SystemClock.Instance.GetCurrentInstant();

        var cs = await DatabaseSelection.ResolveAsync(args.Option("db"), m => Console.Error.WriteLine(m), ct);
        await using var store = MartenSetup.CreateStore(cs);
        await using var session = store.LightweightSession();
        switch (sub)
        {
            case "add":
            {
                if (args.Option("user-id") is not { Length: > 0 } userId) return Fail("users add needs --user-id (the user's HSA id in the care record system)");
                var password = args.Has("password-stdin") ? ReadPassword() : null;
                var created = await AccountCommands.CreateAsync(session,
                    new NewAccount(username!, userId, args.Option("name"), args.Options("role"), args.Options("unit"), password), by, now, ct);
                PrintAccount(created.Account);
                if (created.GeneratedPassword != null) PrintPassword(created.GeneratedPassword);
                return 0;
            }
            case "list":
            {
                var accounts = await AccountCommands.ListAsync(session, ct);
                foreach (var a in accounts) PrintAccount(a);
                Console.WriteLine($"accounts={accounts.Count}");
                return 0;
            }
            case "password":
            {
                var generated = await AccountCommands.ChangePasswordAsync(session, username!, args.Has("password-stdin") ? ReadPassword() : null, by, now, ct);
                Console.WriteLine($"username={Account.Normalize(username!)} password changed");
                if (generated != null) PrintPassword(generated);
                return 0;
            }
            case "roles":
                PrintAccount(await AccountCommands.ChangeRolesAsync(session, username!, args.Options("role"), args.Options("unit"), by, now, ct));
                return 0;
            default:
                PrintAccount(await AccountCommands.DisableAsync(session, username!, args.Option("reason"), by, now, ct));
                return 0;
        }
    }

    /// <summary>The first line of stdin (a pipe, or typed). Trailing newline characters are not part of the password.</summary>
    private static string ReadPassword() =>
        Console.In.ReadLine()?.TrimEnd('\r', '\n') is { Length: > 0 } p ? p : throw new InvalidOperationException("--password-stdin: no password on stdin");

    private static void PrintAccount(AccountView a) =>
        Console.WriteLine($"username={a.Username} user_id={a.UserId} roles={string.Join(',', a.Roles)} units={string.Join(',', a.Units)} "
                          + $"status={(a.Disabled ? "disabled" : "active")}" + (a.Name != null ? $" name=\"{a.Name}\"" : ""));

    private static void PrintPassword(string password)
    {
        Console.WriteLine($"password={password}");
        Console.Error.WriteLine("Store this password now: it is not shown again (only a salted hash is kept).");
    }
}
