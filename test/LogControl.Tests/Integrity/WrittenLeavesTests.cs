using LogControl.Hosting.Integrity;
using LogControl.Ingest.Storage;
using Shouldly;

namespace LogControl.Tests.Integrity;

/// <summary>
/// The ingest writer stores the leaves of the binary events it writes, in their transaction; the extender takes them
/// instead of reading those events back, reads the rest, and forgets what it covered.
/// </summary>
public sealed class WrittenLeavesTests
{
    private const string Pending = $"lc.{WrittenLeaves.Table}";

    [Fact]
    public async Task Ingest_writes_the_binary_events_leaves_and_the_checkpoint_takes_and_forgets_them()
    {
        await using var kit = await IntegrityKit.CreateAsync();
        var binary = await kit.ScalarAsync("select count(*) from lc.mt_events where bdata is not null");
        binary.ShouldBeGreaterThan(500);
        (await kit.ScalarAsync($"select coalesce(sum(length(seq_ids) / 8), 0) from {Pending}")).ShouldBe(binary);

        (await kit.CheckpointAsync()).Added.ShouldBe(await kit.ScalarAsync("select count(*) from lc.mt_events"));
        (await kit.ScalarAsync($"select count(*) from {Pending}")).ShouldBe(0);

        // The written leaves are exactly the leaves verify recomputes from the stored rows.
        var report = await kit.VerifyAsync();
        report.Ok.ShouldBeTrue(string.Join("; ", report.Problems) + report.First);
    }

    [Fact]
    public async Task An_event_changed_between_ingest_and_the_checkpoint_is_named_by_verify()
    {
        await using var kit = await IntegrityKit.CreateAsync();
        var binary = await kit.ScalarAsync("select min(seq_id) + 50 from lc.mt_events where type = 'access_recorded'");
        await kit.SqlAsync($"update lc.mt_events set bdata = set_byte(bdata, 20, (get_byte(bdata, 20) + 1) % 256) where seq_id = {binary}");

        await kit.CheckpointAsync();
        var report = await kit.VerifyAsync();
        report.First.ShouldNotBeNull();
        (report.First!.Seq, report.First.Kind).ShouldBe((binary, "altered"));
    }

    [Fact]
    public async Task Without_written_leaves_the_checkpoint_reads_every_event_and_gives_the_same_root()
    {
        await using var kit = await IntegrityKit.CreateAsync();
        (await kit.ScalarAsync($"select count(*) from {Pending}")).ShouldBeGreaterThan(0);
        var withWritten = (await kit.CheckpointAsync()).Checkpoint!;

        // The same history checkpointed again from scratch, reading every event back.
        await kit.SqlAsync($"delete from lc.{IntegrityTables.Leaves}; delete from lc.{IntegrityTables.Checkpoints}; delete from {Pending}");
        var readBack = (await new IntegrityLog(kit.Store, kit.Signer, new ExternalCheckpointLog(Path.Combine(kit.Dir, "again")), NodaTime.SystemClock.Instance)
            .ExtendAsync(CancellationToken.None)).Checkpoint!;
        readBack.Size.ShouldBe(withWritten.Size);
        Convert.ToHexString(readBack.Root).ShouldBe(Convert.ToHexString(withWritten.Root));
    }
}
