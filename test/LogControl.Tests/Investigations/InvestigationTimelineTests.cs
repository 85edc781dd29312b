using LogControl.Domain.Detection;
using LogControl.Projections.Detection;
using LogControl.Tests.Detection;
using LogControl.Workflow;
using LogControl.Workflow.Investigations;
using static LogControl.Tests.Detection.DetectionKit;

namespace LogControl.Tests.Investigations;

/// <summary>
/// The investigator's view, built through the real pipeline (ingest, the server's daemon, detection): the subject's
/// accesses to the clients concerned, across units and in time order with their explanations, and all the
/// subject's current anomalies.
/// </summary>
public sealed class InvestigationTimelineTests(InvestigationHost host) : IClassFixture<InvestigationHost>
{
    private static readonly string CNorth = Pnr("19310101", 11);
    private static readonly string CSouth = Pnr("19310202", 22);
    private static readonly string COther = Pnr("19310303", 33);

    [Fact]
    public async Task the_timeline_shows_the_subjects_accesses_to_the_clients_concerned_across_units()
    {
        var k = new DetectionKit(host.Store);
        k.Fact("""{"type":"unit","unit_id":"HT-NORR","name":"Hemtjänst Norr","kind":"hemtjanst","covers_units":[]}""")
         .Fact("""{"type":"unit","unit_id":"HT-SYD","name":"Hemtjänst Syd","kind":"hemtjanst","covers_units":[]}""")
         .Fact("""{"type":"staff","user_id":"U-SNOOP","name":"Bo Snok","surname":"Snok","role":"underskoterska","unit_id":"HT-NORR","from":"2024-01-01","to":null}""")
         .Fact("""{"type":"staff","user_id":"U-PEER","name":"Eva Ek","surname":"Ek","role":"underskoterska","unit_id":"HT-SYD","from":"2024-01-01","to":null}""")
         .Fact("""{"type":"shift","user_id":"U-SNOOP","unit_id":"HT-NORR","start":"2026-03-02T07:00:00","end":"2026-03-02T16:00:00"}""")
         .Fact("""{"type":"shift","user_id":"U-SNOOP","unit_id":"HT-SYD","start":"2026-03-03T07:00:00","end":"2026-03-03T16:00:00"}""")
         .Fact("""{"type":"shift","user_id":"U-SNOOP","unit_id":"HT-NORR","start":"2026-03-04T07:00:00","end":"2026-03-04T16:00:00"}""")
         .Fact($$"""{"type":"enrollment","client_id":"{{CNorth}}","unit_id":"HT-NORR","from":"2025-01-01","to":null}""")
         .Fact($$"""{"type":"enrollment","client_id":"{{CSouth}}","unit_id":"HT-SYD","from":"2025-01-01","to":null}""")
         .Fact($$"""{"type":"enrollment","client_id":"{{COther}}","unit_id":"HT-SYD","from":"2025-01-01","to":null}""");
        var north = k.Access("U-SNOOP", CNorth, "2026-03-02 09:00:00");                      // own unit's client
        var snoop = k.Access("U-SNOOP", CSouth, "2026-03-02 10:00:00");                      // another unit's client: unexplained
        var onShift = k.Access("U-SNOOP", CSouth, "2026-03-03 08:00:00", unit: "HT-SYD");    // on a shift at that unit
        k.Access("U-SNOOP", COther, "2026-03-04 11:00:00");                                  // unexplained, but not in the case
        k.Access("U-PEER", CSouth, "2026-03-02 10:30:00", unit: "HT-SYD");                   // someone else
        var peerSnoop = k.Access("U-PEER", CNorth, "2026-03-02 11:00:00", unit: "HT-SYD");    // someone else's anomaly
        var emergency = k.Access("U-SNOOP", CNorth, "2026-03-04 12:00:00", purpose: "emergency");
        await k.RunAsync();

        var anomalies = await k.AnomaliesAsync();
        AnomalyRow Of(string rule, string sourceRef) => anomalies.Single(a => a.Rule == rule && a.SourceEventIds.Contains(sourceRef));
        var southAnomaly = Of(RuleCodes.NoRelationship, snoop);
        var emergencyAnomaly = Of(RuleCodes.EmergencyAccess, emergency);
        var peerAnomaly = Of(RuleCodes.NoRelationship, peerSnoop);

        // A manager at HT-SYD escalates the access to CSouth; security attaches the emergency access to CNorth.
        await host.Invoke(new EscalationRaised(Guid.NewGuid(), "item-7", "HT-SYD", "U-SNOOP", CSouth, [southAnomaly.AnomalyId],
            "no reason given", "MGR-SYD", host.Now));
        var investigation = (await host.CasesOfAsync("U-SNOOP")).ShouldHaveSingleItem();
        await host.Invoke(new AttachAnomalies(investigation.Id, [emergencyAnomaly.AnomalyId], InvestigationHost.Officer, host.Now));

        // Anomalies of another user, or that never existed, are refused.
        (await host.Rejected(new AttachAnomalies(investigation.Id, [peerAnomaly.AnomalyId], InvestigationHost.Officer, host.Now)))
            .Code.ShouldBe(InvestigationCodes.AnomalyOfOtherUser);
        (await host.Rejected(new AttachAnomalies(investigation.Id, [Guid.NewGuid()], InvestigationHost.Officer, host.Now)))
            .Code.ShouldBe(InvestigationCodes.AnomalyNotFound);

        investigation = await host.LoadAsync(investigation.Id);
        investigation.Anomalies.Select(a => a.AnomalyId).ShouldBe([southAnomaly.AnomalyId, emergencyAnomaly.AnomalyId]);
        investigation.ClientsConcerned().ShouldBe(new[] { CNorth, CSouth }.Order(StringComparer.Ordinal));

        var timeline = await InvestigationQueries.TimelineAsync(host.Store, investigation, default);
        timeline.Select(t => t.SourceRef).ShouldBe([north, snoop, onShift, emergency]);
        timeline.ShouldAllBe(t => t.UserId == "U-SNOOP");
        timeline.Select(t => t.UnitId).Distinct().Order().ShouldBe(["HT-NORR", "HT-SYD"]);
        timeline.Select(t => t.Explanation).ShouldBe([
            ExplanationKind.EnrollmentAtOwnUnit, null, ExplanationKind.EnrollmentAtShiftUnit, ExplanationKind.EnrollmentAtOwnUnit]);
        timeline.Select(t => t.OccurredAt).ShouldBeInOrder();
        timeline.Single(t => t.SourceRef == emergency).Purpose.ShouldBe("Emergency");

        // All the subject's current anomalies, attached or not, and nobody else's.
        var userAnomalies = await InvestigationQueries.AnomaliesAsync(host.Store, investigation, default);
        userAnomalies.Select(a => a.AnomalyId).Order()
            .ShouldBe(anomalies.Where(a => a.UserId == "U-SNOOP").Select(a => a.AnomalyId).Order());
        userAnomalies.ShouldContain(a => a.ClientId == COther);
        userAnomalies.ShouldNotContain(a => a.AnomalyId == peerAnomaly.AnomalyId);
    }

    [Fact]
    public async Task a_case_without_clients_has_an_empty_timeline()
    {
        var id = await host.OpenAsync("U-NOBODY");
        (await InvestigationQueries.TimelineAsync(host.Store, await host.LoadAsync(id), default)).ShouldBeEmpty();
    }
}
