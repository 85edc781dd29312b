using LogControl.Integrity;
using Npgsql;

namespace LogControl.Hosting.Integrity;

/// <summary>Reads stored events as <see cref="EventLeaf"/>s in sequence order: the hot table and the retention archive.</summary>
public static class EventLeafSource
{
    // Binary events carry a placeholder in data that Marten never reads, so only bdata is part of their leaf.
    private const string Columns =
        "seq_id, id, stream_id, version, type, timestamp, case when bdata is null then data::text end, bdata";

    /// <summary>
    /// RFC 9162 leaf hash of <see cref="EventLeaf.Encode"/>, computed by PostgreSQL next to the rows: the extender
    /// after ingest then moves 56 bytes per event instead of the whole payload. The verifier never uses it; it
    /// recomputes every leaf itself, so a wrong or subverted server-side hash can only make verification fail.
    /// </summary>
    private const string LeafHashSql = """
        sha256('\x00'::bytea || convert_to('LCEV1', 'UTF8') || int8send(seq_id) || uuid_send(id) || uuid_send(stream_id)
          || int8send(version) || int8send((extract(epoch from timestamp) * 1000000)::bigint)
          || int4send(octet_length(convert_to(type, 'UTF8'))) || convert_to(type, 'UTF8')
          || case when bdata is null then int4send(octet_length(convert_to(data::text, 'UTF8'))) || convert_to(data::text, 'UTF8') else '\xffffffff'::bytea end
          || case when bdata is null then '\xffffffff'::bytea else int4send(length(bdata)) || bdata end)
        """;

    public static async Task<List<(long Seq, Guid Id, byte[] Hash)>> ReadLeafHashesAsync(NpgsqlConnection conn, string schema, bool withArchive,
        long after, long upTo, int limit, CancellationToken ct)
    {
        var columns = $"seq_id, id, {LeafHashSql}";
        var sql = $"select {columns} from {schema}.mt_events where seq_id > $1 and seq_id <= $2";
        if (withArchive) sql += $" union all select {columns} from {schema}.{IntegrityTables.Archive} where seq_id > $1 and seq_id <= $2";
        sql += " order by 1 limit $3";
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue(after);
        cmd.Parameters.AddWithValue(upTo);
        cmd.Parameters.AddWithValue(limit);
        var result = new List<(long, Guid, byte[])>(Math.Min(limit, 100_000));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) result.Add((r.GetInt64(0), r.GetGuid(1), r.GetFieldValue<byte[]>(2)));
        return result;
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
        var sql = $"select {Columns} from {schema}.mt_events where seq_id > $1 and seq_id <= $2";
        if (withArchive) sql += $" union all select {Columns} from {schema}.{IntegrityTables.Archive} where seq_id > $1 and seq_id <= $2";
        sql += " order by 1 limit $3";
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue(after);
        cmd.Parameters.AddWithValue(upTo);
        cmd.Parameters.AddWithValue(limit);
        var result = new List<EventLeaf>(Math.Min(limit, 100_000));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) result.Add(Read(r));
        return result;
    }

    /// <summary>Streams all events after <paramref name="after"/> in pages, so memory stays flat over millions of events.</summary>
    public static async IAsyncEnumerable<EventLeaf> StreamAsync(NpgsqlConnection conn, string schema, long after, long upTo,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var withArchive = await ArchiveExistsAsync(conn, schema, ct);
        while (true)
        {
            var page = await ReadAsync(conn, schema, withArchive, after, upTo, 50_000, ct);
            foreach (var leaf in page) yield return leaf;
            if (page.Count < 50_000) yield break;
            after = page[^1].Seq;
        }
    }

    public static async Task<EventLeaf?> FindAsync(NpgsqlConnection conn, string schema, long? seq, Guid? id, CancellationToken ct)
    {
        var withArchive = await ArchiveExistsAsync(conn, schema, ct);
        var where = seq != null ? "seq_id = $1" : "id = $1";
        var sql = $"select {Columns} from {schema}.mt_events where {where}";
        if (withArchive) sql += $" union all select {Columns} from {schema}.{IntegrityTables.Archive} where {where}";
        sql += " order by 1 limit 1";
        await using var cmd = new NpgsqlCommand(sql, conn);
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
