using System.Diagnostics;
using LogControl.Domain.Time;
using LogControl.Hosting.Database;
using LogControl.Hosting.Detection;
using LogControl.Hosting.Marten;
using LogControl.Ingest.Pipeline;
using LogControl.Projections;
using LogControl.Reports.Compliance;
using LogControl.Reports.ReviewPreparation;
using LogControl.Workflow;
using LogControl.Workflow.Investigations;
using LogControl.Workflow.Reviews;
using Marten;
using NodaTime;
using Npgsql;

namespace LogControl.Bench;

/// <summary>
/// tools/bench reports: (a) the compliance overview for 200 units with years of review history, and (b) a unit's
/// half-year review preparation (what starting a review does: the scope drawn, the events appended; then what the
/// manager's review page reads: the review and every item's evidence) over a generated municipality of about 2M
/// accesses. Each is timed server-side (in process, against the database) and printed as a ratio to a trivial
/// indexed query of the same tables measured in the same run.
/// </summary>
public static class ReportsBenchmark
{
    public static async Task<int> RunAsync(string[] a)
    {
        var scale = a.Option("scale") ?? "large";
        var weeks = int.Parse(a.Option("weeks") ?? "20");
        var seed = int.Parse(a.Option("seed") ?? "1");
        var unitCount = int.Parse(a.Option("units") ?? "200");
        var runs = int.Parse(a.Option("runs") ?? "20");
        var keep = a.Contains("--keep");
        var server = await DatabaseSelection.ResolveAsync(a.Option("db"), m => Console.Error.WriteLine(m));

        var data = Path.Combine(LogControlPaths.RepoRoot, "artifacts", "bench", $"reports-{scale}-{weeks}w-{seed}");
        if (!File.Exists(Path.Combine(data, "manifest.json")))
        {
            Console.Error.WriteLine($"generating {scale} municipality over {weeks} weeks (seed {seed})...");
            GeneratorBridge.Generate(data, seed, scale, weeks);
        }

        var name = $"bench_reports_{scale}_{weeks}w_{seed}";
        var cs = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        var reuse = keep && await IsCompleteAsync(server, name);
        if (!reuse)
        {
            await IngestBenchmark.DropAsync(cs);
            await ExecAsync(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ConnectionString, $"create database {name}");
        }
        try
        {
            await using var store = MartenSetup.CreateStore(cs, withAsyncProjections: true);
            if (!reuse) await PrepareAsync(store, cs, data, unitCount);
            else Console.WriteLine($"reusing database {name} (--keep)");
            await ReviewSummaries.BackfillAsync(store); // as the CLI does: summaries of streams older than the read model
            await ReportAsync(store, cs, unitCount, runs);
        }
        finally
        {
            if (!keep) await IngestBenchmark.DropAsync(cs);
        }
        return 0;
    }

    // ---- data ------------------------------------------------------------------------------------------------

    private static async Task PrepareAsync(DocumentStore store, string cs, string data, int unitCount)
    {
        var pipeline = new IngestPipeline(store);
        await pipeline.EnsureSchemaAsync();
        var sw = Stopwatch.StartNew();
        var totals = await pipeline.IngestPathsAsync(GeneratorBridge.IngestPaths(data));
        Console.WriteLine($"ingest: {totals.Accepted:N0} events in {sw.Elapsed.TotalSeconds:0.0} s; rejected={totals.Rejected}");

        // More units, so the overview has unitCount: the generated municipality has about 60 (large).
        var extra = Path.Combine(data, "..", $"extra-units-{unitCount}.ndjson");
        sw.Restart();
        await DetectionRunner.CatchUpAsync(store, null, CancellationToken.None);
        Console.WriteLine($"detection caught up in {sw.Elapsed.TotalSeconds:0.0} s");
        var have = await IngestBenchmark.ScalarAsync(cs, "select count(*) from lc.lc_ref_units");
        if (have < unitCount)
        {
            await File.WriteAllLinesAsync(extra, Enumerable.Range(1, unitCount - (int)have).Select(i =>
                $$"""{"type":"unit","unit_id":"BENCH-{{i:D3}}","name":"Enhet {{i}}","kind":"hemtjanst","manager_user_id":"BENCH-M{{i:D3}}","comparable_group":"bench-{{i % 7}}","covers_units":[]}"""));
            await pipeline.IngestPathsAsync([extra]);
            await DetectionRunner.CatchUpAsync(store, null, CancellationToken.None);
        }
        sw.Restart();
        var events = await WriteReviewHistoryAsync(store);
        Console.WriteLine($"review history: {events:N0} events for {unitCount} units in {sw.Elapsed.TotalSeconds:0.0} s");
        await ExecAsync(cs, "create table lc.bench_complete (at timestamptz default now())");
        await ExecAsync(cs, "vacuum analyze");
    }

