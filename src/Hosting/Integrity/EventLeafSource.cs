using LogControl.Ingest.Storage;
using LogControl.Integrity;
using Npgsql;

namespace LogControl.Hosting.Integrity;

/// <summary>An event's place in the sequence, its id and its leaf hash.</summary>
public readonly record struct LeafHash(long Seq, Guid Id, byte[] Hash);

/// <summary>Reads stored events as <see cref="EventLeaf"/>s in sequence order: the hot table and the retention archive.</summary>
public static class EventLeafSource
{
    // Binary events carry a placeholder in data that Marten never reads, so only bdata is part of their leaf.
    private const string Columns =
        "seq_id, id, stream_id, version, type, timestamp, case when bdata is null then data::text end, bdata";

    // The same fields with the text as UTF-8 bytes, so leaves are hashed straight from the reader's buffer.
    private const string HashColumns =
        "seq_id, id, stream_id, version, convert_to(type, 'UTF8'), timestamp, " +
        "case when bdata is null then convert_to(data::text, 'UTF8') end, bdata";

    /// <summary>The columns of the events matching <paramref name="where"/>, in the hot table and the retention archive.</summary>
    private static string Select(string columns, string schema, bool withArchive, string where)
    {
        var sql = $"select {columns} from {schema}.mt_events where {where}";
        return withArchive ? sql + $" union all select {columns} from {schema}.{IntegrityTables.Archive} where {where}" : sql;
    }

    public static async Task<bool> ArchiveExistsAsync(NpgsqlConnection conn, string schema, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select to_regclass($1) is not null", conn);
        cmd.Parameters.AddWithValue($"{schema}.{IntegrityTables.Archive}");
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Events with after &lt; seq_id ≤ upTo, in sequence order, at most <paramref name="limit"/>.</summary>
    public static async Task<List<EventLeaf>> ReadAsync(NpgsqlConnection conn, string schema, bool withArchive, long after, long upTo, int limit, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(Select(Columns, schema, withArchive, "seq_id > $1 and seq_id <= $2") + " order by 1 limit $3", conn);
        cmd.Parameters.AddWithValue(after);
        cmd.Parameters.AddWithValue(upTo);
        cmd.Parameters.AddWithValue(limit);
        var result = new List<EventLeaf>(Math.Min(limit, 100_000));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) result.Add(Read(r));
        return result;
    }

    /// <summary>
    /// The leaf hashes of the events with after &lt; seq_id ≤ upTo, in sequence order, computed as the rows arrive:
    /// the same hashes as <see cref="EventLeaf.Hash()"/> of <see cref="ReadAsync"/>'s leaves, without making them.
    /// This is the hot path of extending and verifying.
    /// </summary>
    public static async Task<List<LeafHash>> ReadHashesAsync(NpgsqlConnection conn, string schema, bool withArchive, long after, long upTo, int limit, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(Select(HashColumns, schema, withArchive, "seq_id > $1 and seq_id <= $2") + " order by 1 limit $3", conn);
        cmd.Parameters.AddWithValue(after);
        cmd.Parameters.AddWithValue(upTo);
        cmd.Parameters.AddWithValue(limit);
        return await HashRowsAsync(cmd, ct);
    }

    /// <summary>The same for the given sequence numbers (those that exist), e.g. the gaps between written leaves.</summary>
    public static async Task<List<LeafHash>> ReadHashesAsync(NpgsqlConnection conn, string schema, bool withArchive, long[] seqs, CancellationToken ct)
    {
        if (seqs.Length == 0) return [];
        await using var cmd = new NpgsqlCommand(Select(HashColumns, schema, withArchive, "seq_id = any($1)") + " order by 1", conn);
        cmd.Parameters.AddWithValue(seqs);
        return await HashRowsAsync(cmd, ct);
    }

