using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;

namespace LogControl.Integrity;

/// <summary>
/// A signed tree head: "the first <see cref="Size"/> events, up to sequence number <see cref="LastSeq"/>,
/// have Merkle root <see cref="Root"/>", signed with Ed25519 at <see cref="Time"/>. The size and root are
/// signed together because a Merkle proof alone does not bind the tree size (see README).
/// </summary>
public sealed record Checkpoint(long Size, byte[] Root, long LastSeq, Instant Time, string KeyId, byte[] Signature)
{
    private static readonly InstantPattern TimePattern = InstantPattern.ExtendedIso;

    /// <summary>The exact bytes that are signed: a small text, so an auditor can re-create it by hand.</summary>
    public static byte[] SignedBody(long size, byte[] root, long lastSeq, Instant time) => Encoding.UTF8.GetBytes(
        "logcontrol checkpoint v1\n" +
        $"size {size.ToString(CultureInfo.InvariantCulture)}\n" +
        $"root {Convert.ToBase64String(root)}\n" +
        $"last-seq {lastSeq.ToString(CultureInfo.InvariantCulture)}\n" +
        $"time {TimePattern.Format(time)}\n");

    public byte[] SignedBody() => SignedBody(Size, Root, LastSeq, Time);

    /// <summary>One line of the external checkpoint log (canonical JSON, no trailing newline).</summary>
    public string ToJsonLine()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            WriteTo(w);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public void WriteTo(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteNumber("size", Size);
        w.WriteString("root", Convert.ToBase64String(Root));
        w.WriteNumber("lastSeq", LastSeq);
        w.WriteString("time", TimePattern.Format(Time));
        w.WriteString("keyId", KeyId);
        w.WriteString("signature", Convert.ToBase64String(Signature));
        w.WriteEndObject();
    }

    /// <summary>Reads a checkpoint; throws <see cref="FormatException"/> with the reason when it is not one.</summary>
    public static Checkpoint Parse(JsonElement e)
    {
        try
        {
            var time = TimePattern.Parse(e.GetProperty("time").GetString() ?? "");
            if (!time.Success) throw new FormatException("bad time");
            return new Checkpoint(
                e.GetProperty("size").GetInt64(),
                Convert.FromBase64String(e.GetProperty("root").GetString() ?? ""),
                e.GetProperty("lastSeq").GetInt64(),
                time.Value,
                e.GetProperty("keyId").GetString() ?? "",
                Convert.FromBase64String(e.GetProperty("signature").GetString() ?? ""));
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new FormatException($"not a checkpoint: {ex.Message}", ex);
        }
    }

    public static Checkpoint ParseLine(string line)
    {
        using var doc = JsonDocument.Parse(line);
        return Parse(doc.RootElement);
    }

    public bool SameAs(Checkpoint other) =>
        Size == other.Size && LastSeq == other.LastSeq && Time == other.Time && KeyId == other.KeyId
        && CryptographicOperations.FixedTimeEquals(Root, other.Root)
        && CryptographicOperations.FixedTimeEquals(Signature, other.Signature);

    public string RootHex => Convert.ToHexString(Root).ToLowerInvariant();
}
