using LogControl.Ingest.Storage;
using LogControl.Integrity;
using Marten;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using Npgsql;

namespace LogControl.Hosting.Integrity;

/// <summary>
/// Extends the tamper evidence over newly stored events: gives each a dense leaf index, appends its leaf
/// hash and signs a checkpoint of the new tree, in the database and in the external log. Runs after ingest
/// (CLI) and every few seconds in the server; ingest itself never waits for it.
/// </summary>
public sealed class IntegrityLog(IDocumentStore store, CheckpointSigner signer, ExternalCheckpointLog external, IClock clock, ILogger? logger = null)
{
    public const long LockKey = 0x4C43_494E_5447; // "LCINTG": one extender at a time, across processes
    private const long Window = 25_000; // sequence numbers per query

    private readonly ILogger _log = logger ?? NullLogger.Instance;
    private string Schema => store.Options.Events.DatabaseSchemaName;

    /// <summary>How long to wait for transactions that may still hold lower sequence numbers before giving up this round.</summary>
    public TimeSpan SettleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <param name="Settling">Time spent waiting for older transactions, so benchmarks can tell waiting from work.</param>
    public sealed record Extension(long Added, Checkpoint? Checkpoint, TimeSpan Settling = default);

    public async Task<Extension> ExtendAsync(CancellationToken ct)
    {
        await using var conn = store.Storage.Database.CreateConnection();
        await conn.OpenAsync(ct);
        await Exec(conn, $"select pg_advisory_lock({LockKey})", ct);
        try
        {
            var settling = System.Diagnostics.Stopwatch.StartNew();
            var ceiling = await SettledCeilingAsync(conn, ct);
            settling.Stop();
            var (range, lastSeq) = await FrontierAsync(conn, ct);
            var added = 0L;
            Checkpoint? checkpoint = null;

            await IntegrityTables.EnsureLeafStorageAsync(conn, Schema, ct);
            await using var writeConn = store.Storage.Database.CreateConnection();
            await writeConn.OpenAsync(ct);
            await using var tx = await writeConn.BeginTransactionAsync(ct);
            var chunk = await LastChunkAsync(conn, range.Size, ct);
            var withArchive = await EventLeafSource.ArchiveExistsAsync(conn, Schema, ct);

            // A pipeline: windows of sequence numbers are read and hashed ahead on pooled connections (two at a
            // time), folded into the tree in order here, and full chunks are written behind on the transaction's
            // connection, so reading, hashing and writing overlap.
            var windows = new Queue<Task<List<LeafHash>>>();
            var next = lastSeq;
            void ReadAhead()
            {
                while (windows.Count < 2 && next < ceiling)
                {
                    var (after, upTo) = (next, Math.Min(next + Window, ceiling));
                    windows.Enqueue(Task.Run(() => HashedWindowAsync(withArchive, after, upTo, ct), ct));
                    next = upTo;
                }
            }
            var saving = Task.CompletedTask;
            ReadAhead();
            while (windows.Count > 0)
            {
                var page = await windows.Dequeue();
                ReadAhead();
                foreach (var (seq, id, hash) in page)
                {
                    range.Append(hash);
                    chunk.Add(seq, id, hash);
                    if (chunk.Count == IntegrityTables.ChunkSize)
                    {
                        saving = SaveAfterAsync(saving, chunk, writeConn, tx, ct);
                        chunk = new LeafChunk(chunk.Number + 1);
                    }
                }
                added += page.Count;
                if (page.Count > 0) lastSeq = page[^1].Seq;
            }
            if (chunk.Count > 0 && added > 0) saving = SaveAfterAsync(saving, chunk, writeConn, tx, ct);
            await saving;
            // Written leaves are covered now (every sequence number up to the ceiling was in a window).
            await using (var forget = new NpgsqlCommand($"delete from {Schema}.{WrittenLeaves.Table} where last_seq <= $1", writeConn, tx))
            {
                forget.Parameters.AddWithValue(ceiling);
                await forget.ExecuteNonQueryAsync(ct);
            }

            if (added > 0)
            {
                checkpoint = signer.Sign(range.Size, range.Root(), lastSeq, clock.GetCurrentInstant());
                await using var cmd = new NpgsqlCommand(
                    $"insert into {Schema}.{IntegrityTables.Checkpoints} (tree_size, root_hash, last_seq, signed_at_micros, key_id, signature, frontier) " +
                    "values ($1, $2, $3, $4, $5, $6, $7)", writeConn, tx);
                cmd.Parameters.AddWithValue(checkpoint.Size);
                cmd.Parameters.AddWithValue(checkpoint.Root);
                cmd.Parameters.AddWithValue(checkpoint.LastSeq);
                cmd.Parameters.AddWithValue(checkpoint.Time.ToUnixTimeTicks() / 10);
                cmd.Parameters.AddWithValue(checkpoint.KeyId);
                cmd.Parameters.AddWithValue(checkpoint.Signature);
                cmd.Parameters.AddWithValue(range.Peaks.SelectMany(p => p).ToArray());
                await cmd.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);

            // After the commit, and for any earlier checkpoint a crash kept from the file: the external log
            // never holds a checkpoint the database does not.
            await SyncExternalAsync(conn, ct);
            if (checkpoint != null)
                _log.LogInformation("Integrity checkpoint: {Size} events up to sequence {LastSeq}, root {Root}",
                    checkpoint.Size, checkpoint.LastSeq, checkpoint.RootHex[..16]);
            return new Extension(added, checkpoint, settling.Elapsed);
        }
        finally
        {
            await Exec(conn, $"select pg_advisory_unlock({LockKey})", CancellationToken.None);
        }
    }

