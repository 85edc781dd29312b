using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using LogControl.Hosting.Database;
using LogControl.Hosting.Detection;
using LogControl.Hosting.Marten;
using LogControl.Ingest.Pipeline;
using LogControl.Projections.Detection;
using Marten;
using Marten.Events;
using JasperFx.Events.Daemon;

namespace LogControl.Bench;

/// <summary>
/// tools/bench detect: detection on a generated municipality with labelled misuse. Prints incident recall and
/// alert precision per rule against the labels, the share of legitimate accesses explained, false-positive
/// anomalies per 100 staff per week, detection lag under a steady ingest load (p50/p95), and the full
/// projection rebuild rate as a ratio to the ingest rate measured in the same run.
/// </summary>
public static class DetectBenchmark
{
    private sealed record Label(string Incident, string Rule, bool Primary, string User, string? Client, string Date, string[] Refs);

    public static async Task<int> RunAsync(string[] a)
    {
        var scale = a.Option("scale") ?? "medium";
        var seed = int.Parse(a.Option("seed") ?? "1");
        var rate = int.Parse(a.Option("rate") ?? "2000");
        var lagSeconds = int.Parse(a.Option("lag-seconds") ?? "60");
        var server = await DatabaseSelection.ResolveAsync(a.Option("db"), m => Console.Error.WriteLine(m));

        var data = GeneratorBridge.Municipality(scale, seed);
        var labels = File.ReadLines(Path.Combine(data, "labels.ndjson")).Where(l => l.Length > 0).Select(ParseLabel).ToList();
        Console.WriteLine($"input: {scale} municipality, seed {seed} ({data}); {labels.Count(l => l.Primary)} labelled incidents");

        // 1. Ingest everything without detection running: the baseline rate.
        var cs = await IngestBenchmark.FreshDatabaseAsync(server, "bench_detect");
        try
        {
            await using var store = MartenSetup.CreateStore(cs, withAsyncProjections: true);
            var pipeline = new IngestPipeline(store);
            await pipeline.EnsureSchemaAsync();
            var sw = Stopwatch.StartNew();
            var totals = await pipeline.IngestPathsAsync(GeneratorBridge.IngestPaths(data));
            var ingestSeconds = sw.Elapsed.TotalSeconds;
            var events = totals.Accepted;
            var ingestRate = events / ingestSeconds;
            Console.WriteLine($"ingest (no detection running): {events:N0} events in {ingestSeconds:0.0} s, {ingestRate:N0} events/s; rejected={totals.Rejected}");

            // 2. Detection catching up from nothing, then a full rebuild.
            sw.Restart();
            await DetectionRunner.CatchUpAsync(store, null, CancellationToken.None);
            var catchUpSeconds = sw.Elapsed.TotalSeconds;
            sw.Restart();
            using (var daemon = await store.BuildProjectionDaemonAsync())
                await daemon.RebuildProjectionAsync(DetectionProjection.Name, TimeSpan.FromMinutes(30), CancellationToken.None);
            var rebuildSeconds = sw.Elapsed.TotalSeconds;
            var rebuildRate = events / rebuildSeconds;
            Console.WriteLine($"detection catch-up from empty: {catchUpSeconds:0.0} s; full rebuild: {rebuildSeconds:0.0} s, {rebuildRate:N0} events/s");

            // 3. Quality against the labels.
            var anomalies = await new AnomalyQueries(store).ListAsync();
            PrintQuality(anomalies, labels);
            await PrintExplainedAsync(store, labels);
            var staff = await IngestBenchmark.ScalarAsync(cs, "select count(distinct user_id) from lc.lc_ref_placements");
            var days = await IngestBenchmark.ScalarAsync(cs, "select coalesce(max(local_day) - min(local_day) + 1, 0) from lc.lc_access_timeline");
            var falsePositives = anomalies.Count(x => !Matches(x, labels));
            var perHundredStaffWeek = falsePositives / (staff / 100.0) / (days / 7.0);
            Console.WriteLine($"false-positive anomalies: {falsePositives} = {perHundredStaffWeek:0.00} per 100 staff per week ({staff} staff, {days} days)");
            Console.WriteLine($"RATIO rebuild / ingest = {rebuildRate / ingestRate:0.000}");
        }
        finally { await IngestBenchmark.DropAsync(cs); }

        // 4. Lag under a steady ingest load, detection running beside it.
        var lagCs = await IngestBenchmark.FreshDatabaseAsync(server, "bench_lag");
        try { await MeasureLagAsync(lagCs, data, rate, lagSeconds); }
        finally { await IngestBenchmark.DropAsync(lagCs); }
        return 0;
    }

