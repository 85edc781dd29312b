using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LogControl.Domain.Identity;
using LogControl.Domain.Ingestion;
using LogControl.Domain.Reference;
using LogControl.Domain.Time;
using LogControl.Ingest.Parsing;
using NodaTime;
using NodaTime.Text;

namespace LogControl.Ingest.Reference;

/// <summary>
/// Reads reference-data facts (contracts/reference-data.md): NDJSON, one object per line with a "type".
/// Every non-blank line becomes exactly one <see cref="IngestItem"/>: a fact or a rejection. Never throws
/// on bad input.
/// </summary>
/// <remarks>
/// Decisions (beyond the contract):
/// <list type="bullet">
/// <item>String values are trimmed; an empty or whitespace-only string counts as absent (null). A required
/// field that is absent, null or empty is <c>malformed_fact</c>; a value of the wrong JSON type (also for
/// optional fields) is <c>malformed_fact</c>. A field that occurs twice in one object is <c>malformed_fact</c>.</item>
/// <item><c>type</c> is matched exactly (ordinal, lower case as in the contract).</item>
/// <item>Client ids (and staff <c>personnummer</c>) that look like a personnummer/samordningsnummer are
/// Luhn-checked: a wrong check digit is <c>bad_personnummer</c> (as in the CSV contract); a valid one is
/// normalised to 12 digits. A 10-digit number needs a reference year for its century: the year of the fact's
/// own date (<c>from</c>, else <c>start</c>, else <c>deceased_on</c>; the person existed then), otherwise the
/// current year in Stockholm. 12-digit input needs no year. A staff <c>personnummer</c> that does not look
/// like one at all is <c>malformed_fact</c> (client ids may be any system's own id).</item>
/// <item>A spring-gap local time, an unparseable date/date-time, <c>end</c> before <c>start</c> and
/// <c>to</c> before <c>from</c> are <c>malformed_fact</c> naming the field. Equal values are allowed.</item>
/// <item>Enumerated values (unit <c>kind</c>, assignment <c>reason</c>, relation <c>kind</c>) are kept as
/// written and not validated: the lists end in <c>other</c> and unknown values are better kept than lost.</item>
/// </list>
/// </remarks>
public static class ReferenceFactReader
{
    private static readonly Dictionary<string, string[]> KnownFields = new(StringComparer.Ordinal)
    {
        ["unit"] = ["unit_id", "name", "kind", "manager_user_id", "comparable_group", "covers_units"],
        ["staff"] = ["user_id", "name", "surname", "personnummer", "address_key", "role", "unit_id", "from", "to"],
        ["client"] = ["client_id", "surname", "address_key", "protected_identity", "deceased_on"],
        ["enrollment"] = ["client_id", "unit_id", "from", "to"],
        ["assignment"] = ["user_id", "client_id", "from", "to", "reason"],
        ["shift"] = ["user_id", "start", "end", "unit_id"],
        ["visit"] = ["visit_id", "client_id", "user_id", "unit_id", "start", "end"],
        ["relation"] = ["user_id", "client_id", "kind", "from"],
    };

    /// <summary>Reads one NDJSON line already parsed by the caller. Never throws.</summary>
    public static IngestItem ReadFact(JsonElement obj, long lineNumber, string raw) =>
        ReadFact(obj, lineNumber, raw, CurrentStockholmYear());

