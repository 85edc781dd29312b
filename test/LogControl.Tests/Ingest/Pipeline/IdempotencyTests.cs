using LogControl.Domain.Access;
using LogControl.Domain.Ingestion;
using LogControl.Tests.Support;
using Marten;
using static LogControl.Tests.Support.IngestTestKit;

namespace LogControl.Tests.Ingest.Pipeline;

/// <summary>Re-ingest, overlapping exports and conflicting duplicates, through the real pipeline into a real event store.</summary>
public sealed class IdempotencyTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task reingesting_a_file_adds_nothing()
    {
        await using var store = db.CreateStore();
        var dir = TempDir();
        var file = WriteCsv(dir, "a.csv", Enumerable.Range(1, 2500).Select(i => Row(i, system: "Reingest"))
            .Append("LC-9999999;2026-03-29 02:30:00;Reingest;U1;;;;19121212-1212;read;care;"));

        var first = await IngestAsync(store, file);
        first.ToString().ShouldBe("accepted=2500 duplicates=0 rejected=1");
        var quarantined = $"select count(*) from lc.mt_events where type = 'row_quarantined' and data->>'file' = '{file}'";
        (await AccessEventsAsync(store, "Reingest")).Count.ShouldBe(2500);
        (await CountAsync(store, quarantined)).ShouldBe(1);

        var second = await IngestAsync(store, file);
        second.ToString().ShouldBe("accepted=0 duplicates=2500 rejected=1");
        (await AccessEventsAsync(store, "Reingest")).Count.ShouldBe(2500);
        (await CountAsync(store, quarantined)).ShouldBe(1);
    }

    [Fact]
    public async Task overlapping_exports_add_only_the_new_rows()
    {
        await using var store = db.CreateStore();
        var dir = TempDir();
        var a = WriteCsv(dir, "jan.csv", Enumerable.Range(1, 100).Select(i => Row(i, system: "Overlap")));
        var b = WriteCsv(dir, "jan-feb.csv", Enumerable.Range(51, 100).Select(i => Row(i, system: "Overlap")));

        (await IngestAsync(store, a)).ToString().ShouldBe("accepted=100 duplicates=0 rejected=0");
        (await IngestAsync(store, b)).ToString().ShouldBe("accepted=50 duplicates=50 rejected=0");
        (await AccessEventsAsync(store, "Overlap")).Select(a => a.EventId).Distinct().Count().ShouldBe(150);
        (await AccessEventsAsync(store, "Overlap")).Count.ShouldBe(150);
    }

    [Fact]
    public async Task same_identity_with_different_content_is_quarantined_and_the_first_is_kept()
    {
        await using var store = db.CreateStore();
        var dir = TempDir();
        var a = WriteCsv(dir, "first.csv", [Row(1, system: "Conflict", user: "U-FIRST")]);
        var b = WriteCsv(dir, "second.csv", [Row(1, system: "Conflict", user: "U-SECOND"), Row(2, system: "Conflict")]);

        await IngestAsync(store, a);
        (await IngestAsync(store, b)).ToString().ShouldBe("accepted=1 duplicates=0 rejected=1");

        await using var session = store.QuerySession();
        var kept = (await AccessEventsAsync(store, "Conflict")).Where(x => x.EventId == "LC-0000001").ToList();
        kept.Single().UserId.ShouldBe("U-FIRST");
        var q = await session.Events.QueryRawEventDataOnly<RowQuarantined>().Where(x => x.ReasonCode == ReasonCodes.ConflictingDuplicate && x.File == b).ToListAsync();
        q.Single().File.ShouldEndWith("second.csv");
        q.Single().Line.ShouldBe(2);
        q.Single().Raw.ShouldContain("U-SECOND");

        // Re-ingesting the conflicting file quarantines nothing new.
        (await IngestAsync(store, b)).ToString().ShouldBe("accepted=0 duplicates=1 rejected=1");
        (await session.Events.QueryRawEventDataOnly<RowQuarantined>().CountAsync(x => x.ReasonCode == ReasonCodes.ConflictingDuplicate && x.File == b)).ShouldBe(1);
    }

    [Fact]
    public async Task a_conflict_inside_one_file_keeps_the_earlier_row()
    {
        await using var store = db.CreateStore();
        var dir = TempDir();
        var file = WriteCsv(dir, "self.csv", [Row(1, system: "SelfConflict", action: "read"), Row(1, system: "SelfConflict", action: "print"), Row(1, system: "SelfConflict", action: "read")]);
        (await IngestAsync(store, file)).ToString().ShouldBe("accepted=1 duplicates=1 rejected=1");
        await using var session = store.QuerySession();
        (await AccessEventsAsync(store, "SelfConflict")).Single().Action.ShouldBe(AccessAction.Read);
    }

    [Fact]
    public async Task the_same_row_with_a_different_timestamp_notation_is_a_duplicate_not_a_conflict()
    {
        await using var store = db.CreateStore();
        var dir = TempDir();
        var a = WriteCsv(dir, "local.csv", [Row(1, system: "Notation", timestamp: "2026-03-02 07:41:12")]);
        var b = WriteCsv(dir, "utc.csv", [Row(1, system: "Notation", timestamp: "2026-03-02T06:41:12Z")]);
        await IngestAsync(store, a);
        (await IngestAsync(store, b)).ToString().ShouldBe("accepted=0 duplicates=1 rejected=0");
    }
}
