using JasperFx.Events.Daemon;
using LogControl.Domain.Access;
using LogControl.Domain.Ingestion;
using LogControl.Projections.Access;
using LogControl.Tests.Support;
using Marten;
using Marten.Events;
using static LogControl.Tests.Support.IngestTestKit;

namespace LogControl.Tests.Ingest.Pipeline;

public sealed class SamplesAndDaemonTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task every_file_in_the_shared_samples_ingests()
    {
        await using var store = db.CreateStore();
        var totals = await IngestAsync(store, SharedPaths.Samples);

        // 2 CSV rows + 7 reference facts + every FHIR AuditEvent (the gematik Bundles hold several).
        totals.UnreadableFiles.ShouldBe(0);
        await using var session = store.QuerySession();
        var quarantined = await session.Events.QueryRawEventDataOnly<RowQuarantined>().ToListAsync();
        // The IHE package manifest is not a FHIR resource. Every other rejection is a conflicting duplicate:
        // the publications reuse identities (observer + id) across versions with different content (R4 vs R5
        // core examples; the 2023 vs 2025 gematik Bundles). Folders are read in path order, so the earlier
        // version is kept and the later one quarantined, as the CSV contract says for (system, event_id).
        quarantined.Where(q => q.ReasonCode == ReasonCodes.NotFhir).Select(q => Path.GetFileName(q.File)).ShouldBe(["_package.json"]);
        var conflicts = quarantined.Where(q => q.ReasonCode != ReasonCodes.NotFhir).ToList();
        conflicts.ShouldAllBe(q => q.ReasonCode == ReasonCodes.ConflictingDuplicate);
        conflicts.Select(q => Path.GetFileName(q.File)).Distinct().Order().ShouldBe([
            "2025-01-15_07_response_getAuditEvent.json", "AuditEvent-example-disclosure.json", "AuditEvent-example-login.json",
            "AuditEvent-example-rest.json", "AuditEvent-example.json"]);
        conflicts.ShouldAllBe(q => q.File.Contains("r5-snapshot3") || q.File.Contains("r4-gematik-erp"));

        var fhirFiles = Directory.EnumerateFiles(Path.Combine(SharedPaths.Samples, "fhir"), "*.json", SearchOption.AllDirectories)
            .Count(f => Path.GetFileName(f) != "_package.json");
        var accessLike = await session.Events.QueryRawEventDataOnly<AccessRecorded>().CountAsync()
                         + await session.Events.QueryRawEventDataOnly<ActivityRecorded>().CountAsync();
        // Every FHIR event either became an event or is one of the documented conflicts.
        (accessLike + conflicts.Count).ShouldBeGreaterThanOrEqualTo(2 + fhirFiles);
        (await EventsOfType(store, "unit_described")).ShouldBe(2);

        // Idempotent over the whole folder.
        var again = await IngestAsync(store, SharedPaths.Samples);
        again.Accepted.ShouldBe(0);
        again.Duplicates.ShouldBe(totals.Accepted + totals.Duplicates);
        again.Rejected.ShouldBe(totals.Rejected);
    }

    [Fact]
    public async Task bulk_appended_events_are_read_by_marten_and_projected_by_the_async_daemon()
    {
        await using var store = db.CreateStore(withAsyncProjections: true);
        var dir = TempDir();
        var file = WriteCsv(dir, "daemon.csv", Enumerable.Range(1, 3000).Select(i => Row(i, system: "Daemon", client: i % 2 == 0 ? "19121212-1212" : "CLIENT-7")));
        (await IngestAsync(store, file)).Accepted.ShouldBe(3000);

        // Marten reads them like any appended event: by stream, and by type across streams.
        await using (var session = store.QuerySession())
        {
            var one = (await AccessEventsAsync(store, "Daemon")).First(x => x.EventId == "LC-0000042");
            one.ClientId.ShouldBe("191212121212");
            one.OccurredAt.ToString().ShouldBe("2026-03-02T06:41:12Z");
            var raw = await session.Events.QueryAllRawEvents().Where(e => e.EventTypeName == "access_recorded").Take(1).ToListAsync();
            var stream = await session.Events.FetchStreamAsync(raw.Single().StreamId);
            stream[0].Data.ShouldBeOfType<IngestBatchRecorded>();
            stream.Skip(1).ShouldAllBe(e => e.Data is AccessRecorded);
        }

        using var daemon = await store.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();
        await store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
        (await CountAsync(store, $"select count(*) from lc.{AccessTimeline.TableName}")).ShouldBe(3000);
        (await CountAsync(store, $"select count(*) from lc.{AccessTimeline.TableName} where client_id = '191212121212' and user_id = 'SE2321000032-U1001'")).ShouldBe(1500);
        await daemon.StopAllAsync();
    }
}
