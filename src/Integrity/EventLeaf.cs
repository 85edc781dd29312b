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

    public byte[] Encode()
    {
        var type = Encoding.UTF8.GetBytes(Type);
        var data = Data is null ? null : Encoding.UTF8.GetBytes(Data);
        var size = Magic.Length + 8 + 16 + 16 + 8 + 8 + 4 + type.Length + 4 + (data?.Length ?? 0) + 4 + (BinaryData?.Length ?? 0);
        var buffer = new byte[size];
        var span = buffer.AsSpan();
        Magic.CopyTo(span);
        var at = Magic.Length;
        BinaryPrimitives.WriteInt64BigEndian(span[at..], Seq); at += 8;
        Id.TryWriteBytes(span[at..], bigEndian: true, out _); at += 16;
        StreamId.TryWriteBytes(span[at..], bigEndian: true, out _); at += 16;
        BinaryPrimitives.WriteInt64BigEndian(span[at..], Version); at += 8;
        BinaryPrimitives.WriteInt64BigEndian(span[at..], TimestampMicros); at += 8;
        at = Field(span, at, type);
        at = Field(span, at, data);
        Field(span, at, BinaryData);
        return buffer;
    }

    public byte[] Hash() => MerkleTree.LeafHash(Encode());

    // Length-prefixed, with all ones for "absent", so no two different events share an encoding.
    private static int Field(Span<byte> span, int at, byte[]? value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(span[at..], value is null ? uint.MaxValue : (uint)value.Length);
        at += 4;
        if (value is null) return at;
        value.CopyTo(span[at..]);
        return at + value.Length;
    }

    public Instant Timestamp => Instant.FromUnixTimeTicks(TimestampMicros * 10);
}
