using LogControl.Hosting.Replay;
using LogControl.Projections.Detection;
using LogControl.Tests.Detection;
using LogControl.Tests.Support;
using LogControl.Workflow.Reviews;
using Marten;
using NodaTime;
using static LogControl.Tests.Detection.DetectionKit;
using static LogControl.Tests.Support.IngestTestKit;

namespace LogControl.Tests.Replay;

/// <summary>
/// `projections check` rebuilds from history into a shadow schema and compares: honest history is equal, and a live row
/// changed behind the projections' back (an anomaly deleted, a timeline row altered, a review snapshot edited) is named.
/// The live read models and the daemon's progress are not touched by the check.
/// </summary>
public sealed class ProjectionCheckTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private async Task<DocumentStore> HistoryAsync()
    {
        var store = db.CreateStore(withAsyncProjections: true);
        var k = new DetectionKit(store, "CHK");
        k.Fact("""{"type":"unit","unit_id":"HT-N","name":"N","kind":"hemtjanst","manager_user_id":"MGR-N","covers_units":[]}""")
         .Fact("""{"type":"staff","user_id":"U1","name":"A","surname":"A","role":"underskoterska","unit_id":"HT-N","from":"2024-01-01","to":null}""")
         .Fact("""{"type":"staff","user_id":"U2","name":"B","surname":"B","role":"underskoterska","unit_id":"HT-N","from":"2024-01-01","to":null}""");
        for (var c = 1; c <= 6; c++)
            k.Fact($$"""{"type":"enrollment","client_id":"{{Pnr("19300101", c)}}","unit_id":"HT-N","from":"2025-01-01","to":null}""");
        for (var d = 2; d <= 6; d++)
        for (var c = 1; c <= 8; c++)
            k.Access(c % 2 == 0 ? "U1" : "U2", Pnr("19300101", c), $"2026-03-{d:D2} 1{c}:00:00", purpose: c == 3 ? "emergency" : "care");
        await k.RunAsync();
        k.Fact($$"""{"type":"visit","visit_id":"V-1","client_id":"{{Pnr("19300101", 7)}}","user_id":"U2","unit_id":"HT-N","start":"2026-03-03T08:00:00","end":"2026-03-03T20:00:00"}""");
        await k.RunAsync();
        (await k.AnomaliesAsync()).Count.ShouldBeGreaterThan(3);

        // An inline snapshot, appended as the workflow does.
        await using var session = store.LightweightSession();
        var id = Guid.NewGuid();
        session.Events.StartStream<Review>(id, new ReviewScheduled(id, "HT-N", ReviewKind.Periodic, new LocalDate(2026, 1, 1), new LocalDate(2026, 3, 31),
            new LocalDate(2026, 4, 1), new LocalDate(2026, 4, 30), SystemClock.Instance.GetCurrentInstant()));
        await session.SaveChangesAsync();
        await LogControl.Hosting.Detection.DetectionRunner.CatchUpAsync(store, null, CancellationToken.None);
        return store;
    }

    private Task Sql(IDocumentStore store, string sql) => CountAsync(store, sql + "; select 0");

    [Fact]
    public async Task honest_history_checks_equal_and_each_tampered_read_model_is_named()
    {
        await using var store = await HistoryAsync();
        var progressBefore = await StoreRows(store, "select name || '=' || last_seq_id from lc.mt_event_progression order by name");
        var anomaliesBefore = await new DetectionKit(store).AnomalyTableAsync();

        var honest = await ProjectionCheck.RunAsync(store, db.ConnectionString, null, CancellationToken.None);
        honest.Differences.ShouldBeEmpty();
        honest.Compared.Select(c => c.Table).ShouldContain("lc.lc_anomalies");
        honest.Compared.Select(c => c.Table).ShouldContain("lc.lc_access_timeline");
        honest.Compared.Select(c => c.Table).ShouldContain("lc.mt_doc_review");
        honest.Compared.Single(c => c.Table == "lc.lc_access_timeline").Rows.ShouldBe(40);
        // Nothing of the check stays behind, and the live side is as it was.
        (await StoreRows(store, "select name || '=' || last_seq_id from lc.mt_event_progression order by name")).ShouldBe(progressBefore);
        (await new DetectionKit(store).AnomalyTableAsync()).ShouldBe(anomaliesBefore);
        (await CountAsync(store, "select count(*) from information_schema.schemata where schema_name like 'lc_check_%'")).ShouldBe(0);

        var (code, output, err) = await RunLogCtlAsync("projections", "check", "--db", db.ConnectionString, "--no-progress");
        code.ShouldBe(0, err);
        output.ShouldContain("projections: equal");

        // A deleted anomaly.
        var victim = (await new DetectionKit(store).AnomaliesAsync()).First().AnomalyId;
        await Sql(store, $"delete from lc.lc_anomalies where anomaly_id = '{victim}'");
        var deleted = await ProjectionCheck.RunAsync(store, db.ConnectionString, null, CancellationToken.None);
        var d = deleted.Differences.ShouldHaveSingleItem();
        (d.Projection, d.Table, d.OnlyLive, d.OnlyRebuilt).ShouldBe((DetectionProjection.Name, "lc.lc_anomalies", 0L, 1L));
        d.ExampleKeys.ShouldBe([victim.ToString()]);
        (code, output, err) = await RunLogCtlAsync("projections", "check", "--db", db.ConnectionString, "--no-progress");
        code.ShouldBe(1);
        err.ShouldContain("lc.lc_anomalies");
        output.ShouldContain("DIFFERENT");

        // Repaired by a rebuild of the live projection; then an access timeline row is altered.
        using (var daemon = await store.BuildProjectionDaemonAsync())
            await daemon.RebuildProjectionAsync(DetectionProjection.Name, CancellationToken.None);
        (await ProjectionCheck.RunAsync(store, db.ConnectionString, null, CancellationToken.None)).Differences.ShouldBeEmpty();
        await Sql(store, "update lc.lc_access_timeline set explanation = 1 where seq_id = (select min(seq_id) from lc.lc_access_timeline where explanation is null)");
        var altered = (await ProjectionCheck.RunAsync(store, db.ConnectionString, null, CancellationToken.None)).Differences.ShouldHaveSingleItem();
        (altered.Table, altered.OnlyLive, altered.OnlyRebuilt).ShouldBe(("lc.lc_access_timeline", 1L, 1L));

        // A review snapshot edited behind the event stream's back.
        using (var daemon = await store.BuildProjectionDaemonAsync())
            await daemon.RebuildProjectionAsync(DetectionProjection.Name, CancellationToken.None);
        await Sql(store, "update lc.mt_doc_review set data = jsonb_set(data, '{unitId}', '\"HT-S\"')");
        var snapshot = (await ProjectionCheck.RunAsync(store, db.ConnectionString, null, CancellationToken.None)).Differences.ShouldHaveSingleItem();
        (snapshot.Projection, snapshot.Table).ShouldBe(("snapshot Review", "lc.mt_doc_review"));
        (code, _, err) = await RunLogCtlAsync("projections", "check", "--db", db.ConnectionString, "--no-progress");
        code.ShouldBe(1);
        err.ShouldContain("lc.mt_doc_review");

        // A snapshot deleted: the stream without its snapshot is found through the stream table.
        await Sql(store, "delete from lc.mt_doc_review");
        var missing = (await ProjectionCheck.RunAsync(store, db.ConnectionString, null, CancellationToken.None)).Differences.ShouldHaveSingleItem();
        (missing.Table, missing.OnlyLive, missing.OnlyRebuilt).ShouldBe(("lc.mt_doc_review", 0L, 1L));
    }

    private static Task<List<string>> StoreRows(IDocumentStore store, string sql) =>
        LogControl.Projections.StoreSql.QueryAsync(store, sql, r => r.GetString(0), CancellationToken.None);
}
