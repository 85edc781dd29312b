using LogControl.Integrity;
using Marten;

namespace LogControl.Hosting.Integrity;

/// <summary>Builds an offline-checkable inclusion proof for one event against the latest signed checkpoint that covers it.</summary>
public sealed class InclusionProver(IDocumentStore store, CheckpointPublicKey key, ExternalCheckpointLog external)
{
    private string Schema => store.Options.Events.DatabaseSchemaName;

    /// <param name="eventRef">A sequence number or an event id (UUID).</param>
    public async Task<InclusionProofFile> ProveAsync(string eventRef, CancellationToken ct)
    {
        long? seq = long.TryParse(eventRef, out var s) ? s : null;
        Guid? id = seq == null && Guid.TryParse(eventRef, out var g) ? g : null;
        if (seq == null && id == null) throw new ArgumentException($"'{eventRef}' is neither a sequence number nor an event id");

        await using var conn = store.Storage.Database.CreateConnection();
        await conn.OpenAsync(ct);
        var e = await EventLeafSource.FindAsync(conn, Schema, seq, id, ct)
                ?? throw new InvalidOperationException($"no stored event {eventRef}");

        var leaves = await StoredLeaves.LoadAsync(conn, Schema, ct);
        var index = leaves.Seq.BinarySearch(e.Seq);
        if (index < 0) throw new InvalidOperationException($"event {e.Seq} is not covered by a checkpoint yet; try again after the next one");

        // The external log is the one auditors hold, so prefer its checkpoints; the database's count when it has none.
        var candidates = external.ReadAll().Select(x => x.Checkpoint).OfType<Checkpoint>().ToList();
        if (candidates.Count == 0) candidates = await CheckpointQueries.LoadAsync(conn, Schema, 0, ct);
        var checkpoint = candidates.Where(c => c.Size > index && key.Verify(c)).MaxBy(c => c.Size)
                         ?? throw new InvalidOperationException($"event {e.Seq} is not covered by a signed checkpoint yet");

        var levels = new MerkleLevels(leaves.Hash);
        if (checkpoint.Size > levels.Size || !levels.Root(checkpoint.Size).AsSpan().SequenceEqual(checkpoint.Root))
            throw new InvalidOperationException("the leaf index does not match the signed checkpoint; run `logctl verify`");
        if (!e.Hash().AsSpan().SequenceEqual(leaves.Hash[index]))
            throw new InvalidOperationException($"event {e.Seq} no longer matches its checkpointed leaf; run `logctl verify`");

        return new InclusionProofFile(e, index, levels.InclusionProof(index, checkpoint.Size), checkpoint, key.Raw);
    }
}
