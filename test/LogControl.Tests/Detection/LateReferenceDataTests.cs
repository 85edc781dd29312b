using LogControl.Domain.Detection;
using LogControl.Projections.Detection;
using LogControl.Tests.Support;
using Marten;
using NodaTime;
using static LogControl.Tests.Detection.DetectionKit;

namespace LogControl.Tests.Detection;

/// <summary>
/// Reference data that arrives after the accesses it explains is taken into account: the verdicts are
/// judged again, and the change is itself an event on the anomaly's stream.
/// </summary>
public sealed class LateReferenceDataTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly string C1 = Pnr("19400101", 11);
    private static readonly string C2 = Pnr("19400102", 12);
    private static readonly string C3 = Pnr("19400103", 13);

    [Fact]
    public async Task a_late_visit_retracts_the_anomaly_and_a_late_relation_or_schedule_raises_one()
    {
        await using var store = db.CreateStore(withAsyncProjections: true);
        var publisher = new AnomalyPublisher(store, SystemClock.Instance);
        var k = new DetectionKit(store);
        k.Fact("""{"type":"unit","unit_id":"HT-NORR","name":"Hemtjänst Norr","kind":"hemtjanst","covers_units":[]}""")
         .Fact("""{"type":"staff","user_id":"U1","name":"Åsa Öberg","surname":"Öberg","role":"underskoterska","unit_id":"HT-NORR","from":"2024-01-01","to":null}""")
         .Fact($$"""{"type":"enrollment","client_id":"{{C2}}","unit_id":"HT-NORR","from":"2025-01-01","to":null}""")
         .Fact($$"""{"type":"enrollment","client_id":"{{C3}}","unit_id":"HT-NORR","from":"2025-01-01","to":null}""");
        var unexplained = k.Access("U1", C1, "2026-03-02 09:00:00");    // C1 is nobody's client yet
        k.Access("U1", C2, "2026-03-02 09:30:00");                      // explained by enrollment
        k.Access("U1", C3, "2026-03-02 20:00:00");                      // evening; U1 has no schedule on record yet
        await k.RunAsync();

        var before = (await k.AnomaliesAsync()).ShouldHaveSingleItem();
        before.Rule.ShouldBe(RuleCodes.NoRelationship);
        before.SourceEventIds.ShouldBe([unexplained]);
        // Catching up publishes: the anomaly has its own stream now.
        await using (var first = store.QuerySession())
            (await first.Events.FetchStreamAsync(before.AnomalyId)).Single().Data.ShouldBeOfType<AnomalyDetected>()
                .Anomaly.SourceEventIds.ShouldBe([unexplained]);

        // The care system's visit list for that day arrives a day late, together with U1's schedule and a
        // declared relation (jäv) to C2.
        k.Fact($$"""{"type":"visit","visit_id":"V-1","client_id":"{{C1}}","user_id":"U1","unit_id":"HT-NORR","start":"2026-03-02T08:45:00","end":"2026-03-02T09:15:00"}""")
         .Fact("""{"type":"shift","user_id":"U1","unit_id":"HT-NORR","start":"2026-03-02T07:00:00","end":"2026-03-02T16:00:00"}""")
         .Fact($$"""{"type":"relation","user_id":"U1","client_id":"{{C2}}","kind":"neighbour","from":null}""");
        await k.RunAsync();

        var after = await k.AnomaliesAsync();
        after.Select(a => $"{a.Rule} {a.ClientId}").Order().ShouldBe([$"{RuleCodes.OffShift} {C3}", $"{RuleCodes.RelativeOrNeighbour} {C2}"]);

        await using var session = store.QuerySession();
        foreach (var a in after)
            (await session.Events.FetchStreamAsync(a.AnomalyId)).Single().Data.ShouldBeOfType<AnomalyDetected>();
        var stream = await session.Events.FetchStreamAsync(before.AnomalyId);
        stream.Select(e => e.Data.GetType()).ShouldBe([typeof(AnomalyDetected), typeof(AnomalyRetracted)]);
        var retracted = (AnomalyRetracted)stream[1].Data;
        retracted.Rule.ShouldBe(RuleCodes.NoRelationship);
        retracted.NowExplainedBy.ShouldBe(["Visit"]);

        // Nothing changed since: publishing again adds nothing.
        (await publisher.PublishAsync()).Total.ShouldBe(0);
    }
}