    private static Label ParseLabel(string line)
    {
        using var d = JsonDocument.Parse(line);
        var r = d.RootElement;
        string? S(string n) => r.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return new Label(S("incident_id")!, S("rule")!, !r.TryGetProperty("primary", out var p) || p.GetBoolean(), S("user_id")!, S("client_id"), S("date")!,
            r.GetProperty("source_event_ids").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    /// <summary>An alert is true when it points at a labelled incident: same user, client (none for spikes) and day.</summary>
    private static bool Matches(AnomalyRow x, List<Label> labels) =>
        labels.Any(l => l.User == x.UserId && l.Date == x.Day.ToString("yyyy-MM-dd", null) && (x.ClientId == null || l.Client == x.ClientId));

    private static void PrintQuality(List<AnomalyRow> anomalies, List<Label> labels)
    {
        Console.WriteLine($"{"rule",-22} {"incidents",9} {"found",6} {"recall",7} {"alerts",7} {"true",6} {"precision",9}");
        var rules = labels.Select(l => l.Rule).Concat(anomalies.Select(x => x.Rule)).Distinct().Order();
        var minRecall = 1.0; var minPrecision = 1.0;
        foreach (var rule in rules)
        {
            var incidents = labels.Where(l => l.Primary && l.Rule == rule).ToList();
            var found = incidents.Count(l => anomalies.Any(x => x.Rule == rule && x.UserId == l.User && x.Day.ToString("yyyy-MM-dd", null) == l.Date
                                                                 && (rule == "VOLUME_SPIKE" || x.ClientId == l.Client)));
            var alerts = anomalies.Where(x => x.Rule == rule).ToList();
            var truePositives = alerts.Count(x => Matches(x, labels));
            var recall = incidents.Count == 0 ? double.NaN : (double)found / incidents.Count;
            var precision = alerts.Count == 0 ? double.NaN : (double)truePositives / alerts.Count;
            if (!double.IsNaN(recall)) minRecall = Math.Min(minRecall, recall);
            if (!double.IsNaN(precision)) minPrecision = Math.Min(minPrecision, precision);
            Console.WriteLine($"{rule,-22} {incidents.Count,9} {found,6} {recall,7:0.000} {alerts.Count,7} {truePositives,6} {precision,9:0.000}");
        }
        var all = anomalies.Count;
        Console.WriteLine($"alerts: {all}, of which true: {anomalies.Count(x => Matches(x, labels))}");
        Console.WriteLine($"RECALL min over rules = {minRecall:0.000}   (target >= 0.95)");
        Console.WriteLine($"PRECISION min over rules = {minPrecision:0.000}   (target >= 0.9)");
    }

    private static async Task PrintExplainedAsync(IDocumentStore store, List<Label> labels)
    {
        var misuse = labels.SelectMany(l => l.Refs).ToHashSet();
        var rows = await LogControl.Projections.StoreSql.QueryAsync(store,
            "select source_ref, explanation is not null from lc.lc_access_timeline where not failed", r => (r.GetString(0), r.GetBoolean(1)), CancellationToken.None);
        var legit = rows.Where(r => !misuse.Contains(r.Item1)).ToList();
        var explained = legit.Count(r => r.Item2);
        Console.WriteLine($"EXPLAINED legitimate accesses = {100.0 * explained / Math.Max(1, legit.Count):0.00}% ({explained:N0} of {legit.Count:N0})   (target >= 97%)");
        var allExplained = rows.Count(r => r.Item2);
        Console.WriteLine($"explained, all patient-record accesses = {100.0 * allExplained / Math.Max(1, rows.Count):0.00}%");
    }

    /// <summary>
    /// Reference data first, then the access rows in time order, in chunks that keep a steady rate; after each
    /// chunk commits, its last sequence number and the time are noted. Lag is the time until detection's
    /// progress (committed with the anomalies it stored) passes that number.
    /// </summary>
    private static async Task MeasureLagAsync(string cs, string data, int rate, int seconds)
    {
        await using var store = MartenSetup.CreateStore(cs, withAsyncProjections: true);
        var pipeline = new IngestPipeline(store, options: new IngestOptions { BatchSize = 2000 });
        await pipeline.EnsureSchemaAsync();
        await pipeline.IngestPathsAsync([Path.Combine(data, "reference")]);
        using var daemon = await store.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();
        await DetectionRunner.CatchUpAsync(store, null, CancellationToken.None);

        var chunkDir = Path.Combine(Path.GetTempPath(), $"logcontrol-lag-{Guid.NewGuid():N}");
        Directory.CreateDirectory(chunkDir);
        var marks = new List<(long Seq, DateTime At)>();
        var seen = new Dictionary<long, DateTime>();
        using var stop = new CancellationTokenSource();
        var poller = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var done = await DetectionRunner.ProgressAsync(store, CancellationToken.None);
                var now = DateTime.UtcNow;
                lock (marks) foreach (var m in marks) if (m.Seq <= done && !seen.ContainsKey(m.Seq)) seen[m.Seq] = now;
                await Task.Delay(20);
            }
        });

