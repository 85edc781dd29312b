using LogControl.Cli.Generation;
using LogControl.Hosting.Database;
using LogControl.Hosting.Detection;
using LogControl.Ingest.Pipeline;
using Marten;
using Marten.Events;
using Serilog.Extensions.Logging;

namespace LogControl.Cli;

public static partial class LogCtl
{
    /// <summary>
    /// The main job on the embedded default: generate a synthetic municipality, ingest it together with
    /// the shared samples, and print what was ingested. Later issues extend it with detection and the UI.
    /// </summary>
    private static async Task<int> Demo(Args args, CancellationToken ct)
    {
        var dir = args.Option("out") ?? Path.Combine(LogControlPaths.DataDir, "demo");
        var rows = long.TryParse(args.Option("rows"), out var r) ? r : 50_000;
        var summary = new AccessLogGenerator(int.TryParse(args.Option("seed"), out var s) ? s : 42).Write(dir, rows, badFraction: 0.001);
        Console.WriteLine($"generated {summary.Rows:N0} access rows for {summary.Staff} staff and {summary.Clients} clients in {summary.Units} units ({dir})");

        var inputs = new List<string> { summary.ReferencePath, summary.CsvPath };
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
        var pipeline = new IngestPipeline(store, new SerilogLoggerFactory(log).CreateLogger("ingest"));
        await pipeline.EnsureSchemaAsync(ct);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var totals = await pipeline.IngestPathsAsync(inputs, null, ct);
        Console.WriteLine($"ingested {totals.Files} files in {sw.Elapsed.TotalSeconds:0.0} s");

        // The async daemon builds the read models from the new events (Solo mode: this process is the only node).
        sw.Restart();
        await DetectionRunner.CatchUpAsync(store, new SerilogLoggerFactory(log).CreateLogger("detection"), ct);
        Console.WriteLine($"async daemon caught up in {sw.Elapsed.TotalSeconds:0.0} s");

        Console.WriteLine();
        Console.WriteLine("Event store contents:");
        foreach (var (type, count) in await Reports.IngestSummary.EventCountsAsync(store, ct))
            Console.WriteLine($"  {type,-28} {count,12:N0}");
        Console.WriteLine("Quarantine by reason:");
        foreach (var (reason, count) in await Reports.IngestSummary.QuarantineByReasonAsync(store, ct))
            Console.WriteLine($"  {reason,-28} {count,12:N0}");
        Console.WriteLine("Patient-record accesses by unit (access timeline read model):");
        foreach (var (unit, accesses, users, clients) in await Reports.IngestSummary.AccessesByUnitAsync(store, ct))
            Console.WriteLine($"  {unit,-12} {accesses,10:N0} accesses by {users,4} users to {clients,5} clients");
        Console.WriteLine(totals.ToString());
        return 0;
    }
}
