using System.Text;
using LogControl.Domain.Access;
using LogControl.Domain.Ingestion;
using Marten;
using Npgsql;
using NpgsqlTypes;
using NodaTime;

namespace LogControl.Ingest.Storage;

public enum PendingKind { Access, Fact, Quarantine }

/// <summary>An event ready to append, with what is needed to dedupe it and to quarantine it if it conflicts.</summary>
/// <remarks>
/// <paramref name="Binary"/> is the event already encoded by the preparing thread for types stored as
/// binary payloads (<see cref="AccessEventCodec"/>); other events are serialized to JSON by the writer.
/// </remarks>
public sealed record PendingEvent(Guid Id, object Data, PendingKind Kind, string? Digest, long Line, string Raw, byte[]? Binary = null)
{
    /// <summary>A quarantined row, with the id that makes re-quarantining the same row a no-op.</summary>
    public static PendingEvent Quarantined(string source, long line, string code, string reason, string raw, Instant at) =>
        new(SourceIdentity.QuarantineEventId(source, line, code, raw), new RowQuarantined(source, line, code, reason, raw, at),
            PendingKind.Quarantine, null, line, raw);
}

public sealed record PreparedBatch(string Source, string Format, long FirstLine, long LastLine, IReadOnlyList<PendingEvent> Events);

public readonly record struct BatchOutcome(int Accepted, int Duplicates, int Rejected, int Appended);

/// <summary>
/// Appends one batch of events to the Marten event store atomically and idempotently.
///
/// Why not Marten's BulkInsertEventsAsync? It opens its own transaction and advances the daemon's
/// high-water mark itself. We need the dedupe probe, the events and the quarantined rows of a batch
/// in ONE transaction (crash safety: a batch is all in or all out), and we must not move the
/// high-water mark past events other writers have not committed yet. So we write the same rows
/// Marten's bulk appender writes (binary COPY into mt_streams and mt_events, seq_ids drawn from
/// mt_events_sequence) inside our own transaction and leave high-water detection to the daemon,
/// exactly as for a normal append. <see cref="VerifySchemaAsync"/> checks at start-up that Marten's
/// event tables still have the shape this writer fills, and fails loudly if not.
///
/// Each batch becomes a new stream (an "ingest batch"): its first event records where the rows
/// came from, then the accepted events and quarantined rows follow in file order.
/// </summary>
public sealed class EventBatchWriter
{
    public const string BatchStreamType = "ingest_batch";

    private static readonly string[] EventColumns =
        ["seq_id", "id", "stream_id", "version", "data", "bdata", "type", "timestamp", "tenant_id", "mt_dotnet_type", "is_archived"];

    private static readonly string[] StreamColumns =
        ["id", "type", "version", "timestamp", "created", "tenant_id", "is_archived"];

    private readonly IDocumentStore _store;
    private readonly ISerializer _serializer;
    private readonly string _schema;
    // Shared by the parallel writers of one pipeline.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Type, (string Alias, string DotNet, byte[] AliasUtf8)> _types = new();
    private readonly IClock _clock;
    private readonly bool _writeLeaves;

    /// <param name="writeLeaves">Also write the leaf hashes of binary events for the tamper evidence (<see cref="WrittenLeaves"/>).</param>
    public EventBatchWriter(IDocumentStore store, IClock? clock = null, bool writeLeaves = true)
    {
        _store = store;
        _clock = clock ?? SystemClock.Instance;
        _writeLeaves = writeLeaves;
        _serializer = store.Options.Serializer();
        _schema = store.Options.Events.DatabaseSchemaName;
    }

    private (string Alias, string DotNet, byte[] AliasUtf8) TypeInfo(Type type) =>
        _types.GetOrAdd(type, t =>
        {
            var mapping = ((DocumentStore)_store).Events.EventMappingFor(t);
            return (mapping.EventTypeName, mapping.DotNetTypeName, Encoding.UTF8.GetBytes(mapping.EventTypeName));
        });

