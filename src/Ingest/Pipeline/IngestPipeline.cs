using System.Diagnostics;
using System.Threading.Channels;
using LogControl.Domain.Access;
using LogControl.Domain.Ingestion;
using LogControl.Ingest.Csv;
using LogControl.Ingest.Fhir;
using LogControl.Ingest.Parsing;
using LogControl.Ingest.Reference;
using LogControl.Ingest.Storage;
using Marten;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace LogControl.Ingest.Pipeline;

public sealed record IngestTotals(long Accepted, long Duplicates, long Rejected, long Skipped, int Files, int UnreadableFiles)
{
    public static IngestTotals Zero => new(0, 0, 0, 0, 0, 0);
    public long Rows => Accepted + Duplicates + Rejected;
    public IngestTotals Add(IngestTotals o) => new(Accepted + o.Accepted, Duplicates + o.Duplicates, Rejected + o.Rejected,
        Skipped + o.Skipped, Files + o.Files, UnreadableFiles + o.UnreadableFiles);
    /// <summary>The contract's last line of `logctl ingest`.</summary>
    public override string ToString() => $"accepted={Accepted} duplicates={Duplicates} rejected={Rejected}";
}

/// <summary>Progress of a running ingest: rows handled so far and bytes of input consumed (for rate and ETA).</summary>
public sealed record IngestProgress(string File, long Rows, long BytesRead, long BytesTotal, IngestTotals Totals);

public sealed class IngestOptions
{
    /// <summary>Rows per atomic batch: large enough for COPY to pay off, small enough to keep memory flat.</summary>
    public int BatchSize { get; init; } = 10_000;
    /// <summary>Prepared batches waiting per writer; parsing runs ahead of the database by this much.</summary>
    public int QueueDepth { get; init; } = 2;
    /// <summary>
    /// Parallel writers, each with its own connection and transactions. Rows are partitioned by event id,
    /// so one identity always goes to the same writer, in file order: "the first version wins" holds
    /// without coordination, and writers never race on the unique index. PostgreSQL's per-row work
    /// (jsonb, indexes, the stream foreign key) is what limits a single writer.
    /// </summary>
    public int Writers { get; init; } = 2;
    /// <summary>
    /// Write the leaf hashes of binary events with them, so the tamper evidence need not read them back
    /// (<see cref="Storage.WrittenLeaves"/>). Off only where no checkpoint will follow.
    /// </summary>
    public bool WriteLeafHashes { get; init; } = true;
}

/// <summary>
/// Reads inputs of any supported format, maps rows to events, and appends them in atomic, idempotent
/// batches. Parsing and preparing run on one thread, writing on another, so the parser and PostgreSQL
/// work at the same time.
/// </summary>
public sealed class IngestPipeline
{
    private readonly EventBatchWriter _writer;
    private readonly ILogger _log;
    private readonly IngestOptions _options;
    private readonly IClock _clock;

    public IngestPipeline(IDocumentStore store, ILogger? log = null, IngestOptions? options = null, IClock? clock = null)
    {
        _clock = clock ?? SystemClock.Instance;
        _options = options ?? new IngestOptions();
        _writer = new EventBatchWriter(store, _clock, _options.WriteLeafHashes);
        _log = log ?? NullLogger.Instance;
    }

    public Task EnsureSchemaAsync(CancellationToken ct = default) => _writer.VerifySchemaAsync(ct);

