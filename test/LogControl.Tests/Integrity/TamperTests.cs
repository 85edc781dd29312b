using LogControl.Hosting.Integrity;
using LogControl.Tests.Support;
using NodaTime;
using Shouldly;

namespace LogControl.Tests.Integrity;

/// <summary>
/// Someone with write access to the database changes history directly with SQL; verify must notice, name the
/// first sequence number where history diverges and say what kind of change it was. Honest history verifies.
/// </summary>
public sealed class TamperTests
{
    private static async Task<(IntegrityKit Kit, long Json, long Binary)> CheckpointedAsync()
    {
        var kit = await IntegrityKit.CreateAsync();
        (await kit.CheckpointAsync()).Checkpoint.ShouldNotBeNull();
        var json = await kit.ScalarAsync("select max(seq_id) from lc.mt_events where type = 'ingest_batch_recorded'");
        var binary = await kit.ScalarAsync("select min(seq_id) + 100 from lc.mt_events where type = 'access_recorded'");
        return (kit, json, binary);
    }

    private static async Task<Divergence> DivergenceAsync(IntegrityKit kit)
    {
        var report = await kit.VerifyAsync();
        report.Ok.ShouldBeFalse();
        report.First.ShouldNotBeNull(string.Join("; ", report.Problems));
        return report.First!;
    }

    [Fact]
    public async Task Honest_history_verifies_including_events_appended_after_the_checkpoint_and_a_second_checkpoint()
    {
        var (kit, _, _) = await CheckpointedAsync();
        await using var _ = kit;
        var first = await kit.VerifyAsync();
        first.Ok.ShouldBeTrue(string.Join("; ", first.Problems));
        first.Uncovered.ShouldBe(0);
        var total = await kit.ScalarAsync("select count(*) from lc.mt_events");
        first.Latest!.Size.ShouldBe(total);

        await kit.IngestAsync(5000, 50);
        var added = await kit.ScalarAsync("select count(*) from lc.mt_events") - total;
        added.ShouldBeGreaterThan(50);
        var between = await kit.VerifyAsync();
        between.Ok.ShouldBeTrue();
        between.Uncovered.ShouldBe(added);

        (await kit.CheckpointAsync()).Added.ShouldBe(added);
        (await kit.CheckpointAsync()).Checkpoint.ShouldBeNull("nothing new: no checkpoint");
        var second = await kit.VerifyAsync();
        second.Ok.ShouldBeTrue(string.Join("; ", second.Problems));
        second.Checkpoints.ShouldBe(2);
        second.Latest!.Size.ShouldBe(total + added);
        kit.External.ReadAll().Count.ShouldBe(2);
    }

    [Fact]
    public async Task An_altered_json_event_is_named()
    {
        var (kit, json, _) = await CheckpointedAsync();
        await using var _ = kit;
        await kit.SqlAsync($"update lc.mt_events set data = jsonb_set(data, '{{accepted}}', '1') where seq_id = {json}");
        var d = await DivergenceAsync(kit);
        (d.Seq, d.Kind).ShouldBe((json, "altered"));
    }

    [Fact]
    public async Task An_altered_binary_access_event_is_named()
    {
        var (kit, _, binary) = await CheckpointedAsync();
        await using var _ = kit;
        await kit.SqlAsync($"update lc.mt_events set bdata = set_byte(bdata, 20, (get_byte(bdata, 20) + 1) % 256) where seq_id = {binary}");
        var d = await DivergenceAsync(kit);
        (d.Seq, d.Kind).ShouldBe((binary, "altered"));
    }

    [Fact]
    public async Task A_changed_timestamp_or_type_is_an_alteration_too()
    {
        var (kit, json, binary) = await CheckpointedAsync();
        await using var _ = kit;
        await kit.SqlAsync($"update lc.mt_events set timestamp = timestamp - interval '1 microsecond' where seq_id = {binary}");
        var d = await DivergenceAsync(kit);
        (d.Seq, d.Kind).ShouldBe((binary, "altered"));
    }

    [Fact]
    public async Task A_deleted_event_is_named_as_missing()
    {
        var (kit, _, binary) = await CheckpointedAsync();
        await using var _ = kit;
        await kit.SqlAsync($"delete from lc.mt_events where seq_id = {binary}");
        var d = await DivergenceAsync(kit);
        (d.Seq, d.Kind).ShouldBe((binary, "missing"));
    }

    [Fact]
    public async Task An_event_inserted_into_a_gap_is_named()
    {
        var (kit, _, binary) = await CheckpointedAsync();
        await using var _ = kit;
        var gap = await kit.GapAsync();
        await kit.SqlAsync($"""
            insert into lc.mt_events (seq_id, id, stream_id, version, data, bdata, type, timestamp, tenant_id, mt_dotnet_type, is_archived)
            select {gap}, gen_random_uuid(), stream_id, version + 100000, data, bdata, type, timestamp, tenant_id, mt_dotnet_type, false
            from lc.mt_events where seq_id = {binary}
            """);
        var d = await DivergenceAsync(kit);
        (d.Seq, d.Kind).ShouldBe((gap, "inserted"));
    }

