using LogControl.Integrity;
using Marten;
using Npgsql;
using NodaTime.Text;

namespace LogControl.Hosting.Integrity;

/// <summary>Where stored history first differs from what was checkpointed, and how.</summary>
/// <param name="Kind">altered, missing, inserted or reordered.</param>
public sealed record Divergence(long Seq, long LeafIndex, string Kind, string Detail);

public sealed record VerifyReport(
    IReadOnlyList<string> Problems, Divergence? First, Checkpoint? Latest, int Checkpoints, long FirstSeq, long Uncovered, IReadOnlyList<string> Notes)
{
    public bool Ok => Problems.Count == 0 && First == null;
}

/// <summary>
/// Recomputes every leaf from the stored events and checks the result against the signed checkpoints, the
/// external log first. The checkpoints are the trust anchor; the database's leaf index only helps to name the
/// first place and kind of a change (it is itself checked against the checkpoints before it is believed).
/// </summary>
public sealed class IntegrityVerifier(IDocumentStore store, CheckpointPublicKey key, ExternalCheckpointLog external)
{
    private string Schema => store.Options.Events.DatabaseSchemaName;

    public async Task<VerifyReport> VerifyAsync(CancellationToken ct, IProgress<(long Done, long Total)>? progress = null)
    {
        var problems = new List<string>();
        var notes = new List<string>();
        await using var conn = store.Storage.Database.CreateConnection();
        await conn.OpenAsync(ct);

        var trusted = await TrustedCheckpointsAsync(conn, problems, notes, ct);
        var latest = trusted.Count > 0 ? trusted[^1] : null;
        var covered = latest?.Size ?? 0;
        var coveredSeq = latest?.LastSeq ?? 0;

        var leaves = await StoredLeaves.LoadAsync(conn, Schema, ct);
        var indexTrusted = CheckLeafIndex(leaves, trusted, problems);

        // One pass over the events: recompute each leaf, and merge-join with the leaf index by sequence number
        // to find the first place they part.
        var recomputed = new List<byte[]>();
        Divergence? first = null;
        long uncovered = 0, firstSeq = 0, done = 0;
        var j = 0;
        var total = Math.Max(covered, leaves.Count);
        await foreach (var e in EventLeafSource.StreamHashesAsync(conn, Schema, 0, long.MaxValue, ct))
        {
            if (firstSeq == 0) firstSeq = e.Seq;
            if (++done % 50_000 == 0) progress?.Report((done, total));
            if (e.Seq > coveredSeq) { uncovered++; continue; }
            var hash = e.Hash;
            recomputed.Add(hash);
            if (first != null) continue;
            // Leaves the index has before this event's sequence number are events that are gone.
            if (j < covered && leaves.Seq[j] < e.Seq) { first = await MissingAsync(conn, leaves, j, ct); continue; }
            if (j < covered && leaves.Seq[j] == e.Seq)
            {
                if (!leaves.Hash[j].AsSpan().SequenceEqual(hash)) first = Changed(leaves, j, await StoredAsync(conn, e, ct));
                j++;
                continue;
            }
            first = Inserted(leaves, j, await StoredAsync(conn, e, ct));
        }
        if (first == null && j < covered) first = await MissingAsync(conn, leaves, j, ct);
        progress?.Report((total, total));

        // The verdict itself never rests on the index: the recomputed tree must have every signed root.
        var levels = new MerkleLevels(recomputed);
        foreach (var c in trusted)
        {
            if (c.Size <= levels.Size && levels.Root(c.Size).AsSpan().SequenceEqual(c.Root)) continue;
            if (first == null)
            {
                var from = trusted.TakeWhile(t => t.Size < c.Size).Select(t => t.LastSeq).DefaultIfEmpty(0).Last();
                first = new Divergence(from + 1, -1, "altered",
                    $"the events after sequence {from} up to {c.LastSeq} no longer give the root signed at size {c.Size}; " +
                    (indexTrusted ? "" : "the leaf index was altered too, so the exact event cannot be named"));
            }
            break;
        }

        return new VerifyReport(problems, first, latest, trusted.Count, firstSeq, uncovered, notes);
    }

