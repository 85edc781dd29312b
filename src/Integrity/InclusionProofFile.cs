using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using NodaTime.Text;

namespace LogControl.Integrity;

/// <summary>
/// A self-contained proof that one event is in the history a signed checkpoint commits to: the event's
/// stored fields, its leaf index, the RFC 9162 audit path and the checkpoint with the signer's public key.
/// Checked offline, without a database. The file is canonical JSON: the checker re-serialises what it read
/// and demands the same bytes, so no byte of the file can change, not even white space, without failing.
/// </summary>
public sealed record InclusionProofFile(EventLeaf Event, long LeafIndex, IReadOnlyList<byte[]> Path, Checkpoint Checkpoint, byte[] PublicKey)
{
    public const string Format = "logcontrol-inclusion-proof/1";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        // Swedish text in event data stays readable; the output is still deterministic.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteStartObject("event");
            w.WriteNumber("seq", Event.Seq);
            w.WriteString("id", Event.Id.ToString());
            w.WriteString("streamId", Event.StreamId.ToString());
            w.WriteNumber("version", Event.Version);
            w.WriteString("type", Event.Type);
            w.WriteString("timestamp", InstantPattern.ExtendedIso.Format(Event.Timestamp));
            if (Event.Data is null) w.WriteNull("data"); else w.WriteString("data", Event.Data);
            if (Event.BinaryData is null) w.WriteNull("bdata"); else w.WriteString("bdata", Convert.ToBase64String(Event.BinaryData));
            w.WriteEndObject();
            w.WriteNumber("leafIndex", LeafIndex);
            w.WriteStartArray("path");
            foreach (var p in Path) w.WriteStringValue(Convert.ToBase64String(p));
            w.WriteEndArray();
            w.WritePropertyName("checkpoint");
            Checkpoint.WriteTo(w);
            w.WriteString("publicKey", Convert.ToBase64String(PublicKey));
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    public static InclusionProofFile Parse(byte[] bytes)
    {
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            if (root.GetProperty("format").GetString() != Format) throw new FormatException($"not a {Format} file");
            var e = root.GetProperty("event");
            var time = InstantPattern.ExtendedIso.Parse(e.GetProperty("timestamp").GetString() ?? "");
            if (!time.Success) throw new FormatException("bad event timestamp");
            var micros = time.Value.ToUnixTimeTicks() / 10;
            var leaf = new EventLeaf(
                e.GetProperty("seq").GetInt64(),
                Guid.Parse(e.GetProperty("id").GetString() ?? ""),
                Guid.Parse(e.GetProperty("streamId").GetString() ?? ""),
                e.GetProperty("version").GetInt64(),
                e.GetProperty("type").GetString() ?? "",
                micros,
                e.GetProperty("data").ValueKind == JsonValueKind.Null ? null : e.GetProperty("data").GetString(),
                e.GetProperty("bdata").ValueKind == JsonValueKind.Null ? null : Convert.FromBase64String(e.GetProperty("bdata").GetString() ?? ""));
            var path = root.GetProperty("path").EnumerateArray().Select(p => Convert.FromBase64String(p.GetString() ?? "")).ToList();
            return new InclusionProofFile(leaf, root.GetProperty("leafIndex").GetInt64(), path,
                Checkpoint.Parse(root.GetProperty("checkpoint")), Convert.FromBase64String(root.GetProperty("publicKey").GetString() ?? ""));
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new FormatException($"not a readable inclusion proof: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Checks a proof file offline. <paramref name="pinnedKey"/> is the checkpoint key the auditor trusts; without
    /// it the proof can only show it is consistent with the key it carries, which the result says.
    /// </summary>
    public static ProofCheck Verify(byte[] bytes, CheckpointPublicKey? pinnedKey)
    {
        InclusionProofFile proof;
        try { proof = Parse(bytes); }
        catch (FormatException ex) { return ProofCheck.Fail(ex.Message); }

        if (!proof.ToBytes().AsSpan().SequenceEqual(bytes))
            return ProofCheck.Fail("the file is not in canonical form: it was changed after it was written");

        CheckpointPublicKey key;
        try { key = new CheckpointPublicKey(proof.PublicKey); }
        catch (FormatException ex) { return ProofCheck.Fail(ex.Message); }
        if (pinnedKey != null && !CryptographicOperations.FixedTimeEquals(pinnedKey.Raw, key.Raw))
            return ProofCheck.Fail($"the checkpoint is signed with key {key.KeyId}, not the trusted key {pinnedKey.KeyId}");
        if (!key.Verify(proof.Checkpoint))
            return ProofCheck.Fail($"the checkpoint's signature does not verify with key {key.KeyId}");

        var c = proof.Checkpoint;
        if (proof.Event.Seq > c.LastSeq)
            return ProofCheck.Fail($"event {proof.Event.Seq} is after the checkpoint's last sequence number {c.LastSeq}");
        if (!MerkleTree.VerifyInclusion(proof.LeafIndex, c.Size, proof.Event.Hash(), proof.Path, c.Root))
            return ProofCheck.Fail($"the event is not leaf {proof.LeafIndex} of the tree of size {c.Size} with root {c.RootHex}: event or path altered");

        return new ProofCheck(true, pinnedKey != null,
            $"event {proof.Event.Seq} ({proof.Event.Type}, {proof.Event.Id}) is leaf {proof.LeafIndex} of the checkpoint of size {c.Size} " +
            $"signed {InstantPattern.ExtendedIso.Format(c.Time)} by key {key.KeyId}" +
            (pinnedKey != null ? " (the trusted key)" : " (key taken from the proof itself: pin it with --public-key)"));
    }
}

public sealed record ProofCheck(bool Ok, bool KeyPinned, string Message)
{
    public static ProofCheck Fail(string reason) => new(false, false, reason);
}