    [Fact]
    public async Task Two_swapped_sequence_numbers_are_named_as_reordered()
    {
        var (kit, _, binary) = await CheckpointedAsync();
        await using var _ = kit;
        var other = binary + 7;
        await kit.SqlAsync($"""
            update lc.mt_events set seq_id = -1 where seq_id = {binary};
            update lc.mt_events set seq_id = {binary} where seq_id = {other};
            update lc.mt_events set seq_id = {other} where seq_id = -1;
            """);
        var d = await DivergenceAsync(kit);
        (d.Seq, d.Kind).ShouldBe((binary, "reordered"));
        d.Detail.ShouldContain($"checkpointed at sequence {other}");
    }

    [Fact]
    public async Task A_rewritten_checkpoint_is_caught_in_the_database_and_in_the_external_log()
    {
        var (kit, _, _) = await CheckpointedAsync();
        await using var _ = kit;
        await kit.SqlAsync("update lc.lc_integrity_checkpoints set last_seq = last_seq + 1");
        var report = await kit.VerifyAsync();
        report.Ok.ShouldBeFalse();
        report.Problems.ShouldContain(p => p.Contains("differs from the external copy"));

        await kit.SqlAsync("update lc.lc_integrity_checkpoints set last_seq = last_seq - 1");
        (await kit.VerifyAsync()).Ok.ShouldBeTrue();

        var file = kit.External.FilePath;
        var line = File.ReadAllText(file);
        var size = kit.External.ReadAll()[0].Checkpoint!.Size;
        File.WriteAllText(file, line.Replace($"\"size\":{size}", $"\"size\":{size - 1}"));
        report = await kit.VerifyAsync();
        report.Ok.ShouldBeFalse();
        report.Problems.ShouldContain(p => p.Contains("signature does not verify"));
    }

    [Fact]
    public async Task A_superuser_who_also_rewrites_the_leaf_index_and_database_checkpoints_is_still_caught()
    {
        var (kit, json, _) = await CheckpointedAsync();
        await using var _ = kit;
        // Change an event, recompute its leaf in the index and delete the database's checkpoints: only the
        // external log and the signing key stand in the way.
        await kit.SqlAsync($"update lc.mt_events set data = jsonb_set(data, '{{accepted}}', '1') where seq_id = {json}");
        await using (var conn = kit.Store.Storage.Database.CreateConnection())
        {
            await conn.OpenAsync();
            var e = await EventLeafSource.FindAsync(conn, "lc", json, null, default);
            await using var cmd = new Npgsql.NpgsqlCommand("update lc.lc_integrity_leaves set leaf_hashes = overlay(leaf_hashes placing $1 from (array_position(seq_ids, $2) - 1) * 32 + 1 for 32) where $2 = any(seq_ids)", conn);
            cmd.Parameters.AddWithValue(e!.Hash());
            cmd.Parameters.AddWithValue(json);
            await cmd.ExecuteNonQueryAsync();
        }
        await kit.SqlAsync("delete from lc.lc_integrity_checkpoints");

        var report = await kit.VerifyAsync();
        report.Ok.ShouldBeFalse();
        report.Problems.ShouldContain(p => p.Contains("missing from the database"));
        report.Problems.ShouldContain(p => p.Contains("leaf index does not give the root"));
        report.First.ShouldNotBeNull();
        report.First!.Kind.ShouldBe("altered");
    }

    [Fact]
    public async Task Archived_events_still_verify_and_retention_keeps_five_years()
    {
        var (kit, _, _) = await CheckpointedAsync();
        await using var _ = kit;
        var now = SystemClock.Instance.GetCurrentInstant();
        var soon = new EventArchiver(kit.Store, new TestClock(now + Duration.FromDays(365)));
        await Should.ThrowAsync<ArgumentException>(() => soon.ArchiveAsync(Domain.Time.SwedishTime.DateOf(now), false, default));

        var total = await kit.ScalarAsync("select count(*) from lc.mt_events");
        await kit.IngestAsync(9000, 10); // not checkpointed: must stay in the hot table
        var fresh = await kit.ScalarAsync("select count(*) from lc.mt_events") - total;
        var later = new EventArchiver(kit.Store, new TestClock(now + Duration.FromDays(6 * 366)));
        var result = await later.ArchiveAsync(Domain.Time.SwedishTime.DateOf(now) + Period.FromDays(1), false, default);
        result.Events.ShouldBe(total);
        (await kit.ScalarAsync("select count(*) from lc.mt_events")).ShouldBe(fresh);
        (await kit.ScalarAsync("select count(*) from lc.lc_event_archive")).ShouldBe(total);

        var report = await kit.VerifyAsync();
        report.Ok.ShouldBeTrue(string.Join("; ", report.Problems));
        report.Uncovered.ShouldBe(fresh);
        (await kit.CheckpointAsync()).Added.ShouldBe(fresh);
        (await kit.VerifyAsync()).Ok.ShouldBeTrue();

        await kit.SqlAsync("update lc.lc_event_archive set data = jsonb_set(data, '{accepted}', '2') where type = 'ingest_batch_recorded'");
        (await kit.VerifyAsync()).First!.Kind.ShouldBe("altered");
    }
}