    /// <summary>As <see cref="ReadFact(JsonElement,long,string)"/> with an explicit fallback reference year
    /// for 10-digit personnummer in facts that carry no date of their own.</summary>
    internal static IngestItem ReadFact(JsonElement obj, long lineNumber, string raw, int fallbackReferenceYear)
    {
        raw ??= string.Empty;
        try
        {
            if (obj.ValueKind != JsonValueKind.Object)
                return IngestItem.Rejected(lineNumber, raw, ReasonCodes.MalformedFact,
                    $"a fact must be a JSON object, got {Describe(obj.ValueKind)}");

            if (!obj.TryGetProperty("type", out var typeEl) || typeEl.ValueKind is JsonValueKind.Null)
                return IngestItem.Rejected(lineNumber, raw, ReasonCodes.UnknownFactType, "the fact has no \"type\"");
            if (typeEl.ValueKind != JsonValueKind.String)
                return IngestItem.Rejected(lineNumber, raw, ReasonCodes.UnknownFactType,
                    $"\"type\" must be a string, got {Describe(typeEl.ValueKind)}");
            var type = typeEl.GetString() ?? string.Empty;
            if (!KnownFields.TryGetValue(type, out var known))
                return IngestItem.Rejected(lineNumber, raw, ReasonCodes.UnknownFactType,
                    type.Length == 0 ? "the fact has an empty \"type\"" : $"unknown fact type \"{type}\"");

            var f = new Fields(obj, type, fallbackReferenceYear);
            var extra = f.CheckShapeAndCollectExtra(known);
            object fact = type switch
            {
                "unit" => ReadUnit(f, extra),
                "staff" => ReadStaff(f, extra),
                "client" => ReadClient(f, extra),
                "enrollment" => ReadEnrollment(f, extra),
                "assignment" => ReadAssignment(f, extra),
                "shift" => ReadShift(f, extra),
                "visit" => ReadVisit(f, extra),
                "relation" => ReadRelation(f, extra),
                _ => throw new FactException(ReasonCodes.UnknownFactType, $"unknown fact type \"{type}\""),
            };
            return IngestItem.ForFact(lineNumber, raw, fact);
        }
        catch (FactException e)
        {
            return IngestItem.Rejected(lineNumber, raw, e.Code, e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Safety net: no input may crash ingestion.
            return IngestItem.Rejected(lineNumber, raw, ReasonCodes.MalformedFact, $"could not read the fact: {e.Message}");
        }
    }

    /// <summary>
    /// Reads a whole NDJSON stream (already decompressed): one item per non-blank line, with its 1-based
    /// physical line number. A line that is not valid JSON is rejected as <c>malformed_fact</c>.
    /// </summary>
    public static IEnumerable<IngestItem> Read(Stream stream, string sourceName, CancellationToken ct = default) =>
        Read(stream, sourceName, CurrentStockholmYear(), ct);

    internal static IEnumerable<IngestItem> Read(Stream stream, string sourceName, int fallbackReferenceYear, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ReadIterator(stream, sourceName ?? string.Empty, fallbackReferenceYear, ct);
    }

    private static IEnumerable<IngestItem> ReadIterator(Stream stream, string sourceName, int fallbackReferenceYear, CancellationToken ct)
    {
        using var reader = new StreamReader(stream, new UTF8Encoding(false, false), detectEncodingFromByteOrderMarks: true,
            bufferSize: 64 * 1024, leaveOpen: true);
        var options = new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };
        long lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            ct.ThrowIfCancellationRequested();
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;

            yield return ReadLine(line, lineNumber, sourceName, options, fallbackReferenceYear);
        }
    }

    private static IngestItem ReadLine(string line, long lineNumber, string sourceName, JsonDocumentOptions options, int fallbackReferenceYear)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(line, options);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            return IngestItem.Rejected(lineNumber, line, ReasonCodes.MalformedFact,
                $"invalid JSON in {sourceName} line {lineNumber}: {e.Message}");
        }
        using (doc)
            return ReadFact(doc.RootElement, lineNumber, line, fallbackReferenceYear);
    }

    // ---- per type ---------------------------------------------------------------------------------

    private static UnitDescribed ReadUnit(Fields f, IReadOnlyDictionary<string, string>? extra) => new(
        f.RequiredString("unit_id"),
        f.OptionalString("name"),
        f.OptionalString("kind"),
        f.OptionalString("manager_user_id"),
        f.OptionalString("comparable_group"),
        f.StringList("covers_units"),
        extra);

    private static StaffPlacementRecorded ReadStaff(Fields f, IReadOnlyDictionary<string, string>? extra)
    {
        var userId = f.RequiredString("user_id");
        var (from, to) = f.Period("from", "to");
        var pnr = f.OptionalString("personnummer");
        if (pnr is not null)
        {
            if (!Personnummer.LooksLikeOne(pnr))
                throw new FactException(ReasonCodes.MalformedFact,
                    $"personnummer \"{pnr}\" is not a personnummer (10 or 12 digits, optional - or + before the last four)");
            pnr = NormalisePersonnummer("personnummer", pnr, from?.Year ?? f.FallbackYear);
        }
        return new StaffPlacementRecorded(
            userId,
            f.OptionalString("name"),
            f.OptionalString("surname"),
            pnr,
            f.OptionalString("address_key"),
            f.OptionalString("role"),
            f.OptionalString("unit_id"),
            from,
            to,
            extra);
    }

    private static ClientDescribed ReadClient(Fields f, IReadOnlyDictionary<string, string>? extra)
    {
        var raw = f.RequiredString("client_id");
        var deceased = f.OptionalDate("deceased_on");
        return new ClientDescribed(
            ClientId(raw, deceased?.Year ?? f.FallbackYear),
            f.OptionalString("surname"),
            f.OptionalString("address_key"),
            f.OptionalBool("protected_identity"),
            deceased,
            extra);
    }

    private static EnrollmentRecorded ReadEnrollment(Fields f, IReadOnlyDictionary<string, string>? extra)
    {
        var client = f.RequiredString("client_id");
        var unit = f.RequiredString("unit_id");
        var (from, to) = f.Period("from", "to");
        return new EnrollmentRecorded(ClientId(client, from?.Year ?? f.FallbackYear), unit, from, to, extra);
    }

    private static AssignmentRecorded ReadAssignment(Fields f, IReadOnlyDictionary<string, string>? extra)
    {
        var user = f.RequiredString("user_id");
        var client = f.RequiredString("client_id");
        var (from, to) = f.Period("from", "to");
        return new AssignmentRecorded(user, ClientId(client, from?.Year ?? f.FallbackYear), from, to,
            f.OptionalString("reason"), extra);
    }

    private static ShiftRecorded ReadShift(Fields f, IReadOnlyDictionary<string, string>? extra)
    {
        var user = f.RequiredString("user_id");
        var (start, end) = f.Interval("start", "end");
        var unit = f.RequiredString("unit_id");
        return new ShiftRecorded(user, start, end, unit, extra);
    }

    private static VisitRecorded ReadVisit(Fields f, IReadOnlyDictionary<string, string>? extra)
    {
        var visit = f.RequiredString("visit_id");
        var client = f.RequiredString("client_id");
        var user = f.RequiredString("user_id");
        var (start, end) = f.Interval("start", "end");
        return new VisitRecorded(visit, ClientId(client, SwedishTime.DateOf(start).Year), user,
            f.OptionalString("unit_id"), start, end, extra);
    }

    private static RelationDeclared ReadRelation(Fields f, IReadOnlyDictionary<string, string>? extra)
    {
        var user = f.RequiredString("user_id");
        var client = f.RequiredString("client_id");
        var kind = f.RequiredString("kind");
        var from = f.OptionalDate("from");
        return new RelationDeclared(user, ClientId(client, from?.Year ?? f.FallbackYear), kind, from, extra);
    }

    private static string ClientId(string value, int referenceYear) =>
        Personnummer.LooksLikeOne(value) ? NormalisePersonnummer("client_id", value, referenceYear) : value;

    private static string NormalisePersonnummer(string field, string value, int referenceYear)
    {
        if (!Personnummer.HasValidCheckDigit(value))
            throw new FactException(ReasonCodes.BadPersonnummer, $"{field} \"{value}\" has a wrong check digit");
        return Personnummer.Normalise(value, referenceYear);
    }

    // ---- canonical key ----------------------------------------------------------------------------

    /// <summary>
    /// A stable identity for a fact: lower-case hex SHA-256 over a canonical JSON array of a version tag, the
    /// contract type name and every mapped field in a fixed order (dates ISO, instants UTC ISO with 'Z',
    /// null as null; <c>covers_units</c> sorted and de-duplicated, as it is a set). Independent of the source
    /// text's key order and whitespace. <c>Extra</c> (unknown fields, which the contract says are ignored) is
    /// not part of the key.
    /// </summary>
    /// <exception cref="ArgumentException">When <paramref name="fact"/> is not one of the reference fact records.</exception>
    public static string CanonicalKey(object fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            w.WriteStartArray();
            w.WriteStringValue("logcontrol.reference-fact.v1");
            switch (fact)
            {
                case UnitDescribed u:
                    w.WriteStringValue("unit");
                    Str(w, u.UnitId); Str(w, u.Name); Str(w, u.Kind); Str(w, u.ManagerUserId); Str(w, u.ComparableGroup);
                    w.WriteStartArray();
                    foreach (var c in (u.CoversUnits ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
                        w.WriteStringValue(c);
                    w.WriteEndArray();
                    break;
                case StaffPlacementRecorded s:
                    w.WriteStringValue("staff");
                    Str(w, s.UserId); Str(w, s.Name); Str(w, s.Surname); Str(w, s.Personnummer); Str(w, s.AddressKey);
                    Str(w, s.Role); Str(w, s.UnitId); Date(w, s.From); Date(w, s.To);
                    break;
                case ClientDescribed c:
                    w.WriteStringValue("client");
                    Str(w, c.ClientId); Str(w, c.Surname); Str(w, c.AddressKey); w.WriteBooleanValue(c.ProtectedIdentity);
                    Date(w, c.DeceasedOn);
                    break;
                case EnrollmentRecorded e:
                    w.WriteStringValue("enrollment");
                    Str(w, e.ClientId); Str(w, e.UnitId); Date(w, e.From); Date(w, e.To);
                    break;
                case AssignmentRecorded a:
                    w.WriteStringValue("assignment");
                    Str(w, a.UserId); Str(w, a.ClientId); Date(w, a.From); Date(w, a.To); Str(w, a.Reason);
                    break;
                case ShiftRecorded sh:
                    w.WriteStringValue("shift");
                    Str(w, sh.UserId); Time(w, sh.Start); Time(w, sh.End); Str(w, sh.UnitId);
                    break;
                case VisitRecorded v:
                    w.WriteStringValue("visit");
                    Str(w, v.VisitId); Str(w, v.ClientId); Str(w, v.UserId); Str(w, v.UnitId); Time(w, v.Start); Time(w, v.End);
                    break;
                case RelationDeclared r:
                    w.WriteStringValue("relation");
                    Str(w, r.UserId); Str(w, r.ClientId); Str(w, r.Kind); Date(w, r.From);
                    break;
                default:
                    throw new ArgumentException($"{fact.GetType().Name} is not a reference fact", nameof(fact));
            }
            w.WriteEndArray();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));

        static void Str(Utf8JsonWriter w, string? s)
        {
            if (s is null) w.WriteNullValue(); else w.WriteStringValue(s);
        }
        static void Date(Utf8JsonWriter w, LocalDate? d)
        {
            if (d is null) w.WriteNullValue(); else w.WriteStringValue(LocalDatePattern.Iso.Format(d.Value));
        }
        static void Time(Utf8JsonWriter w, Instant? i)
        {
            if (i is null) w.WriteNullValue(); else w.WriteStringValue(InstantPattern.ExtendedIso.Format(i.Value));
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static int CurrentStockholmYear() => SystemClock.Instance.GetCurrentInstant().InZone(SwedishTime.Zone).Year;

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    private sealed class FactException(string code, string message) : Exception(message)
    {
        public string Code { get; } = code;
    }

    /// <summary>Typed access to one fact object's fields; throws <see cref="FactException"/> naming the field.</summary>
    private sealed class Fields(JsonElement obj, string type, int fallbackYear)
    {
        public int FallbackYear { get; } = fallbackYear;

        /// <summary>Rejects duplicate field names; returns unknown fields (name → raw JSON), or null when none.</summary>
        public IReadOnlyDictionary<string, string>? CheckShapeAndCollectExtra(string[] known)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            Dictionary<string, string>? extra = null;
            foreach (var p in obj.EnumerateObject())
            {
                if (!seen.Add(p.Name))
                    throw new FactException(ReasonCodes.MalformedFact, $"{type}: field \"{p.Name}\" occurs more than once");
                if (p.Name == "type" || Array.IndexOf(known, p.Name) >= 0) continue;
                (extra ??= new Dictionary<string, string>(StringComparer.Ordinal))[p.Name] = p.Value.GetRawText();
            }
            return extra;
        }

        private JsonElement? Get(string name) =>
            obj.TryGetProperty(name, out var el) && el.ValueKind != JsonValueKind.Null ? el : null;

        private FactException Malformed(string message) => new(ReasonCodes.MalformedFact, $"{type}: {message}");

        public string? OptionalString(string name)
        {
            if (Get(name) is not { } el) return null;
            if (el.ValueKind != JsonValueKind.String)
                throw Malformed($"{name} must be a string, got {Describe(el.ValueKind)}");
            var s = el.GetString()!.Trim();
            return s.Length == 0 ? null : s;
        }

        public string RequiredString(string name) =>
            OptionalString(name) ?? throw Malformed($"required field {name} is missing or empty");

        public bool OptionalBool(string name)
        {
            if (Get(name) is not { } el) return false;
            return el.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Malformed($"{name} must be true or false, got {Describe(el.ValueKind)}"),
            };
        }

        public IReadOnlyList<string> StringList(string name)
        {
            if (Get(name) is not { } el) return [];
            if (el.ValueKind != JsonValueKind.Array)
                throw Malformed($"{name} must be an array of strings, got {Describe(el.ValueKind)}");
            var list = new List<string>(el.GetArrayLength());
            var i = 0;
            foreach (var item in el.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                    throw Malformed($"{name}[{i}] must be a string, got {Describe(item.ValueKind)}");
                var s = item.GetString()!.Trim();
                if (s.Length == 0) throw Malformed($"{name}[{i}] is empty");
                list.Add(s);
                i++;
            }
            return list;
        }

        public LocalDate? OptionalDate(string name)
        {
            var s = OptionalString(name);
            if (s is null) return null;
            if (!SwedishTime.TryParseDate(s, out var d))
                throw Malformed($"{name} \"{s}\" is not a date (yyyy-MM-dd)");
            return d;
        }

        public (LocalDate? From, LocalDate? To) Period(string fromName, string toName)
        {
            var from = OptionalDate(fromName);
            var to = OptionalDate(toName);
            if (from is { } f && to is { } t && t < f)
                throw Malformed($"{toName} {LocalDatePattern.Iso.Format(t)} is before {fromName} {LocalDatePattern.Iso.Format(f)}");
            return (from, to);
        }

        public Instant? OptionalInstant(string name)
        {
            var s = OptionalString(name);
            if (s is null) return null;
            return SwedishTime.TryParseInstant(s, out var i) switch
            {
                SwedishTime.ParseStatus.Ok => i,
                SwedishTime.ParseStatus.NonexistentLocalTime =>
                    throw Malformed($"{name} \"{s}\" does not exist in Europe/Stockholm (spring DST gap)"),
                _ => throw Malformed($"{name} \"{s}\" is not a date-time (ISO 8601, e.g. 2026-03-02T07:00:00 or with an offset)"),
            };
        }

        public (Instant Start, Instant? End) Interval(string startName, string endName)
        {
            var start = OptionalInstant(startName) ?? throw Malformed($"required field {startName} is missing or empty");
            var end = OptionalInstant(endName);
            if (end is { } e && e < start)
                throw Malformed($"{endName} {InstantPattern.ExtendedIso.Format(e)} is before {startName} {InstantPattern.ExtendedIso.Format(start)}");
            return (start, end);
        }
    }
}