    /// <summary>
    /// Every unit's periodic reviews from 2021 H1 to 2026 H1 (signed off, most on time, each with 30 judged items
    /// whose evidence lists realistic source references), an open 2026 H1 review where recent, one or two
    /// immediate reviews per unit, and 150 investigations: years of history the overview must not read in full.
    /// </summary>
    private static async Task<long> WriteReviewHistoryAsync(DocumentStore store)
    {
        var units = await StoreSql.QueryAsync(store, "select unit_id from lc.lc_ref_units order by unit_id", r => r.GetString(0), CancellationToken.None);
        var rng = new Random(5);
        long events = 0;
        Instant At(LocalDate d, int hour = 10) => SwedishTime.Zone.AtLeniently(d.At(new LocalTime(hour, 0))).ToInstant();
        foreach (var chunk in units.Chunk(20))
        {
            await using var s = store.LightweightSession();
            foreach (var unit in chunk)
            {
                for (var half = 0; half < 11; half++)
                {
                    var from = new LocalDate(2021 + half / 2, half % 2 == 0 ? 1 : 7, 1);
                    var to = from.PlusMonths(6).PlusDays(-1);
                    var due = to.PlusDays(30);
                    var id = StableId.From($"review:{unit}:{from:uuuu-MM-dd}:{to:uuuu-MM-dd}");
                    var list = new List<object> { new ReviewScheduled(id, unit, ReviewKind.Periodic, from, to, to.PlusDays(1), due, At(to.PlusDays(1))) };
                    var lastHalf = half == 10;
                    if (!lastHalf || rng.Next(3) > 0)
                    {
                        var items = Enumerable.Range(0, 30).Select(i => new ReviewItem($"S:{unit}-U{i}:{from:uuuu-MM-dd}", ItemKind.Sample, $"{unit}-U{i % 12}", null,
                            from.PlusDays(i), Enumerable.Range(0, 20).Select(k => $"Lifecare:{unit}-{half}-{i}-{k:D5}").ToList(), null, "Stickprov")).ToList();
                        list.Add(new ReviewStarted(id, $"{unit}-M", At(to.PlusDays(3))));
                        list.Add(new ReviewScopeDrawn(id, items, new SampleRule(1, 10, 1, 24, 1, items.Select(i => i.SubjectUserId).Distinct().ToList()), At(to.PlusDays(3))));
                        foreach (var item in items)
                        {
                            var bad = rng.Next(40) == 0;
                            list.Add(new ReviewItemJudged(id, item.ItemId, bad ? Verdict.Unjustified : Verdict.Justified, bad ? null : JustificationCategory.Care,
                                bad ? "Ingen vårdrelation" : null, $"{unit}-M", At(to.PlusDays(10))));
                            if (bad) list.Add(new ReviewItemEscalated(id, item.ItemId, "Otillåten åtkomst", $"{unit}-M", At(to.PlusDays(10))));
                        }
                        if (!lastHalf) list.Add(new ReviewSignedOff(id, $"{unit}-M", false, "bench", items.Count, At(due.PlusDays(rng.Next(8) == 0 ? 5 : -3))));
                    }
                    s.Events.StartStream<Review>(id, list.ToArray());
                    events += list.Count;
                }
                for (var k = 0; k < 1 + rng.Next(2); k++)
                {
                    var id = StableId.From($"bench-immediate:{unit}:{k}");
                    var day = new LocalDate(2026, 1, 1).PlusDays(rng.Next(180));
                    s.Events.StartStream<Review>(id, new SuspicionFiled(id, unit, "Misstanke", null, null, "SEC", At(day)),
                        new ReviewScheduled(id, unit, ReviewKind.Immediate, day.PlusDays(-30), day, day.PlusDays(1), day.PlusDays(14), At(day)));
                    events += 2;
                }
            }
            await s.SaveChangesAsync();
        }
        await using (var s = store.LightweightSession())
        {
            for (var i = 0; i < 150; i++)
            {
                var unit = units[rng.Next(units.Count)];
                var id = StableId.From($"bench-investigation:{i}");
                var opened = new InvestigationOpened($"{unit}-U{i}", InvestigationOrigin.Direct, "Misstänkt dataintrång", null,
                    [new AnomalyRef(Guid.NewGuid(), "NO_RELATIONSHIP", $"{unit}-U{i}", null, unit, new LocalDate(2026, 2, 1))], "SEC", At(new LocalDate(2026, 2, 1)));
                if (i % 3 == 0) s.Events.StartStream<Investigation>(id, opened);
                else s.Events.StartStream<Investigation>(id, opened, new InvestigationConcluded(InvestigationOutcome.NoMisuse, "Ingen", "SEC", At(new LocalDate(2026, 3, 1))));
                events += i % 3 == 0 ? 1 : 2;
            }
            await s.SaveChangesAsync();
        }
        return events;
    }