    /// <summary>Creates or updates the schema and checks that the event tables have exactly the columns this writer must fill.</summary>
    public async Task VerifySchemaAsync(CancellationToken ct = default)
    {
        await _store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await using var conn = _store.Storage.Database.CreateConnection();
        await conn.OpenAsync(ct);
        if (_writeLeaves) await WrittenLeaves.EnsureStorageAsync(conn, _schema, ct);
        foreach (var (table, columns) in new[] { ("mt_events", EventColumns), ("mt_streams", StreamColumns) })
        {
            await using var cmd = new NpgsqlCommand("""
                select column_name, is_nullable = 'NO' and column_default is null from information_schema.columns
                where table_schema = $1 and table_name = $2
                """, conn);
            cmd.Parameters.AddWithValue(_schema);
            cmd.Parameters.AddWithValue(table);
            var required = new List<string>();
            var present = new List<string>();
            await using (var r = await cmd.ExecuteReaderAsync(ct))
                while (await r.ReadAsync(ct))
                {
                    present.Add(r.GetString(0));
                    if (r.GetBoolean(1)) required.Add(r.GetString(0));
                }
            if (present.Count == 0)
                throw new InvalidOperationException($"{_schema}.{table} not found after schema migration");
            var unknown = columns.Except(present).ToList();
            if (unknown.Count > 0)
                throw new InvalidOperationException(
                    $"Marten's {table} lacks column(s) the ingest writer fills: {string.Join(", ", unknown)}. Update EventBatchWriter.");
            var missing = required.Except(columns).ToList();
            if (missing.Count > 0)
                throw new InvalidOperationException(
                    $"Marten's {table} has required column(s) the ingest writer does not fill: {string.Join(", ", missing)}. " +
                    "The Marten version changed its event schema; update EventBatchWriter.");
        }
    }

    // Adaptive dedupe: a fresh export mostly holds new rows, so after a few batches of one input whose
    // probe found nothing we skip the probe and let the unique index on event ids tell us (by refusing
    // the COPY) when a batch does hold known rows; that batch is then redone with the probe. The refused
    // batch leaves a gap in mt_events_sequence that the daemon waits out, so this must stay rare.
    private int _cleanProbes;
    private const int CleanProbesBeforeOptimism = 3;

    /// <summary>A new input starts with probing again: re-delivered files are usually known from their first batch.</summary>
    public void ExpectNewInput() => Volatile.Write(ref _cleanProbes, 0);

