using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using LogControl.Ingest.Parsing;

namespace LogControl.Ingest.Storage;

/// <summary>
/// Deterministic identities. An access event's Marten event id is derived from its source identity
/// (system, event_id), so the unique index on event ids makes every duplicate visible to the store.
/// The digest covers every mapped field: equal id + different digest is a conflicting duplicate.
/// </summary>
public static class SourceIdentity
{
    public static Guid AccessEventId(string system, string eventId) => Hash("access", system, eventId);

    public static Guid FactEventId(string canonicalKey) => Hash("fact", canonicalKey);

    public static Guid QuarantineEventId(string file, long line, string reasonCode, string raw) =>
        Hash("quarantine", file, line.ToString(System.Globalization.CultureInfo.InvariantCulture), reasonCode, raw);

    /// <summary>Hash over the mapped fields after parsing (not the raw text): formatting differences are not conflicts.</summary>
    public static string Digest(ParsedAccess a)
    {
        var g = Hash("digest", a.System, a.EventId, a.OccurredAt.ToUnixTimeTicks().ToString(System.Globalization.CultureInfo.InvariantCulture),
            a.UserId, a.UserName, a.UserRole, a.UnitId, a.ClientId, a.Action.ToString(), a.Purpose.ToString(),
            a.Outcome.ToString(), a.Terminal, a.Detail);
        return Convert.ToBase64String(g.ToByteArray()).TrimEnd('=');
    }

    /// <summary>SHA-256 over length-prefixed UTF-8 parts (nulls distinct from empty), first 16 bytes as a version-8 UUID.</summary>
    private static Guid Hash(params string?[] parts)
    {
        var size = 0;
        foreach (var p in parts) size += 5 + (p == null ? 0 : Encoding.UTF8.GetMaxByteCount(p.Length));
        var rented = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var pos = 0;
            foreach (var p in parts)
            {
                if (p == null) { rented[pos++] = 0; BinaryPrimitives.WriteInt32LittleEndian(rented.AsSpan(pos), -1); pos += 4; continue; }
                rented[pos++] = 1;
                var n = Encoding.UTF8.GetBytes(p, rented.AsSpan(pos + 4));
                BinaryPrimitives.WriteInt32LittleEndian(rented.AsSpan(pos), n);
                pos += 4 + n;
            }
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(rented.AsSpan(0, pos), hash);
            hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8 (custom)
            hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 4122 variant
            return new Guid(hash[..16], bigEndian: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
