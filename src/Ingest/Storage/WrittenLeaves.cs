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

    /// <summary>Stored uncompressed: hashes do not compress (see <see cref="UncompressedStorage"/>).</summary>
    public static Task EnsureStorageAsync(NpgsqlConnection conn, string schema, CancellationToken ct) =>
        UncompressedStorage.EnsureAsync(conn, schema, Table, ["seq_ids", "event_ids", "leaf_hashes"], ct);

    /// <summary>The leaves of one batch's binary events, packed as they are stored, added in ascending sequence order.</summary>
    internal sealed class Batch
    {
        private readonly System.Buffers.ArrayBufferWriter<byte> _seqs = new();
        private readonly System.Buffers.ArrayBufferWriter<byte> _ids = new();
        private readonly System.Buffers.ArrayBufferWriter<byte> _hashes = new();
        private long _first, _last;

        /// <summary>Hashes the leaf of a binary event from the fields it is written with; its jsonb data is only Marten's placeholder.</summary>
        public void Add(long seq, Guid id, Guid streamId, long version, long timestampMicros, ReadOnlySpan<byte> typeUtf8, byte[] binary)
        {
            EventLeaf.Hash(_hashes.GetSpan(MerkleTree.HashSize), seq, id, streamId, version, timestampMicros, typeUtf8, default, false, binary, true);
            _hashes.Advance(MerkleTree.HashSize);
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(_seqs.GetSpan(8), seq);
            _seqs.Advance(8);
            id.TryWriteBytes(_ids.GetSpan(16), bigEndian: true, out _);
            _ids.Advance(16);
            if (_seqs.WrittenCount == 8) _first = seq;
            _last = seq;
        }

        public async Task WriteAsync(NpgsqlConnection conn, string schema, CancellationToken ct)
        {
            if (_seqs.WrittenCount == 0) return;
            await using var cmd = new NpgsqlCommand(
                $"insert into {schema}.{Table} (first_seq, last_seq, seq_ids, event_ids, leaf_hashes) values ($1, $2, $3, $4, $5)", conn);
            cmd.Parameters.AddWithValue(_first);
            cmd.Parameters.AddWithValue(_last);
            cmd.Parameters.AddWithValue(_seqs.WrittenMemory.ToArray());
            cmd.Parameters.AddWithValue(_ids.WrittenMemory.ToArray());
            cmd.Parameters.AddWithValue(_hashes.WrittenMemory.ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }
}