    /// <summary>Checkpoints with valid signatures, external log first; every disagreement is a problem.</summary>
    private async Task<List<Checkpoint>> TrustedCheckpointsAsync(NpgsqlConnection conn, List<string> problems, List<string> notes, CancellationToken ct)
    {
        var trusted = new SortedDictionary<long, Checkpoint>();
        var fromExternal = new HashSet<long>();
        long previous = 0;
        foreach (var entry in external.ReadAll())
        {
            if (entry.Checkpoint is not { } c) { problems.Add($"external checkpoint log, line {entry.Line}: unreadable ({entry.Error})"); continue; }
            if (!key.Verify(c)) { problems.Add($"external checkpoint log, line {entry.Line} (size {c.Size}): signature does not verify with key {key.KeyId}: rewritten"); continue; }
            if (c.Size <= previous) { problems.Add($"external checkpoint log, line {entry.Line}: size {c.Size} does not extend the size {previous} before it"); continue; }
            trusted[c.Size] = c;
            fromExternal.Add(c.Size);
            previous = c.Size;
        }
        if (fromExternal.Count == 0) notes.Add($"the external checkpoint log ({external.FilePath}) is empty or absent: checked against the database's signed checkpoints only");

        var inDatabase = new HashSet<long>();
        foreach (var c in await CheckpointQueries.LoadAsync(conn, Schema, 0, ct))
        {
            inDatabase.Add(c.Size);
            if (trusted.TryGetValue(c.Size, out var outside))
            {
                if (!outside.SameAs(c)) problems.Add($"checkpoint of size {c.Size} in the database differs from the external copy: rewritten");
            }
            else if (!key.Verify(c)) problems.Add($"checkpoint of size {c.Size} in the database: signature does not verify: rewritten");
            else
            {
                trusted[c.Size] = c;
                if (c.Size > previous) notes.Add($"checkpoint of size {c.Size} is not in the external log yet");
            }
        }
        foreach (var size in fromExternal.Where(s => !inDatabase.Contains(s)))
            problems.Add($"checkpoint of size {size} (in the external log) is missing from the database: deleted");

        var ordered = trusted.Values.ToList();
        for (var i = 1; i < ordered.Count; i++)
            if (ordered[i].LastSeq <= ordered[i - 1].LastSeq)
                problems.Add($"checkpoints of size {ordered[i - 1].Size} and {ordered[i].Size} do not cover increasing sequence numbers");
        return ordered;
    }

    /// <summary>Is the database's leaf index the one the checkpoints signed? Consistency proofs between successive checkpoints included.</summary>
    private static bool CheckLeafIndex(StoredLeaves leaves, List<Checkpoint> trusted, List<string> problems)
    {
        var levels = new MerkleLevels(leaves.Hash);
        Checkpoint? previous = null;
        foreach (var c in trusted)
        {
            if (c.Size > leaves.Count)
            {
                problems.Add($"the leaf index holds {leaves.Count} leaves but a checkpoint signed {c.Size}: leaves were deleted");
                return false;
            }
            if (!levels.Root(c.Size).AsSpan().SequenceEqual(c.Root) || leaves.Seq[(int)c.Size - 1] != c.LastSeq)
            {
                problems.Add($"the leaf index does not give the root signed at size {c.Size}: it was altered");
                return false;
            }
            if (previous != null && !MerkleTree.VerifyConsistency(previous.Size, c.Size, previous.Root, c.Root,
                    levels.ConsistencyProof(previous.Size, c.Size)))
            {
                problems.Add($"checkpoint {previous.Size} is not a prefix of checkpoint {c.Size}");
                return false;
            }
            previous = c;
        }
        return true;
    }

