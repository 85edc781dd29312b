using System.Buffers.Binary;
using System.Text;
using NodaTime;

namespace LogControl.Integrity;

/// <summary>
/// One stored event as the tamper evidence sees it: its sequence number, identity, stream, position,
/// type, timestamp and canonical data. <see cref="Encode"/> is the leaf's byte string; its
/// <see cref="MerkleTree.LeafHash"/> is what checkpoints commit to.
/// </summary>
/// <param name="TimestampMicros">Microseconds since the Unix epoch: PostgreSQL's own precision, so nothing is rounded.</param>
/// <param name="Data">The jsonb payload as PostgreSQL prints it (jsonb's canonical text); absent for events with a binary payload.</param>
/// <param name="BinaryData">Marten's binary payload (bdata), when the event type is stored that way.</param>
public sealed record EventLeaf(
    long Seq, Guid Id, Guid StreamId, long Version, string Type, long TimestampMicros, string? Data, byte[]? BinaryData)
{
    /// <summary>Versioned so a later change of the leaf format can be told apart from tampering.</summary>
    private static readonly byte[] Magic = "LCEV1"u8.ToArray();

    // Magic, seq, id, stream, version, timestamp and the three length prefixes.
    private static readonly int FixedSize = Magic.Length + 8 + 16 + 16 + 8 + 8 + 4 + 4 + 4;

    public byte[] Encode()
    {
        var type = Encoding.UTF8.GetBytes(Type);
        var data = Data is null ? null : Encoding.UTF8.GetBytes(Data);
        var buffer = new byte[FixedSize + type.Length + (data?.Length ?? 0) + (BinaryData?.Length ?? 0)];
        EncodeInto(buffer, Seq, Id, StreamId, Version, TimestampMicros, type, data, data != null, BinaryData, BinaryData != null);
        return buffer;
    }

    /// <summary>SHA-256(0x00 ‖ <see cref="Encode"/>()).</summary>
    public byte[] Hash()
    {
        var type = Encoding.UTF8.GetBytes(Type);
        var data = Data is null ? null : Encoding.UTF8.GetBytes(Data);
        var hash = new byte[MerkleTree.HashSize];
        Hash(hash, Seq, Id, StreamId, Version, TimestampMicros, type, data, data != null, BinaryData, BinaryData != null);
        return hash;
    }

    /// <summary>
    /// The leaf hash from the event's parts, with its text already UTF-8 (as read straight from the database), so
    /// the hot paths (extending, verifying) allocate nothing per event. <paramref name="hasData"/> and
    /// <paramref name="hasBinary"/> tell an absent payload from an empty one.
    /// </summary>
    public static void Hash(Span<byte> destination, long seq, Guid id, Guid streamId, long version, long timestampMicros,
        ReadOnlySpan<byte> typeUtf8, ReadOnlySpan<byte> dataUtf8, bool hasData, ReadOnlySpan<byte> binary, bool hasBinary)
    {
        var size = 1 + FixedSize + typeUtf8.Length + dataUtf8.Length + binary.Length;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(size);
        try
        {
            buffer[0] = 0x00;
            EncodeInto(buffer.AsSpan(1), seq, id, streamId, version, timestampMicros, typeUtf8, dataUtf8, hasData, binary, hasBinary);
            System.Security.Cryptography.SHA256.HashData(buffer.AsSpan(0, size), destination);
        }
        finally { System.Buffers.ArrayPool<byte>.Shared.Return(buffer); }
    }

    private static void EncodeInto(Span<byte> span, long seq, Guid id, Guid streamId, long version, long timestampMicros,
        ReadOnlySpan<byte> type, ReadOnlySpan<byte> data, bool hasData, ReadOnlySpan<byte> binary, bool hasBinary)
    {
        Magic.CopyTo(span);
        var at = Magic.Length;
        BinaryPrimitives.WriteInt64BigEndian(span[at..], seq); at += 8;
        id.TryWriteBytes(span[at..], bigEndian: true, out _); at += 16;
        streamId.TryWriteBytes(span[at..], bigEndian: true, out _); at += 16;
        BinaryPrimitives.WriteInt64BigEndian(span[at..], version); at += 8;
        BinaryPrimitives.WriteInt64BigEndian(span[at..], timestampMicros); at += 8;
        at = Field(span, at, type, true);
        at = Field(span, at, data, hasData);
        Field(span, at, binary, hasBinary);
    }

    // Length-prefixed, with all ones for "absent", so no two different events share an encoding.
    private static int Field(Span<byte> span, int at, ReadOnlySpan<byte> value, bool present)
    {
        BinaryPrimitives.WriteUInt32BigEndian(span[at..], present ? (uint)value.Length : uint.MaxValue);
        at += 4;
        if (!present) return at;
        value.CopyTo(span[at..]);
        return at + value.Length;
    }

    public Instant Timestamp => Instant.FromUnixTimeTicks(TimestampMicros * 10);
}