    public async Task<BatchOutcome> WriteAsync(PreparedBatch batch, CancellationToken ct = default)
    {
        var probe = Volatile.Read(ref _cleanProbes) < CleanProbesBeforeOptimism;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await WriteOnceAsync(batch, probe, ct);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && attempt < 5)
            {
                // Known rows after all (or another writer committed some of them meanwhile): probe and redo.
                probe = true;
                Volatile.Write(ref _cleanProbes, 0);
            }
        }
    }

    private async Task<BatchOutcome> WriteOnceAsync(PreparedBatch batch, bool probe, CancellationToken ct)
    {
        await using var conn = _store.Storage.Database.CreateConnection();
        await conn.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);

        // What the store already holds for these ids, then the rows in file order: the first version of an
        // identity ever stored wins, whether it came in an earlier run, an earlier batch or earlier in this one.
        var known = probe
            ? await ProbeAsync(conn, batch.Events.Select(e => e.Id).Distinct().ToArray(), ct)
            : new Dictionary<Guid, string?>();
        if (probe)
        {
            if (known.Count == 0) Interlocked.Increment(ref _cleanProbes);
            else Volatile.Write(ref _cleanProbes, 0);
        }
        var fresh = new List<PendingEvent>(batch.Events.Count);
        var conflicts = new List<PendingEvent>();
        int accepted = 0, duplicates = 0, rejected = 0;
        foreach (var e in batch.Events)
        {
            if (e.Kind == PendingKind.Quarantine)
            {
                rejected++;
                if (known.TryAdd(e.Id, null)) fresh.Add(e);   // quarantined once, however often it is re-read
                continue;
            }
            if (known.TryGetValue(e.Id, out var storedDigest))
            {
                if (e.Kind == PendingKind.Access && storedDigest != e.Digest)
                {
                    conflicts.Add(Conflict(batch.Source, e));
                    rejected++;
                }
                else duplicates++;
                continue;
            }
            known.Add(e.Id, e.Digest);
            fresh.Add(e);
            accepted++;
        }

        if (conflicts.Count > 0)
        {
            // Without a probe a stored quarantine entry shows up as a unique violation, and the batch is redone with one.
            var stored = probe ? await ProbeAsync(conn, conflicts.Select(c => c.Id).Distinct().ToArray(), ct) : new Dictionary<Guid, string?>();
            foreach (var c in conflicts)
                if (!stored.ContainsKey(c.Id) && known.TryAdd(c.Id, null)) fresh.Add(c);
        }

        if (fresh.Count > 0)
        {
            // Whole microseconds, PostgreSQL's precision: the stored timestamp is then exactly the one in the leaf hash.
            var now = _clock.GetCurrentInstant();
            now = Instant.FromUnixTimeTicks(now.ToUnixTimeTicks() / 10 * 10);
            var header = new IngestBatchRecorded(batch.Source, batch.Format, batch.FirstLine, batch.LastLine,
                accepted, duplicates, rejected, now);
            fresh.Insert(0, new PendingEvent(Guid.NewGuid(), header, PendingKind.Fact, null, batch.FirstLine, ""));
            await AppendAsync(conn, fresh, now, ct);
        }

        await tx.CommitAsync(ct);
        return new BatchOutcome(accepted, duplicates, rejected, fresh.Count);
    }

    private PendingEvent Conflict(string source, PendingEvent e)
    {
        var a = (IAccessEvent)e.Data;
        var reason = $"({a.System}, {a.EventId}) was already ingested with different content; the first version is kept";
        return PendingEvent.Quarantined(source, e.Line, ReasonCodes.ConflictingDuplicate, reason, e.Raw, _clock.GetCurrentInstant());
    }

    private async Task<Dictionary<Guid, string?>> ProbeAsync(NpgsqlConnection conn, Guid[] ids, CancellationToken ct)
    {
        var result = new Dictionary<Guid, string?>();
        if (ids.Length == 0) return result;
        // JSON events keep their digest in data, binary access events at a fixed place in bdata.
        await using var cmd = new NpgsqlCommand(
            $"select id, case when bdata is null then data->>'digest' else {AccessEventCodec.DigestSql} end from {_schema}.mt_events where id = any($1)", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) result[r.GetGuid(0)] = r.IsDBNull(1) ? null : r.GetString(1);
        return result;
    }

    private async Task AppendAsync(NpgsqlConnection conn, List<PendingEvent> events, Instant now, CancellationToken ct)
    {
        var sequences = new long[events.Count];
        await using (var cmd = new NpgsqlCommand($"select nextval('{_schema}.mt_events_sequence') from generate_series(1, $1)", conn))
        {
            cmd.Parameters.AddWithValue(events.Count);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            var i = 0;
            while (await r.ReadAsync(ct)) sequences[i++] = r.GetInt64(0);
        }
        Array.Sort(sequences);

        var streamId = Guid.NewGuid();
        var timestamp = now.ToDateTimeOffset();
        await using (var w = await conn.BeginBinaryImportAsync(
                         $"copy {_schema}.mt_streams ({string.Join(", ", StreamColumns)}) from stdin (format binary)", ct))
        {
            await w.StartRowAsync(ct);
            await w.WriteAsync(streamId, NpgsqlDbType.Uuid, ct);
            await w.WriteAsync(BatchStreamType, NpgsqlDbType.Varchar, ct);
            await w.WriteAsync((long)events.Count, NpgsqlDbType.Bigint, ct);
            await w.WriteAsync(timestamp, NpgsqlDbType.TimestampTz, ct);
            await w.WriteAsync(timestamp, NpgsqlDbType.TimestampTz, ct);
            await w.WriteAsync("*DEFAULT*", NpgsqlDbType.Varchar, ct);
            await w.WriteAsync(false, NpgsqlDbType.Boolean, ct);
            await w.CompleteAsync(ct);
        }

        var leaves = _writeLeaves ? new WrittenLeaves.Batch() : null;
        var micros = now.ToUnixTimeTicks() / 10;

        // Synchronous writes: the importer buffers rows and only touches the socket when its buffer fills,
        // so per-column async state machines would cost more than they save on this hot path.
        await using (var w = await conn.BeginBinaryImportAsync(
                         $"copy {_schema}.mt_events ({string.Join(", ", EventColumns)}) from stdin (format binary)", ct))
        {
            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i];
                var (alias, dotnet, aliasUtf8) = TypeInfo(e.Data.GetType());
                w.StartRow();
                w.Write(sequences[i], NpgsqlDbType.Bigint);
                w.Write(e.Id, NpgsqlDbType.Uuid);
                w.Write(streamId, NpgsqlDbType.Uuid);
                w.Write((long)(i + 1), NpgsqlDbType.Bigint);
                if (e.Binary != null)
                {
                    w.Write("{}", NpgsqlDbType.Jsonb);   // Marten's placeholder for binary payloads
                    w.Write(e.Binary, NpgsqlDbType.Bytea);
                    leaves?.Add(sequences[i], e.Id, streamId, i + 1, micros, aliasUtf8, e.Binary);
                }
                else
                {
                    w.Write(_serializer.ToJson(e.Data), NpgsqlDbType.Jsonb);
                    w.WriteNull();
                }
                w.Write(alias, NpgsqlDbType.Varchar);
                w.Write(timestamp, NpgsqlDbType.TimestampTz);
                w.Write("*DEFAULT*", NpgsqlDbType.Varchar);
                w.Write(dotnet, NpgsqlDbType.Varchar);
                w.Write(false, NpgsqlDbType.Boolean);
            }
            await w.CompleteAsync(ct);
        }
        if (leaves != null) await leaves.WriteAsync(conn, _schema, ct);
    }
}