    /// <summary>The whole stored event behind a leaf hash, read again only to describe a divergence.</summary>
    private async Task<EventLeaf> StoredAsync(NpgsqlConnection conn, LeafHash e, CancellationToken ct) =>
        await EventLeafSource.FindAsync(conn, Schema, e.Seq, null, ct)
        ?? throw new InvalidOperationException($"event {e.Seq} disappeared while it was being verified");

    private static Divergence Changed(StoredLeaves leaves, int j, EventLeaf e)
    {
        if (leaves.Id[j] == e.Id)
            return new Divergence(e.Seq, j, "altered",
                $"event {e.Id} ({e.Type}, stream {e.StreamId}) was changed after it was checkpointed");
        var moved = leaves.IndexOf(e.Id);
        return moved >= 0
            ? new Divergence(e.Seq, j, "reordered", $"event {e.Id} ({e.Type}) was checkpointed at sequence {leaves.Seq[moved]} and now sits at {e.Seq}")
            : new Divergence(e.Seq, j, "altered", $"sequence {e.Seq} now holds event {e.Id} ({e.Type}) instead of event {leaves.Id[j]}");
    }

    private static Divergence Inserted(StoredLeaves leaves, int j, EventLeaf e)
    {
        var moved = leaves.IndexOf(e.Id);
        return moved >= 0
            ? new Divergence(e.Seq, j, "reordered", $"event {e.Id} ({e.Type}) was checkpointed at sequence {leaves.Seq[moved]} and now sits at {e.Seq}")
            : new Divergence(e.Seq, j, "inserted",
                $"event {e.Id} ({e.Type}, stream {e.StreamId}, stored {InstantPattern.ExtendedIso.Format(e.Timestamp)}) is not in the checkpointed history");
    }

    private async Task<Divergence> MissingAsync(NpgsqlConnection conn, StoredLeaves leaves, int j, CancellationToken ct)
    {
        var seq = leaves.Seq[j];
        var now = await EventLeafSource.FindAsync(conn, Schema, null, leaves.Id[j], ct);
        return now != null
            ? new Divergence(seq, j, "reordered", $"event {leaves.Id[j]} ({now.Type}) was checkpointed at sequence {seq} and now sits at {now.Seq}")
            : new Divergence(seq, j, "missing", $"event {leaves.Id[j]} at sequence {seq} was checkpointed but is no longer stored");
    }
}

/// <summary>The database's leaf index, in leaf order, as flat arrays (millions of rows).</summary>
public sealed class StoredLeaves
{
    public List<long> Seq { get; } = [];
    public List<Guid> Id { get; } = [];
    public List<byte[]> Hash { get; } = [];
    public int Count => Seq.Count;

    public int IndexOf(Guid id) => Id.IndexOf(id);

    public static async Task<StoredLeaves> LoadAsync(NpgsqlConnection conn, string schema, CancellationToken ct)
    {
        var leaves = new StoredLeaves();
        await using var cmd = new NpgsqlCommand($"select chunk, seq_ids, event_ids, leaf_hashes from {schema}.{IntegrityTables.Leaves} order by chunk", conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var seqs = r.GetFieldValue<long[]>(1);
            var ids = r.GetFieldValue<Guid[]>(2);
            var hashes = r.GetFieldValue<byte[]>(3);
            // A missing or malformed chunk ends what can be used; the checkpoint comparison then reports it.
            if (r.GetInt64(0) * IntegrityTables.ChunkSize != leaves.Count || ids.Length != seqs.Length || hashes.Length != seqs.Length * MerkleTree.HashSize)
                break;
            for (var i = 0; i < seqs.Length; i++)
            {
                leaves.Seq.Add(seqs[i]);
                leaves.Id.Add(ids[i]);
                leaves.Hash.Add(hashes.AsSpan(i * MerkleTree.HashSize, MerkleTree.HashSize).ToArray());
            }
        }
        return leaves;
    }
}
