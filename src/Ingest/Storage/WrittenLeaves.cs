using LogControl.Integrity;
using Npgsql;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace LogControl.Ingest.Storage;

/// <summary>
/// Leaf hashes the ingest writer computes for the binary events it writes, in the same transaction as the events:
/// it holds every byte of their leaves already, so the tamper evidence need not read them back. The integrity
/// extender takes these where they are most of a window and reads only the other events, then deletes what it has
/// covered. A row vanishes with its batch on rollback. Where they are used, an event changed or deleted after it was
/// written but before the next checkpoint is reported by verify (the leaf is what was written).
/// </summary>
public static class WrittenLeaves
{
    public const string Table = "lc_integrity_pending";

    public static Table Definition(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, Table));
        table.AddColumn<long>("first_seq").AsPrimaryKey();
        table.AddColumn<long>("last_seq").NotNull();
        // Packed big-endian (8-byte sequence numbers, 16-byte ids, 32-byte hashes): parsing arrays cost more than the rest.
        table.AddColumn("seq_ids", "bytea").NotNull();
        table.AddColumn("event_ids", "bytea").NotNull();
        table.AddColumn("leaf_hashes", "bytea").NotNull();
        return table;
    }

    /// <summary>Writes the leaves of one batch's binary events (<paramref name="seqs"/> ascending).</summary>
    internal static async Task WriteAsync(NpgsqlConnection conn, string schema, List<long> seqs, List<Guid> ids, byte[] hashes, CancellationToken ct)
    {
        if (seqs.Count == 0) return;
        await using var cmd = new NpgsqlCommand(
            $"insert into {schema}.{Table} (first_seq, last_seq, seq_ids, event_ids, leaf_hashes) values ($1, $2, $3, $4, $5)", conn);
        cmd.Parameters.AddWithValue(seqs[0]);
        cmd.Parameters.AddWithValue(seqs[^1]);
        var packedSeqs = new byte[seqs.Count * 8];
        var packedIds = new byte[ids.Count * 16];
        for (var i = 0; i < seqs.Count; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(packedSeqs.AsSpan(i * 8), seqs[i]);
            ids[i].TryWriteBytes(packedIds.AsSpan(i * 16), bigEndian: true, out _);
        }
        cmd.Parameters.AddWithValue(packedSeqs);
        cmd.Parameters.AddWithValue(packedIds);
        cmd.Parameters.AddWithValue(hashes.AsMemory(0, seqs.Count * MerkleTree.HashSize).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
