using LogControl.Generator;
using LogControl.Hosting.Database;
using LogControl.Hosting.Detection;
using LogControl.Ingest.Pipeline;
using LogControl.Projections.Detection;
using Serilog.Extensions.Logging;

namespace LogControl.Cli;

public static partial class LogCtl
{
    /// <summary>
    /// The main job on the embedded default: generate a synthetic municipality with labelled misuse, ingest it
    /// together with the shared samples, let detection catch up, and summarise what it found; then serve the web UI with
    /// demo logins until Ctrl+C, unless --no-serve.
    /// </summary>
    private static async Task<int> Demo(Args args, CancellationToken ct)
    {
        var dir = args.Option("out") ?? Path.Combine(LogControlPaths.DataDir, "demo");
        var seed = int.TryParse(args.Option("seed"), out var s) ? s : 42;
        var generated = new MunicipalityGenerator().Generate(new GeneratorOptions(seed, GeneratorOptions.ParseScale(args.Option("scale") ?? "medium"), dir));
        Console.WriteLine($"generated a municipality: {generated.Units} units, {generated.Staff} staff, {generated.Clients:N0} clients, " +
                          $"{generated.AccessRows:N0} access rows {generated.From:uuuu-MM-dd}..{generated.To:uuuu-MM-dd}, {generated.Incidents} labelled incidents ({dir})");

        var inputs = generated.IngestPaths.ToList();
        var samples = Path.GetFullPath(Path.Combine(LogControlPaths.RepoRoot, "..", "shared", "samples"));
        if (Directory.Exists(samples)) inputs.Add(samples);

        // A fresh demo: on the embedded default the database starts empty; an explicit --db is used as it is.
        if (DatabaseSelection.Explicit(args.Option("db")) == null)
        {
            await new EmbeddedPostgres().ResetDefaultDatabaseAsync(m => Console.Error.WriteLine(m), ct);
            Console.WriteLine("embedded database reset for a fresh demo");
        }
        var (store, log) = await OpenStoreAsync(args, "logctl", ct, withAsyncProjections: true);
        await using var _ = store;
        using var __ = log;
        var integrity = IntegritySettingsFor(args);
        if (DatabaseSelection.Explicit(args.Option("db")) == null && integrity.ExternalLogFor(store) is { } external && File.Exists(external.FilePath))
        {
            // The reset database's history is gone, so its checkpoints are kept aside, not appended to.
            var aside = $"{external.FilePath}.reset-{DateTime.UtcNow:yyyyMMddTHHmmss}";
            File.Move(external.FilePath, aside);
            Console.WriteLine($"earlier checkpoints of the reset database kept in {aside}");
        }
        var pipeline = new IngestPipeline(store, new SerilogLoggerFactory(log).CreateLogger("ingest"));
        await pipeline.EnsureSchemaAsync(ct);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var totals = await pipeline.IngestPathsAsync(inputs, null, ct);
        Console.WriteLine($"ingested {totals.Files} files in {sw.Elapsed.TotalSeconds:0.0} s: {totals}");

        sw.Restart();
        await DetectionRunner.CatchUpAsync(store, new SerilogLoggerFactory(log).CreateLogger("detection"), ct);
        Console.WriteLine($"detection caught up in {sw.Elapsed.TotalSeconds:0.0} s");
        if ((await CheckpointAsync(store, integrity, log, ct)).Checkpoint is { } checkpoint)
            Console.WriteLine($"tamper evidence: checkpoint of {checkpoint.Size:N0} events signed (root {checkpoint.RootHex[..16]}…); `tools/logctl verify` checks it");

        Console.WriteLine();
        Console.WriteLine("Event store contents:");
        foreach (var (type, count) in await Reports.IngestSummary.EventCountsAsync(store, ct))
            Console.WriteLine($"  {type,-28} {count,12:N0}");
        Console.WriteLine("Quarantine by reason:");
        foreach (var (reason, count) in await Reports.IngestSummary.QuarantineByReasonAsync(store, ct))
            Console.WriteLine($"  {reason,-28} {count,12:N0}");

        var queries = new AnomalyQueries(store);
        var explained = await queries.ExplanationCountsAsync(ct);
        var total = explained.Sum(e => e.Count);
        Console.WriteLine($"Patient-record accesses explained by a care relationship ({total:N0} successful accesses):");
        foreach (var (kind, count) in explained)
            Console.WriteLine($"  {kind?.ToString() ?? "Unexplained",-28} {count,12:N0} {100.0 * count / Math.Max(1, total),7:0.00}%");
        var anomalies = await queries.ListAsync(null, ct);
        Console.WriteLine($"Anomalies by rule ({anomalies.Count:N0}):");
        foreach (var g in anomalies.GroupBy(a => a.Rule).OrderByDescending(g => g.Count()))
            Console.WriteLine($"  {g.Key,-28} {g.Count(),12:N0}");
        var cases = await queries.CasesAsync(ct);
        Console.WriteLine($"Cases for review ({cases.Count} users), the most serious first:");
        foreach (var c in cases.Take(5))
            Console.WriteLine($"  {c.HighestSeverity,-8} {c.UserName ?? c.UserId} ({c.UnitId}): {c.Anomalies} anomalies, {string.Join(", ", c.Rules)}");
        if (anomalies.FirstOrDefault(a => a.Severity == "critical") is { } example)
            Console.WriteLine($"Example: {example.Explanation}");
        Console.WriteLine(totals.ToString());
        return args.Has("no-serve") ? 0 : await ServeDemoAsync(args, store, ct);
    }
}
