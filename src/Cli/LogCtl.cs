using LogControl.Hosting.Database;

namespace LogControl.Cli;

/// <summary>tools/logctl: the verbs of contracts/cli.md. Each failure exits non-zero with one line on stderr.</summary>
public static partial class LogCtl
{
    public static async Task<int> RunAsync(string[] argv)
    {
        var args = new Args(argv);
        try
        {
            using var cts = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
            return (args.Verb, args.SubVerb) switch
            {
                ("db", "start") => await DbStart(args),
                ("db", "stop") => await DbStop(),
                ("db", "status") => await DbStatus(args),
                ("db", "url") => await DbUrl(args),
                ("ingest", _) => await Ingest(args, cts.Token),
                ("quarantine", "list") => await QuarantineList(args, cts.Token),
                ("quarantine", "export") => await QuarantineExport(args, cts.Token),
                ("anomalies", "export") => args.Has("as-of") ? await AnomaliesExportAsOf(args, cts.Token) : await AnomaliesExport(args, cts.Token),
                ("anomalies", "list") => args.Has("as-of") ? await AnomaliesListAsOf(args, cts.Token) : await AnomaliesList(args, cts.Token),
                ("anomalies", "cases") => await AnomaliesCases(args, cts.Token),
                ("show", _) => await Show(args, cts.Token),
                ("projections", "check") => await ProjectionsCheck(args, cts.Token),
                ("stats", _) => await Stats(args, cts.Token),
                ("generate", _) => await Generate(args, cts.Token),
                ("serve", _) => await Serve(args, cts.Token),
                ("sources", _) => await Sources(args, cts.Token),
                ("users", _) => await Users(args, cts.Token),
                ("demo", _) => await Demo(args, cts.Token),
                ("checkpoint", _) => await Checkpoint(args, cts.Token),
                ("verify", _) => await Verify(args, cts.Token),
                ("prove", _) => await Prove(args, cts.Token),
                ("verify-proof", _) => VerifyProof(args),
                ("archive", _) => await Archive(args, cts.Token),
                ("report", _) => await Report(args, cts.Token),
                ("help", _) or ("", _) or ("--help", _) => Help(),
                _ => Fail($"unknown verb '{string.Join(' ', argv)}' (try: logctl help)"),
            };
        }
        catch (OperationCanceledException)
        {
            return Fail("cancelled");
        }
        catch (Exception ex)
        {
            return Fail(ex.Message.ReplaceLineEndings(" "));
        }
    }

    internal static int Fail(string reason)
    {
        Console.Error.WriteLine($"logctl: {reason}");
        return 1;
    }

    private static int Help()
    {
        Console.WriteLine("""
            logctl — LogControl command line

              db start|stop|status        the embedded PostgreSQL cluster (in .data/ of the checkout)
              ingest PATH...              ingest files or folders (CSV, FHIR JSON/Bundle/NDJSON, reference NDJSON, .gz)
              quarantine list             list rejected rows
              quarantine export --out F   export rejected rows as NDJSON
              anomalies export --out F [--from D] [--to D] [--unit U]
                                          wait for detection, then export anomalies as NDJSON (contracts/anomalies.md)
              anomalies list [--from D] [--to D] [--unit U] [--user U] [--limit N]
              anomalies list|export ... --as-of T   the anomalies published by T (no waiting for detection)
              anomalies cases             one line per user with open anomalies, most serious first
              show review ID | show investigation ID | show reference user|client|unit ID  [--as-of T] [--json]
                                          the state now, or as known at T (an instant, or a Stockholm local time 2026-03-02T10:00)
              projections check           rebuild every projection into a shadow schema and compare with the live read models
              stats                       share of patient-record accesses explained, by explanation kind
              generate --out DIR [--seed N] [--scale small|medium|large]
                                          a synthetic municipality with labelled misuse (see src/Generator/README.md)
              generate --out DIR --rows N [--seed N]   a flat synthetic access-log CSV (ingest benchmark)
              sources add SYSTEM          create an API key for a source system that pushes over HTTP
              users add USERNAME --user-id ID --role ROLE [--role ROLE] [--unit UNIT ...] [--name N] [--password-stdin]
                                          a local account (roles: unit_manager, security, auditor, admin, employee);
                                          without --password-stdin a strong password is generated and printed once
              users list                  the local accounts, their roles and units
              users password USERNAME [--password-stdin] | users disable USERNAME [--reason R]
              users roles USERNAME --role ROLE [--unit UNIT ...]   replace an account's roles and units
              serve [--urls URL]          HTTP API, web UI and background processing (default http://127.0.0.1:5080)
              demo [--no-serve] [--urls URL]
                                          generate, ingest and summarise sample data, then serve the web UI with
                                          printed demo logins until Ctrl+C (--no-serve: stop after the summary)
              checkpoint                  extend the tamper evidence over all stored events and sign a checkpoint
              verify [--public-key F] [--checkpoints DIR]
                                          recompute the event history and check it against the signed checkpoints
              prove EVENT [--out FILE]    inclusion proof of one event (sequence number or event id)
              verify-proof FILE [--public-key F]   check an inclusion proof offline, without a database
              archive --before DATE [--dry-run]    move events older than five years out of the hot table
              report compliance|trends|comparison|extract|public [--format csv|html] [--out F] [--from D] [--to D]
                     [--unit U] [--client PNR] [--period year|quarter] [--as-of D] [--actor WHO]   reports (docs/REPORTS.md)

            Every verb takes --db CONNECTION_STRING (or $LOGCONTROL_DB) to use an existing PostgreSQL.
            """);
        return 0;
    }