    /// <summary>Files and folders (recursively, in path order). Unreadable paths are logged and counted, the rest goes on.</summary>
    public async Task<IngestTotals> IngestPathsAsync(IEnumerable<string> paths, IProgress<IngestProgress>? progress = null, CancellationToken ct = default)
    {
        var files = new List<string>();
        var totals = IngestTotals.Zero;
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var all = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
                var supported = all.Where(InputOpener.IsSupportedName).ToList();
                foreach (var skipped in all.Except(supported))
                    _log.LogInformation("Skipping {File}: not a supported file name (.csv, .json, .ndjson, .jsonl, optionally .gz)", skipped);
                files.AddRange(supported);
            }
            else if (File.Exists(path)) files.Add(path);
            else
            {
                _log.LogError("Cannot read {Path}: no such file or folder", path);
                totals = totals.Add(IngestTotals.Zero with { UnreadableFiles = 1 });
            }
        }

        foreach (var file in files)
        {
            try
            {
                var total = new FileInfo(file).Length;
                await using var fs = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                var counting = new CountingStream(fs);
                var fileTotals = await IngestStreamAsync(counting, Path.GetFullPath(file), null, progress, () => counting.BytesRead, total, ct);
                totals = totals.Add(fileTotals with { Files = 1 });
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _log.LogError(ex, "Cannot read {File}", file);
                totals = totals.Add(IngestTotals.Zero with { UnreadableFiles = 1 });
            }
        }
        return totals;
    }

    /// <summary>One input (a file or an HTTP body). <paramref name="format"/> null = detect.</summary>
    public async Task<IngestTotals> IngestStreamAsync(Stream input, string sourceName, InputFormat? format = null,
        IProgress<IngestProgress>? progress = null, Func<long>? bytesRead = null, long bytesTotal = 0, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        using var decompressed = InputOpener.Decompress(input);
        var fmt = format ?? InputOpener.Detect(decompressed, sourceName);
        _log.LogInformation("Ingesting {Source} as {Format}", sourceName, fmt);
        _writer.ExpectNewInput();

        var items = fmt switch
        {
            InputFormat.Csv => new CsvAccessLogReader().Read(decompressed, sourceName, ct),
            InputFormat.Json => new FhirAuditEventReader().ReadDocument(decompressed, sourceName, ct),
            _ => NdjsonReader.Read(decompressed, sourceName, ct),
        };

        var writers = Math.Max(1, _options.Writers);
        var channels = Enumerable.Range(0, writers)
            .Select(_ => Channel.CreateBounded<PreparedBatch>(new BoundedChannelOptions(_options.QueueDepth) { SingleReader = true, SingleWriter = true }))
            .ToArray();
        long skipped = 0;
        var producer = Task.Run(async () =>
        {
            try
            {
                foreach (var batch in Prepare(items, sourceName, fmt.ToString().ToLowerInvariant(), s => skipped += s))
                {
                    if (writers == 1) { await channels[0].Writer.WriteAsync(batch, ct); continue; }
                    foreach (var (part, events) in Partition(batch.Events, writers))
                        await channels[part].Writer.WriteAsync(batch with { Events = events }, ct);
                }
                foreach (var c in channels) c.Writer.Complete();
            }
            catch (Exception ex)
            {
                foreach (var c in channels) c.Writer.TryComplete(ex);
            }
        }, ct);

        long accepted = 0, duplicates = 0, rejected = 0;
        async Task Consume(Channel<PreparedBatch> channel)
        {
            await foreach (var batch in channel.Reader.ReadAllAsync(ct))
            {
                var outcome = await _writer.WriteAsync(batch, ct);
                Interlocked.Add(ref accepted, outcome.Accepted);
                Interlocked.Add(ref duplicates, outcome.Duplicates);
                Interlocked.Add(ref rejected, outcome.Rejected);
                progress?.Report(new IngestProgress(sourceName, Interlocked.Read(ref accepted) + Interlocked.Read(ref duplicates) + Interlocked.Read(ref rejected),
                    bytesRead?.Invoke() ?? 0, bytesTotal, new IngestTotals(accepted, duplicates, rejected, skipped, 0, 0)));
            }
        }
        var consumers = channels.Select(c => Task.Run(() => Consume(c), ct)).ToArray();
        try
        {
            await Task.WhenAll(consumers);
        }
        finally
        {
            // A failed writer must not leave the producer blocked on a full channel.
            foreach (var c in channels) c.Writer.TryComplete();
            await Task.WhenAny(producer, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
        }
        await producer;

        var totals = new IngestTotals(accepted, duplicates, rejected, skipped, 0, 0);
        _log.LogInformation("Ingested {Source}: {Accepted} accepted, {Duplicates} duplicates, {Rejected} rejected, {Skipped} skipped in {Elapsed:0.0} s ({Rate:0} rows/s)",
            sourceName, accepted, duplicates, rejected, skipped, sw.Elapsed.TotalSeconds, totals.Rows / Math.Max(sw.Elapsed.TotalSeconds, 0.001));
        return totals;
    }

    private IEnumerable<PreparedBatch> Prepare(IEnumerable<IngestItem> items, string source, string format, Action<long> onSkipped)
    {
        var events = new List<PendingEvent>(_options.BatchSize);
        long first = 0, last = 0;
        foreach (var item in items)
        {
            if (item.Kind == ItemKind.Skipped)
            {
                onSkipped(1);
                _log.LogDebug("Skipped {Source}:{Line}: {Reason}", source, item.Line, item.Reason);
                continue;
            }
            if (events.Count == 0) first = item.Line;
            last = item.Line;
            events.Add(ToPending(item, source));
            if (events.Count >= _options.BatchSize)
            {
                yield return new PreparedBatch(source, format, first, last, events);
                events = new List<PendingEvent>(_options.BatchSize);
            }
        }
        if (events.Count > 0) yield return new PreparedBatch(source, format, first, last, events);
    }

    /// <summary>Splits a batch by event id so that each identity always lands with the same writer.</summary>
    private static IEnumerable<(int Part, IReadOnlyList<PendingEvent> Events)> Partition(IReadOnlyList<PendingEvent> events, int parts)
    {
        var lists = new List<PendingEvent>[parts];
        for (var i = 0; i < parts; i++) lists[i] = new List<PendingEvent>(events.Count / parts + 16);
        Span<byte> bytes = stackalloc byte[16];
        foreach (var e in events)
        {
            e.Id.TryWriteBytes(bytes);
            lists[bytes[15] % parts].Add(e);
        }
        for (var i = 0; i < parts; i++)
            if (lists[i].Count > 0) yield return (i, lists[i]);
    }

    private PendingEvent ToPending(IngestItem item, string source)
    {
        switch (item.Kind)
        {
            case ItemKind.Access:
            {
                var a = item.Access!;
                var id = SourceIdentity.AccessEventId(a.System, a.EventId);
                var digest = SourceIdentity.Digest(a);
                object data = a.ClientId is { Length: > 0 } client
                    ? new AccessRecorded(a.System, a.EventId, a.OccurredAt, a.UserId, a.UserName, a.UserRole, a.UnitId, client,
                        a.Action, a.Purpose, a.Outcome, a.Terminal, a.Detail, digest)
                    : new ActivityRecorded(a.System, a.EventId, a.OccurredAt, a.UserId, a.UserName, a.UserRole, a.UnitId,
                        a.Action, a.Purpose, a.Outcome, a.Terminal, a.Detail, digest);
                // Encoded here, on the parsing thread, so the writers only stream bytes to PostgreSQL.
                return new PendingEvent(id, data, PendingKind.Access, digest, item.Line, item.Raw, AccessEventCodec.Instance.Serialize(data.GetType(), data));
            }
            case ItemKind.Fact:
                return new PendingEvent(SourceIdentity.FactEventId(ReferenceFactReader.CanonicalKey(item.Fact!)), item.Fact!,
                    PendingKind.Fact, null, item.Line, item.Raw);
            default:
            {
                var code = item.ReasonCode ?? ReasonCodes.MalformedJson;
                return PendingEvent.Quarantined(source, item.Line, code, item.Reason ?? code, item.Raw, _clock.GetCurrentInstant());
            }
        }
    }
}

/// <summary>Counts bytes read from the underlying file, for progress and ETA on compressed and plain inputs alike.</summary>
public sealed class CountingStream(Stream inner) : Stream
{
    private long _read;
    public long BytesRead => Interlocked.Read(ref _read);
    public override int Read(byte[] buffer, int offset, int count) { var n = inner.Read(buffer, offset, count); Interlocked.Add(ref _read, n); return n; }
    public override int Read(Span<byte> buffer) { var n = inner.Read(buffer); Interlocked.Add(ref _read, n); return n; }
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) { var n = await inner.ReadAsync(buffer, ct); Interlocked.Add(ref _read, n); return n; }
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    protected override void Dispose(bool disposing) { if (disposing) inner.Dispose(); base.Dispose(disposing); }
}
