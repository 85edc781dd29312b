using FsCheck;
using FsCheck.Xunit;
using LogControl.Hosting.Integrity;
using LogControl.Integrity;
using Shouldly;

namespace LogControl.Tests.Integrity;

/// <summary>
/// Extending and verifying hash leaves straight from the database reader (UTF-8 bytes, no event objects); proofs and
/// divergence reports use <see cref="EventLeaf"/>. Both must give the same leaf for every stored event, or a proof
/// would disagree with its checkpoint.
/// </summary>
public sealed class LeafHashPathTests
{
    [Fact]
    public async Task The_reader_path_hashes_every_stored_event_as_EventLeaf_does()
    {
        await using var kit = await IntegrityKit.CreateAsync(rows: 200);
        // JSON text that needs escaping and four-byte UTF-8, a non-ASCII type, an empty binary payload.
        await kit.SqlAsync("""
            insert into lc.mt_streams (id, type, version, timestamp, created, tenant_id, is_archived)
            values ('0190f000-0000-7000-8000-000000000001', 'edge', 2, now(), now(), '*DEFAULT*', false);
            insert into lc.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, is_archived, bdata)
            values
              (nextval('lc.mt_events_sequence'), gen_random_uuid(), '0190f000-0000-7000-8000-000000000001', 1,
               '{"namn": "Åsa Öberg 🧓", "note": "a \"quoted\" back\\slash\nnew line", "nested": {"b": [1, 2.50, null], "a": true}}',
               'händelse_å', now(), '*DEFAULT*', null, false, null),
              (nextval('lc.mt_events_sequence'), gen_random_uuid(), '0190f000-0000-7000-8000-000000000001', 2, '{}', 'empty_binary', now(), '*DEFAULT*', null, false, ''::bytea)
            """);
        await using var conn = kit.Store.Storage.Database.CreateConnection();
        await conn.OpenAsync();

        var leaves = await EventLeafSource.ReadAsync(conn, "lc", false, 0, long.MaxValue, int.MaxValue, CancellationToken.None);
        var hashes = await EventLeafSource.ReadHashesAsync(conn, "lc", false, 0, long.MaxValue, int.MaxValue, CancellationToken.None);

        hashes.Count.ShouldBe(leaves.Count);
        leaves.Count.ShouldBeGreaterThan(400);
        leaves.ShouldContain(l => l.BinaryData != null && l.BinaryData.Length > 0);
        leaves.ShouldContain(l => l.Data != null && l.Data.Contains("🧓"));
        leaves.ShouldContain(l => l.Type == "empty_binary" && l.BinaryData != null && l.BinaryData.Length == 0);
        for (var i = 0; i < leaves.Count; i++)
        {
            hashes[i].Seq.ShouldBe(leaves[i].Seq);
            hashes[i].Id.ShouldBe(leaves[i].Id);
            Convert.ToHexString(hashes[i].Hash).ShouldBe(Convert.ToHexString(leaves[i].Hash()), $"event {leaves[i].Seq} ({leaves[i].Type})");
        }
    }

    [Property(MaxTest = 300)]
    public bool The_leaf_hash_is_the_RFC_9162_leaf_hash_of_the_encoding_for_any_event(
        long seq, Guid id, Guid stream, long version, long micros, NonNull<string> type, string? data, byte[]? binary)
    {
        var leaf = new EventLeaf(seq, id, stream, version, type.Get, micros, data, binary);
        return leaf.Hash().AsSpan().SequenceEqual(MerkleTree.LeafHash(leaf.Encode()));
    }

    [Fact]
    public void An_absent_payload_and_an_empty_one_give_different_leaves()
    {
        var absent = new EventLeaf(1, Guid.Empty, Guid.Empty, 1, "t", 0, null, null);
        new EventLeaf(1, Guid.Empty, Guid.Empty, 1, "t", 0, "", null).Hash().ShouldNotBe(absent.Hash());
        new EventLeaf(1, Guid.Empty, Guid.Empty, 1, "t", 0, null, []).Hash().ShouldNotBe(absent.Hash());
    }
}