    private async Task<List<LeafHash>> HashedWindowAsync(bool withArchive, long after, long upTo, CancellationToken ct)
    {
        await using var c = store.Storage.Database.CreateConnection();
        await c.OpenAsync(ct);
        var written = await EventLeafSource.ReadWrittenAsync(c, Schema, after, upTo, ct);
        // Reading the numbers between written leaves one by one pays only when they are few (an access log's
        // batch headers and quarantined rows); a window of mostly other events is read whole.
        if (written.Count < (upTo - after) * 3 / 4) return await EventLeafSource.ReadHashesAsync(c, Schema, withArchive, after, upTo, int.MaxValue, ct);
        // Only the numbers between written leaves are read: the other events, and numbers never used.
        var gaps = new List<long>();
        var from = after;
        foreach (var w in written)
        {
            for (var seq = from + 1; seq < w.Seq; seq++) gaps.Add(seq);
            from = w.Seq;
        }
        for (var seq = from + 1; seq <= upTo; seq++) gaps.Add(seq);
        var read = await EventLeafSource.ReadHashesAsync(c, Schema, withArchive, gaps.ToArray(), ct);
        // Merge the two ascending lists by sequence number.
        var merged = new List<LeafHash>(written.Count + read.Count);
        int i = 0, j = 0;
        while (i < written.Count || j < read.Count)
            merged.Add(j >= read.Count || (i < written.Count && written[i].Seq < read[j].Seq) ? written[i++] : read[j++]);
        return merged;
    }

    private async Task SaveAfterAsync(Task previous, LeafChunk chunk, NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await previous;
        await chunk.SaveAsync(conn, tx, Schema, ct);
    }

    /// <summary>
    /// The highest sequence number below which no event can still appear. Sequence numbers are drawn before
    /// the rows commit, so a transaction that drew a lower number may commit after a higher one is visible.
    /// Every such transaction started before we read the sequence; once all transactions older than that
    /// moment have ended, every number up to it is either stored or lost for good (a rolled-back batch).
    /// Only client sessions draw sequence numbers: autovacuum, busy after a large ingest, does not hold us back.
    /// </summary>
    private async Task<long> SettledCeilingAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        long drawn;
        await using (var cmd = new NpgsqlCommand($"select case when is_called then last_value else 0 end from {Schema}.mt_events_sequence", conn))
            drawn = (long)(await cmd.ExecuteScalarAsync(ct))!;
        // Kept as text and compared on the server: no client-side time types involved.
        string since;
        await using (var cmd = new NpgsqlCommand("select clock_timestamp()::text", conn))
            since = (string)(await cmd.ExecuteScalarAsync(ct))!;

