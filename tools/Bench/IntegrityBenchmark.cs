using System.Diagnostics;
using LogControl.Hosting.Database;
using LogControl.Hosting.Integrity;
using LogControl.Hosting.Marten;
using LogControl.Ingest.Pipeline;
using LogControl.Integrity;
using NodaTime;
using Npgsql;

namespace LogControl.Bench;

/// <summary>
/// tools/bench integrity: ingest of a generated municipality with tamper evidence off (baseline) and on (the same
/// ingest with the writer hashing leaves, then the leaf index extended and a checkpoint signed, as `logctl ingest`
/// does), alternating
/// rounds on fresh databases; then `verify` throughput against a plain read of the same rows.
/// </summary>
public static class IntegrityBenchmark
{
    public static async Task<int> RunAsync(string[] a)
    {
        var scale = a.Option("scale") ?? "medium";
        var seed = int.Parse(a.Option("seed") ?? "1");
        var rounds = int.Parse(a.Option("rounds") ?? "2");
        var server = await DatabaseSelection.ResolveAsync(a.Option("db"), m => Console.Error.WriteLine(m));
        var data = GeneratorBridge.Municipality(scale, seed);
        var work = Path.Combine(Path.GetTempPath(), $"lc-bench-integrity-{Guid.NewGuid():N}");
        using var signer = CheckpointSigner.LoadOrCreate(Path.Combine(work, "key"));
        Console.WriteLine($"input: {scale} municipality, seed {seed}; {rounds} rounds of off/on, alternating");

        var off = new List<double>();
        var on = new List<double>();
        string? keep = null;
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var evidence in new[] { false, true })
            {
                var cs = await IngestBenchmark.FreshDatabaseAsync(server, "bench_integrity");
                await using var store = MartenSetup.CreateStore(cs);
                // Off means no tamper evidence at all: not even the leaves the writer could hash as it goes.
                var pipeline = new IngestPipeline(store, options: new IngestOptions { WriteLeafHashes = evidence });
                await pipeline.EnsureSchemaAsync();
                await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
                var sw = Stopwatch.StartNew();
                if (evidence)
                {
                    // What `logctl ingest` does: the writer hashes the binary events' leaves as it goes; then the leaf
                    // index is extended over everything and a checkpoint signed.
                    await pipeline.IngestPathsAsync(GeneratorBridge.IngestPaths(data));
                    var ingestSeconds = sw.Elapsed.TotalSeconds;
                    var log = new IntegrityLog(store, signer, new ExternalCheckpointLog(Path.Combine(work, $"r{round}")), SystemClock.Instance);
                    var ext = await log.ExtendAsync(CancellationToken.None);
                    var total = sw.Elapsed.TotalSeconds;
                    var events = await IngestBenchmark.ScalarAsync(cs, "select count(*) from lc.mt_events");
                    if (ext.Checkpoint?.Size != events) throw new InvalidOperationException($"the checkpoint covers {ext.Checkpoint?.Size} of {events} events");
                    on.Add(events / total);
                    Console.WriteLine($"round {round} on : {events:N0} events, ingest {ingestSeconds:0.0} s + leaves and checkpoint {total - ingestSeconds:0.0} s = {events / total:N0} events/s (waiting for older transactions {ext.Settling.TotalSeconds:0.00} s)");
                }
                else
                {
                    var totals = await pipeline.IngestPathsAsync(GeneratorBridge.IngestPaths(data));
                    var ingestSeconds = sw.Elapsed.TotalSeconds;
                    var events = await IngestBenchmark.ScalarAsync(cs, "select count(*) from lc.mt_events");
                    off.Add(events / ingestSeconds);
                    Console.WriteLine($"round {round} off: {events:N0} events, ingest {ingestSeconds:0.0} s = {events / ingestSeconds:N0} events/s (accepted {totals.Accepted:N0})");
                }
                if (evidence && round == rounds) keep = cs;
                else await IngestBenchmark.DropAsync(cs);
            }
        }

        try
        {
            await using var store = MartenSetup.CreateStore(keep!);
            var events = await IngestBenchmark.ScalarAsync(keep!, "select count(*) from lc.mt_events");
            // Baseline: read the same columns the verifier hashes, and nothing else.
            var sw = Stopwatch.StartNew();
            await using (var conn = new NpgsqlConnection(keep))
            {
                await conn.OpenAsync();
                long n = 0;
                for (long after = 0; ;)
                {
                    var page = await EventLeafSource.ReadAsync(conn, "lc", false, after, long.MaxValue, 50_000, CancellationToken.None);
                    n += page.Count;
                    if (page.Count < 50_000) break;
                    after = page[^1].Seq;
                }
            }
            var readRate = events / sw.Elapsed.TotalSeconds;
            sw.Restart();
            var report = await new IntegrityVerifier(store, signer.PublicKey, new ExternalCheckpointLog(Path.Combine(work, $"r{rounds}"))).VerifyAsync(CancellationToken.None);
            var verifyRate = events / sw.Elapsed.TotalSeconds;
            if (!report.Ok) throw new InvalidOperationException("verify failed on honest history: " + string.Join("; ", report.Problems));
            Console.WriteLine($"read the rows only: {readRate:N0} events/s; verify: {events:N0} events in {sw.Elapsed.TotalSeconds:0.0} s = {verifyRate:N0} events/s");

            var offMedian = Median(off);
            var onMedian = Median(on);
            Console.WriteLine($"ingest off (median): {offMedian:N0} events/s; on (median): {onMedian:N0} events/s");
            Console.WriteLine($"RATIO ingest with tamper evidence / without = {onMedian / offMedian:0.000} (target ≥ 0.9)");
            Console.WriteLine($"RATIO verify / plain read = {verifyRate / readRate:0.000}");
        }
        finally
        {
            await IngestBenchmark.DropAsync(keep!);
            Directory.Delete(work, recursive: true);
        }
        return 0;
    }

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }
}