    // ---- measurements ----------------------------------------------------------------------------------------

    private static async Task ReportAsync(DocumentStore store, string cs, int unitCount, int runs)
    {
        var accesses = await IngestBenchmark.ScalarAsync(cs, "select count(*) from lc.lc_access_timeline");
        var units = await IngestBenchmark.ScalarAsync(cs, "select count(*) from lc.lc_ref_units");
        var reviews = await IngestBenchmark.ScalarAsync(cs, "select count(*) from lc.mt_doc_reviewsummary");
        var anomalies = await IngestBenchmark.ScalarAsync(cs, "select count(*) from lc.lc_anomalies");
        Console.WriteLine($"data: {accesses:N0} accesses (timeline), {anomalies:N0} anomalies, {units} units, {reviews:N0} reviews");
        var asOf = new LocalDate(2026, 7, 10);

        // (a) Compliance overview; baseline: one review summary by primary key.
        var anyReview = (await StoreSql.QueryAsync(store, "select id from lc.mt_doc_reviewsummary limit 1", r => r.GetGuid(0), CancellationToken.None))[0];
        var baseA = await TimeAsync(runs, async () => { await using var q = store.QuerySession(); await q.LoadAsync<ReviewSummary>(anyReview); });
        ComplianceReportModel? model = null;
        var compliance = await TimeAsync(runs, async () => model = await ComplianceReport.RunAsync(store, new ComplianceParameters(asOf)));
        var naive = await TimeAsync(1, async () => { await using var q = store.QuerySession(); await q.Query<Review>().ToListAsync(); }, warmup: 0);
        Console.WriteLine($"(a) compliance overview, {model!.Rows.Count} units ({model.Rows.Count(r => r.Overdue)} overdue): median {compliance.Median:0.0} ms, p95 {compliance.P95:0.0} ms   (target < 300 ms)");
        Console.WriteLine($"    baseline, one review summary by id: median {baseA.Median:0.00} ms");
        Console.WriteLine($"    for contrast, loading every full review snapshot instead: median {naive.Median:0} ms");
        Console.WriteLine($"RATIO compliance / baseline = {compliance.Median / baseA.Median:0.0}");

        // (b) Half-year review preparation of the home-care unit with the most staff, for 2026 H2 (the generated period).
        var unit = (await StoreSql.QueryAsync(store, """
            select unit_id from lc.lc_ref_placements where unit_id like 'HT-%' and unit_id not like 'HT-NATT%' group by unit_id order by count(*) desc, unit_id limit 1
            """, r => r.GetString(0), CancellationToken.None))[0];
        var (from, to) = (new LocalDate(2026, 7, 1), new LocalDate(2026, 12, 31));
        var periodAccesses = await IngestBenchmark.ScalarAsync(cs, $"select count(*) from lc.lc_access_timeline where local_day between '{from:uuuu-MM-dd}' and '{to:uuuu-MM-dd}'");
        var unitAccesses = await IngestBenchmark.ScalarAsync(cs, $"select count(*) from lc.lc_access_timeline where unit_id = '{unit}' and local_day between '{from:uuuu-MM-dd}' and '{to:uuuu-MM-dd}'");
        var sample = (await StoreSql.QueryAsync(store, $"select user_id, local_day from lc.lc_access_timeline where unit_id = '{unit}' limit 1",
            r => (r.GetString(0), r.GetFieldValue<LocalDate>(1)), CancellationToken.None))[0];
        var baseB = await TimeAsync(runs, () => StoreSql.QueryAsync(store, "select count(*) from lc.lc_access_timeline where user_id = $1 and local_day = $2",
            r => r.GetInt64(0), CancellationToken.None, sample.Item1, sample.Item2));
        var clock = SystemClock.Instance;
        int items = 0, evidence = 0;
        var n = 0;
        var startMs = new List<double>();
        var pageMs = new List<double>();
        var prep = await TimeAsync(Math.Max(3, runs / 4), async () =>
        {
            var id = StableId.From($"bench-prep:{unit}:{Guid.NewGuid()}");
            await using (var s = store.LightweightSession())
            {
                s.Events.StartStream<Review>(id, new ReviewScheduled(id, unit, ReviewKind.Periodic, from, to, to.PlusDays(1), to.PlusDays(30), clock.GetCurrentInstant()));
                await s.SaveChangesAsync();
            }
            var sw = Stopwatch.StartNew();
            // What ReviewCommandHandler.Handle(StartReview) does: high-water mark, scope drawn, events appended with the stream's version checked.
            await using (var s = store.LightweightSession())
            {
                var stream = await s.Events.FetchForWriting<Review>(id);
                var upTo = await StoreSql.HighWaterAsync(store, CancellationToken.None);
                var (scope, rule) = await ReviewScope.DrawAsync(store, unit, from, to, 42 + n++, upTo);
                stream.AppendMany(stream.Aggregate!.Start($"{unit}-M", clock.GetCurrentInstant(), scope, rule).ToArray());
                await s.SaveChangesAsync();
            }
            startMs.Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            // The manager's review page: the review, and every item's evidence.
            await using (var q = store.QuerySession())
            {
                var review = (await q.LoadAsync<Review>(id))!;
                var ev = await ReviewEvidence.LoadAsync(store, review);
                items = review.Items.Count;
                evidence = ev.Items.Sum(i => i.Accesses.Count);
            }
            pageMs.Add(sw.Elapsed.TotalMilliseconds);
        }, warmup: 1);
        static double Median(List<double> xs) { var v = xs.Skip(1).Order().ToList(); return v[v.Count / 2]; } // without the warm-up run
        Console.WriteLine($"(b) half-year review preparation, unit {unit}, {from:uuuu-MM-dd}..{to:uuuu-MM-dd} ({unitAccesses:N0} of the unit's accesses, {periodAccesses:N0} in the period overall):");
        Console.WriteLine($"    {items} items, {evidence:N0} evidence accesses; median {prep.Median:0.0} ms, p95 {prep.P95:0.0} ms   (target < 1000 ms)");
        Console.WriteLine($"    of which start (scope drawn, events appended) median {Median(startMs):0.0} ms, review page (review + evidence) median {Median(pageMs):0.0} ms");
        Console.WriteLine($"    baseline, one user-day count on the timeline index: median {baseB.Median:0.00} ms");
        Console.WriteLine($"RATIO review preparation / baseline = {prep.Median / baseB.Median:0.0}");
    }

    private static async Task<(double Median, double P95)> TimeAsync(int runs, Func<Task> action, int warmup = 2)
    {
        for (var i = 0; i < warmup; i++) await action();
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            await action();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return (times[times.Count / 2], times[Math.Min(times.Count - 1, (int)Math.Ceiling(0.95 * times.Count) - 1)]);
    }

    private static async Task<bool> IsCompleteAsync(string server, string name)
    {
        try
        {
            var cs = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
            return await IngestBenchmark.ScalarAsync(cs, "select count(*) from lc.bench_complete") >= 0;
        }
        catch (PostgresException) { return false; }
    }

    private static async Task ExecAsync(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync();
    }
}