        var perChunk = Math.Max(1, rate / 4);
        var sw = Stopwatch.StartNew();
        var sent = 0L;
        var chunk = 0;
        foreach (var rows in AccessRowChunks(data, perChunk))
        {
            if (sw.Elapsed.TotalSeconds >= seconds) break;
            var file = Path.Combine(chunkDir, $"chunk-{chunk++:D6}.csv");
            File.WriteAllText(file, string.Join("\n", rows) + "\n", new UTF8Encoding(false));
            await pipeline.IngestPathsAsync([file]);
            var seq = await LogControl.Projections.StoreSql.HighWaterAsync(store, CancellationToken.None);
            lock (marks) marks.Add((seq, DateTime.UtcNow));
            sent += rows.Count - 1;
            var due = TimeSpan.FromSeconds(sent / (double)rate);
            if (due > sw.Elapsed) await Task.Delay(due - sw.Elapsed);
        }
        var fed = sw.Elapsed.TotalSeconds;
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (DateTime.UtcNow < deadline) { lock (marks) if (seen.Count >= marks.Count) break; await Task.Delay(50); }
        stop.Cancel();
        await poller;
        await daemon.StopAllAsync();
        Directory.Delete(chunkDir, true);

        var lags = marks.Where(m => seen.ContainsKey(m.Seq)).Select(m => (seen[m.Seq] - m.At).TotalSeconds).Order().ToArray();
        double P(double q) => lags.Length == 0 ? double.NaN : lags[Math.Min(lags.Length - 1, (int)Math.Ceiling(q * lags.Length) - 1)];
        Console.WriteLine($"steady load: {sent:N0} access rows in {fed:0.0} s ({sent / fed:N0} rows/s, target rate {rate:N0}), {marks.Count} commits");
        Console.WriteLine($"LAG append → detection stored: p50 = {P(0.5):0.000} s, p95 = {P(0.95):0.000} s, max = {P(1):0.000} s   (target p95 < 2 s)");
    }

    /// <summary>The generated access-log CSV rows in file order, in chunks, each chunk with the header first.</summary>
    private static IEnumerable<List<string>> AccessRowChunks(string data, int perChunk)
    {
        var files = Directory.EnumerateFiles(Path.Combine(data, "access"), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".csv") || f.EndsWith(".csv.gz")).Order(StringComparer.Ordinal);
        foreach (var f in files)
        {
            using var raw = File.OpenRead(f);
            using var stream = f.EndsWith(".gz") ? (Stream)new GZipStream(raw, CompressionMode.Decompress) : raw;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var header = reader.ReadLine()!;
            var chunk = new List<string> { header };
            while (reader.ReadLine() is { } line)
            {
                chunk.Add(line);
                if (chunk.Count > perChunk) { yield return chunk; chunk = [header]; }
            }
            if (chunk.Count > 1) yield return chunk;
        }
    }
}
