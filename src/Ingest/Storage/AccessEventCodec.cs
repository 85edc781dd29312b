using System.Text;
using JasperFx.Events;
using LogControl.Domain.Access;
using NodaTime;

namespace LogControl.Ingest.Storage;

/// <summary>
/// Compact binary form of <see cref="AccessRecorded"/> and <see cref="ActivityRecorded"/>, stored in
/// Marten's <c>mt_events.bdata</c> (Marten 9 binary event payloads) instead of jsonb. Access events are
/// the high-volume stream: PostgreSQL need not parse and store millions of jsonb documents, and the
/// daemon reads them back without JSON. Everything else (reference facts, quarantine, workflow) stays JSON.
///
/// Layout v1: [version][kind][digest length][digest ASCII] then the fields in declaration order;
/// strings as 7-bit length + 1 (0 = null) and UTF-8, the instant as Unix ticks, enums as one byte.
/// The digest sits at a fixed place so the dedupe probe can read it in SQL without decoding the rest.
/// A new shape gets a new version byte; old rows stay readable.
/// </summary>
public sealed class AccessEventCodec : IEventBinarySerializer
{
    public static readonly AccessEventCodec Instance = new();

    private const byte Version = 1;
    private const byte KindAccess = 1;
    private const byte KindActivity = 2;

    /// <summary>SQL expression for the digest of a binary access event (see layout).</summary>
    public const string DigestSql = "convert_from(substring(bdata from 4 for get_byte(bdata, 2)), 'UTF8')";

    public static bool Handles(Type type) => type == typeof(AccessRecorded) || type == typeof(ActivityRecorded);

    public byte[] Serialize(Type type, object data)
    {
        using var ms = new MemoryStream(192);
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            switch (data)
            {
                case AccessRecorded a:
                    Header(w, KindAccess, a.Digest);
                    Common(w, a.System, a.EventId, a.OccurredAt, a.UserId, a.UserName, a.UserRole, a.UnitId);
                    Str(w, a.ClientId);
                    Tail(w, a.Action, a.Purpose, a.Outcome, a.Terminal, a.Detail);
                    break;
                case ActivityRecorded a:
                    Header(w, KindActivity, a.Digest);
                    Common(w, a.System, a.EventId, a.OccurredAt, a.UserId, a.UserName, a.UserRole, a.UnitId);
                    Tail(w, a.Action, a.Purpose, a.Outcome, a.Terminal, a.Detail);
                    break;
                default:
                    throw new ArgumentException($"{nameof(AccessEventCodec)} does not serialize {type.Name}");
            }
        }
        return ms.ToArray();
    }

    public object Deserialize(Type type, byte[] data)
    {
        using var r = new BinaryReader(new MemoryStream(data, writable: false), Encoding.UTF8);
        var version = r.ReadByte();
        if (version != Version) throw new InvalidDataException($"unknown access event encoding version {version}");
        var kind = r.ReadByte();
        var digest = Encoding.ASCII.GetString(r.ReadBytes(r.ReadByte()));
        var system = Str(r)!;
        var eventId = Str(r)!;
        var at = Instant.FromUnixTimeTicks(r.ReadInt64());
        var userId = Str(r)!;
        var userName = Str(r);
        var userRole = Str(r);
        var unitId = Str(r);
        var clientId = kind == KindAccess ? Str(r)! : null;
        var action = (AccessAction)r.ReadByte();
        var purpose = (AccessPurpose)r.ReadByte();
        var outcome = (AccessOutcome)r.ReadByte();
        var terminal = Str(r);
        var detail = Str(r);
        return kind switch
        {
            KindAccess => new AccessRecorded(system, eventId, at, userId, userName, userRole, unitId, clientId!, action, purpose, outcome, terminal, detail, digest),
            KindActivity => new ActivityRecorded(system, eventId, at, userId, userName, userRole, unitId, action, purpose, outcome, terminal, detail, digest),
            _ => throw new InvalidDataException($"unknown access event kind {kind}"),
        };
    }

    private static void Header(BinaryWriter w, byte kind, string digest)
    {
        w.Write(Version);
        w.Write(kind);
        var bytes = Encoding.ASCII.GetBytes(digest);
        w.Write((byte)bytes.Length);
        w.Write(bytes);
    }

    private static void Common(BinaryWriter w, string system, string eventId, Instant at, string userId, string? userName, string? userRole, string? unitId)
    {
        Str(w, system);
        Str(w, eventId);
        w.Write(at.ToUnixTimeTicks());
        Str(w, userId);
        Str(w, userName);
        Str(w, userRole);
        Str(w, unitId);
    }

    private static void Tail(BinaryWriter w, AccessAction action, AccessPurpose purpose, AccessOutcome outcome, string? terminal, string? detail)
    {
        w.Write((byte)action);
        w.Write((byte)purpose);
        w.Write((byte)outcome);
        Str(w, terminal);
        Str(w, detail);
    }

    private static void Str(BinaryWriter w, string? s)
    {
        if (s == null) { w.Write7BitEncodedInt(0); return; }
        var n = Encoding.UTF8.GetByteCount(s);
        w.Write7BitEncodedInt(n + 1);
        Span<byte> buf = n <= 512 ? stackalloc byte[n] : new byte[n];
        Encoding.UTF8.GetBytes(s, buf);
        w.Write(buf);
    }

    private static string? Str(BinaryReader r)
    {
        var n = r.Read7BitEncodedInt();
        return n == 0 ? null : Encoding.UTF8.GetString(r.ReadBytes(n - 1));
    }
}
