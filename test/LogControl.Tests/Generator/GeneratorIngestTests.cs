using LogControl.Domain.Access;
using LogControl.Generator;
using LogControl.Tests.Support;
using static LogControl.Tests.Support.IngestTestKit;

namespace LogControl.Tests.Generator;

/// <summary>The small municipality through the real ingest pipeline into a real PostgreSQL database.</summary>
public sealed class GeneratorIngestTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Small_scale_ingests_with_no_rejections_and_every_labelled_event_is_stored_as_the_oracle_reads_it()
    {
        var dir = TempDir();
        var result = new MunicipalityGenerator().Generate(new GeneratorOptions(3, Scale.Small, dir));
        var data = new GeneratedData(dir);
        await using var store = db.CreateStore();

        var totals = await IngestAsync(store, [.. result.IngestPaths]);

        totals.Rejected.ShouldBe(0);
        totals.Duplicates.ShouldBe(0);
        totals.UnreadableFiles.ShouldBe(0);
        totals.Accepted.ShouldBe(result.ReferenceFacts + result.AccessRows);
        (await EventsOfType(store, "activity_recorded")).ShouldBe(result.ActivityRows);

        var stored = await AccessEventsAsync(store);
        stored.Select(a => a.System).Distinct().Order().ShouldBe(["Combine", "Lifecare", "Treserva"]);
        stored.ShouldContain(a => a.Outcome == AccessOutcome.Failed && a.System == "Combine");
        stored.ShouldContain(a => a.Purpose == AccessPurpose.Emergency && a.System == "Combine");

        // Every labelled event is there, under the id the anomaly export will show.
        var keys = stored.Select(a => $"{a.System}:{a.EventId}").ToHashSet(StringComparer.Ordinal);
        foreach (var label in data.Labels)
            foreach (var id in label.SourceEventIds)
                keys.ShouldContain(id, $"{label.IncidentId} {label.Rule}");

        // The pipeline maps every row (CSV and FHIR) to what the oracle judged: same user, unit, client,
        // instant, action, purpose and outcome.
        var expected = data.Accesses.Where(a => a.IsPatientAccess).ToDictionary(a => a.Key, StringComparer.Ordinal);
        stored.Count.ShouldBe(expected.Count);
        foreach (var a in stored)
        {
            var o = expected[$"{a.System}:{a.EventId}"];
            (a.UserId, a.UnitId, a.ClientId, a.OccurredAt).ShouldBe((o.UserId, o.UnitId, o.ClientId!, o.At));
            a.Action.ToString().ToLowerInvariant().ShouldBe(o.Action);
            a.Purpose.ToString().ToLowerInvariant().ShouldBe(o.Purpose);
            (a.Outcome == AccessOutcome.Failed).ShouldBe(o.Failed);
        }
    }
}