    private static async Task<List<LeafHash>> HashRowsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var result = new List<LeafHash>();
        byte[] type = new byte[256], data = new byte[4096], binary = new byte[4096];
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var typeLength = Bytes(r, 4, ref type);
            var dataLength = Bytes(r, 6, ref data);
            var binaryLength = Bytes(r, 7, ref binary);
            var hash = new byte[MerkleTree.HashSize];
            var seq = r.GetInt64(0);
            var id = r.IsDBNull(1) ? Guid.Empty : r.GetGuid(1);
            EventLeaf.Hash(hash, seq, id,
                r.IsDBNull(2) ? Guid.Empty : r.GetGuid(2),
                r.IsDBNull(3) ? 0 : r.GetInt64(3),
                r.IsDBNull(5) ? 0 : (r.GetFieldValue<DateTime>(5).Ticks - DateTime.UnixEpoch.Ticks) / 10,
                type.AsSpan(0, Math.Max(typeLength, 0)),   // a missing type counts as empty, as in ReadAsync
                data.AsSpan(0, Math.Max(dataLength, 0)), dataLength >= 0,
                binary.AsSpan(0, Math.Max(binaryLength, 0)), binaryLength >= 0);
            result.Add(new LeafHash(seq, id, hash));
        }
        return result;
    }

    /// <summary>The leaves the ingest writer stored for events with after &lt; seq ≤ upTo, in sequence order.</summary>
    public static async Task<List<LeafHash>> ReadWrittenAsync(NpgsqlConnection conn, string schema, long after, long upTo, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"select seq_ids, event_ids, leaf_hashes from {schema}.{WrittenLeaves.Table} where last_seq > $1 and first_seq <= $2", conn);
        cmd.Parameters.AddWithValue(after);
        cmd.Parameters.AddWithValue(upTo);
        var result = new List<LeafHash>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var seqs = r.GetFieldValue<byte[]>(0);
            var ids = r.GetFieldValue<byte[]>(1);
            var hashes = r.GetFieldValue<byte[]>(2);
            var n = seqs.Length / 8;
            if (seqs.Length % 8 != 0 || ids.Length != n * 16 || hashes.Length != n * MerkleTree.HashSize)
                throw new InvalidOperationException($"a row of {WrittenLeaves.Table} is malformed");
            for (var i = 0; i < n; i++)
            {
                var seq = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(seqs.AsSpan(i * 8));
                if (seq > after && seq <= upTo)
                    result.Add(new LeafHash(seq, new Guid(ids.AsSpan(i * 16, 16), bigEndian: true),
                        hashes.AsSpan(i * MerkleTree.HashSize, MerkleTree.HashSize).ToArray()));
            }
        }
        // Concurrent writers draw interleaved sequence numbers, so rows overlap.
        result.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        return result;
    }

    /// <summary>Copies a bytea column into a reusable buffer (grown when needed); -1 for null.</summary>
    private static int Bytes(NpgsqlDataReader r, int ordinal, ref byte[] buffer)
    {
        if (r.IsDBNull(ordinal)) return -1;
        var length = (int)r.GetBytes(ordinal, 0, null, 0, 0);
        if (length > buffer.Length) buffer = new byte[Math.Max(length, buffer.Length * 2)];
        return (int)r.GetBytes(ordinal, 0, buffer, 0, length);
    }

    /// <summary>
    /// Streams the leaf hashes of all events after <paramref name="after"/> in pages (see <see cref="ReadHashesAsync"/>),
    /// so memory stays flat over millions of events.
    /// </summary>
    public static async IAsyncEnumerable<LeafHash> StreamHashesAsync(NpgsqlConnection conn, string schema, long after, long upTo,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var withArchive = await ArchiveExistsAsync(conn, schema, ct);
        while (true)
        {
            var page = await ReadHashesAsync(conn, schema, withArchive, after, upTo, 50_000, ct);
            foreach (var leaf in page) yield return leaf;
            if (page.Count < 50_000) yield break;
            after = page[^1].Seq;
        }
    }

    public static async Task<EventLeaf?> FindAsync(NpgsqlConnection conn, string schema, long? seq, Guid? id, CancellationToken ct)
    {
        var withArchive = await ArchiveExistsAsync(conn, schema, ct);
        await using var cmd = new NpgsqlCommand(Select(Columns, schema, withArchive, seq != null ? "seq_id = $1" : "id = $1") + " order by 1 limit 1", conn);
        if (seq != null) cmd.Parameters.AddWithValue(seq.Value); else cmd.Parameters.AddWithValue(id!.Value);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    private static EventLeaf Read(NpgsqlDataReader r) => new(
        r.GetInt64(0),
        r.IsDBNull(1) ? Guid.Empty : r.GetGuid(1),
        r.IsDBNull(2) ? Guid.Empty : r.GetGuid(2),
        r.IsDBNull(3) ? 0 : r.GetInt64(3),
        r.IsDBNull(4) ? "" : r.GetString(4),
        r.IsDBNull(5) ? 0 : (r.GetFieldValue<DateTime>(5).Ticks - DateTime.UnixEpoch.Ticks) / 10,
        r.IsDBNull(6) ? null : r.GetString(6),
        r.IsDBNull(7) ? null : r.GetFieldValue<byte[]>(7));
}