        var deadline = DateTime.UtcNow + SettleTimeout;
        while (true)
        {
            await using var cmd = new NpgsqlCommand(
                "select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() " +
                "and backend_type = 'client backend' and xact_start < $1::timestamptz", conn);
            cmd.Parameters.AddWithValue(since);
            if ((long)(await cmd.ExecuteScalarAsync(ct))! == 0) return drawn;
            if (DateTime.UtcNow > deadline)
            {
                _log.LogWarning("Integrity: a transaction older than {Timeout} is still open; the checkpoint waits for the next round", SettleTimeout);
                return 0;
            }
            await Task.Delay(50, ct);
        }
    }

    /// <summary>The compact range after the last checkpoint, and the last sequence number it covers.</summary>
    private async Task<(CompactRange Range, long LastSeq)> FrontierAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            // The leaf count from the last chunk alone: summing every chunk would read the whole index each round.
            $"select tree_size, last_seq, frontier, coalesce((select chunk * {IntegrityTables.ChunkSize} + cardinality(seq_ids) " +
            $"from {Schema}.{IntegrityTables.Leaves} order by chunk desc limit 1), 0) " +
            $"from {Schema}.{IntegrityTables.Checkpoints} order by tree_size desc limit 1", conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return (new CompactRange(), 0);
        var size = r.GetInt64(0);
        var frontier = r.GetFieldValue<byte[]>(2);
        if (r.GetInt64(3) != size)
            throw new InvalidOperationException(
                $"the integrity leaf index holds {r.GetInt64(3)} leaves but the last checkpoint covers {size}: run `logctl verify`");
        var peaks = Enumerable.Range(0, frontier.Length / MerkleTree.HashSize)
            .Select(i => frontier.AsSpan(i * MerkleTree.HashSize, MerkleTree.HashSize).ToArray()).ToList();
        return (CompactRange.Restore(size, peaks), r.GetInt64(1));
    }

    /// <summary>The chunk the next leaf goes into: the stored, partly filled last one, or a new one.</summary>
    private async Task<LeafChunk> LastChunkAsync(NpgsqlConnection conn, long size, CancellationToken ct)
    {
        var chunk = new LeafChunk(size / IntegrityTables.ChunkSize);
        if (size % IntegrityTables.ChunkSize == 0) return chunk;
        await using var cmd = new NpgsqlCommand(
            $"select seq_ids, event_ids, leaf_hashes from {Schema}.{IntegrityTables.Leaves} where chunk = $1", conn);
        cmd.Parameters.AddWithValue(chunk.Number);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) throw new InvalidOperationException($"integrity leaf chunk {chunk.Number} is missing: run `logctl verify`");
        var seqs = r.GetFieldValue<long[]>(0);
        var ids = r.GetFieldValue<Guid[]>(1);
        var hashes = r.GetFieldValue<byte[]>(2);
        for (var i = 0; i < seqs.Length; i++) chunk.Add(seqs[i], ids[i], hashes.AsSpan(i * MerkleTree.HashSize, MerkleTree.HashSize).ToArray());
        return chunk;
    }

    private async Task SyncExternalAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var externalMax = external.ReadAll().Select(e => e.Checkpoint?.Size ?? 0).DefaultIfEmpty(0).Max();
        foreach (var c in await CheckpointQueries.LoadAsync(conn, Schema, externalMax, ct))
        {
            // Only what we signed ourselves goes out: a row someone wrote into the table would not verify.
            if (!signer.PublicKey.Verify(c)) { _log.LogError("Integrity: checkpoint {Size} in the database does not verify; not copied out", c.Size); continue; }
            external.Append(c);
        }
    }

    private static async Task Exec(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>One row of the leaf index being filled.</summary>
internal sealed class LeafChunk(long number)
{
    private readonly List<long> _seqs = [];
    private readonly List<Guid> _ids = [];
    private readonly MemoryStream _hashes = new();

    public long Number { get; } = number;
    public int Count => _seqs.Count;

    public void Add(long seq, Guid id, byte[] hash)
    {
        _seqs.Add(seq);
        _ids.Add(id);
        _hashes.Write(hash);
    }

    public async Task SaveAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string schema, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"insert into {schema}.{IntegrityTables.Leaves} (chunk, seq_ids, event_ids, leaf_hashes) values ($1, $2, $3, $4) " +
            "on conflict (chunk) do update set seq_ids = excluded.seq_ids, event_ids = excluded.event_ids, leaf_hashes = excluded.leaf_hashes", conn, tx);
        cmd.Parameters.AddWithValue(Number);
        cmd.Parameters.AddWithValue(_seqs.ToArray());
        cmd.Parameters.AddWithValue(_ids.ToArray());
        cmd.Parameters.AddWithValue(_hashes.ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

public static class CheckpointQueries
{
    public static async Task<List<Checkpoint>> LoadAsync(NpgsqlConnection conn, string schema, long afterSize, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"select tree_size, root_hash, last_seq, signed_at_micros, key_id, signature from {schema}.{IntegrityTables.Checkpoints} " +
            "where tree_size > $1 order by tree_size", conn);
        cmd.Parameters.AddWithValue(afterSize);
        var result = new List<Checkpoint>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            result.Add(new Checkpoint(r.GetInt64(0), r.GetFieldValue<byte[]>(1), r.GetInt64(2),
                Instant.FromUnixTimeTicks(r.GetInt64(3) * 10), r.GetString(4), r.GetFieldValue<byte[]>(5)));
        return result;
    }
}