    private static async Task<int> DbStart(Args args)
    {
        if (DatabaseSelection.Explicit(args.Option("db")) != null)
            return Fail("db start manages the embedded cluster; --db/LOGCONTROL_DB points elsewhere");
        var pg = new EmbeddedPostgres();
        await pg.StartAsync(m => Console.Error.WriteLine(m));
        Console.WriteLine(await pg.StatusAsync());
        return 0;
    }

    private static async Task<int> DbStop()
    {
        await new EmbeddedPostgres().StopAsync(Console.WriteLine);
        return 0;
    }

    private static async Task<int> DbStatus(Args args)
    {
        if (DatabaseSelection.Explicit(args.Option("db")) is { } cs)
        {
            Console.WriteLine($"using an external database ({Redact(cs)})");
            return 0;
        }
        var pg = new EmbeddedPostgres();
        Console.WriteLine(await pg.StatusAsync());
        return await pg.IsRunningAsync() ? 0 : 3;
    }

    /// <summary>Prints the connection string of the embedded cluster (starting it), for scripts and psql.</summary>
    private static async Task<int> DbUrl(Args args)
    {
        Console.WriteLine(await DatabaseSelection.ResolveAsync(args.Option("db"), m => Console.Error.WriteLine(m)));
        return 0;
    }

    internal static string Redact(string connectionString)
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (b.Password != null) b.Password = "***";
        return b.ConnectionString;
    }
}

/// <summary>Minimal argument parsing: verb, sub-verb, --name value options, --flag switches, positionals.</summary>
public sealed class Args
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<string>> _all = new(StringComparer.OrdinalIgnoreCase);

    public Args(string[] argv)
    {
        var positionals = new List<string>();
        for (var i = 0; i < argv.Length; i++)
        {
            var a = argv[i];
            if (a.StartsWith("--") && a.Length > 2)
            {
                var eq = a.IndexOf('=');
                if (eq > 0) { Set(a[2..eq], a[(eq + 1)..]); continue; }
                var name = a[2..];
                if (i + 1 < argv.Length && !argv[i + 1].StartsWith("--") && !IsSwitch(name)) Set(name, argv[++i]);
                else Set(name, null);
            }
            else positionals.Add(a);
        }
        Verb = positionals.Count > 0 ? positionals[0] : "";
        SubVerb = positionals.Count > 1 ? positionals[1] : "";
        Positionals = positionals.Skip(1).ToList();
    }

    private void Set(string name, string? value)
    {
        _options[name] = value;
        if (value != null) (_all.TryGetValue(name, out var list) ? list : _all[name] = []).Add(value);
    }

    private static bool IsSwitch(string name) => name is "no-progress" or "quiet" or "no-serve" or "wait" or "password-stdin" or "json"
        or "no-checkpoint" or "dry-run";

    public string Verb { get; }
    public string SubVerb { get; }
    /// <summary>Everything after the verb.</summary>
    public IReadOnlyList<string> Positionals { get; }
    public string? Option(string name) => _options.GetValueOrDefault(name);
    /// <summary>Every value of a repeatable option (--role a --role b), comma-separated values split.</summary>
    public IReadOnlyList<string> Options(string name) =>
        _all.TryGetValue(name, out var values) ? values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList() : [];
    public bool Has(string name) => _options.ContainsKey(name);
}
