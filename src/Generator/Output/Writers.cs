using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using LogControl.Domain.Time;
using NodaTime;
using NodaTime.Text;

namespace LogControl.Generator.Output;

/// <summary>Timestamps as the contracts write them: Stockholm local time, with an explicit offset where the local time alone would be ambiguous.</summary>
internal static class Timestamps
{
    private static readonly LocalDateTimePattern SpaceLocal = LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd' 'HH':'mm':'ss");
    private static readonly LocalDateTimePattern TLocal = LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss");
    private static readonly OffsetDateTimePattern WithOffset = OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'sso<+HH:mm>");
    private static readonly InstantPattern Utc = InstantPattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss'Z'");

    public enum Style { SpaceLocal, TLocal, Offset, Utc }

    /// <summary>
    /// A local time in the autumn overlap is read as the earlier instant, so the later one must carry its
    /// offset. Local times in the spring gap never come out of an instant, so they cannot occur.
    /// </summary>
    public static string Format(Instant t, Style style)
    {
        var zoned = t.InZone(SwedishTime.Zone);
        if (style is Style.SpaceLocal or Style.TLocal)
        {
            var mapping = SwedishTime.Zone.MapLocal(zoned.LocalDateTime);
            if (mapping.Count == 2 && mapping.First().ToInstant() != t) style = Style.Offset;
        }
        return style switch
        {
            Style.SpaceLocal => SpaceLocal.Format(zoned.LocalDateTime),
            Style.TLocal => TLocal.Format(zoned.LocalDateTime),
            Style.Offset => WithOffset.Format(zoned.ToOffsetDateTime()),
            _ => Utc.Format(t),
        };
    }

    /// <summary>Reference-data date-times: local, no offset (the generator keeps them out of the DST hours).</summary>
    public static string Local(LocalDateTime t) => TLocal.Format(t);

    public static string Date(LocalDate d) => d.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>Writes one JSON object per line (NDJSON) with Swedish letters as they are, not escaped.</summary>
internal sealed class JsonLines : IDisposable
{
    public static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };
    private readonly Stream _out;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _json;

    public JsonLines(Stream output)
    {
        _out = output;
        _json = new Utf8JsonWriter(_buffer, Options);
    }

    public long Lines { get; private set; }

    public void Write(Action<Utf8JsonWriter> body)
    {
        _buffer.Clear();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        body(_json);
        _json.WriteEndObject();
        _json.Flush();
        _out.Write(_buffer.WrittenSpan);
        _out.WriteByte((byte)'\n');
        Lines++;
    }

    public void Dispose()
    {
        _json.Dispose();
        _out.Dispose();
    }
}

internal static class OutputFiles
{
    /// <summary>A file for writing, gzip-compressed when the name ends in .gz (gzip output is deterministic: no name or time in the header).</summary>
    public static Stream Create(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        return path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(fs, CompressionLevel.Optimal) : fs;
    }
}

/// <summary>Splits one source system's export into weekly files, named by the week's Monday.</summary>
internal abstract class WeeklyAccessWriter(string dir, LocalDate start, int weeks) : IDisposable
{
    private int _week = -1;
    private long _sequence;

    protected Stream? Current { get; private set; }
    public long Rows { get; private set; }

    protected abstract string FileName(LocalDate monday, int week);
    protected abstract void BeginFile(Stream s);
    protected abstract void WriteRow(Stream s, GenAccess a);
    protected abstract string EventId(long sequence);

    public void Write(GenAccess a)
    {
        var days = Period.Between(start, SwedishTime.DateOf(a.At), PeriodUnits.Days).Days;
        var week = Math.Clamp(days / 7, 0, weeks - 1);
        if (week != _week)
        {
            Current?.Dispose();
            _week = week;
            Current = OutputFiles.Create(Path.Combine(dir, FileName(start.PlusWeeks(week), week)));
            BeginFile(Current);
        }
        a.EventId = EventId(++_sequence);
        WriteRow(Current!, a);
        Rows++;
    }

    public void Dispose() => Current?.Dispose();
}

/// <summary>Lifecare: home care and night patrols. `;`, LF, no BOM, "YYYYMMDD-NNNN" client ids, a detail column.</summary>
internal sealed class LifecareWriter(string dir, LocalDate start, int weeks, Random rng) : WeeklyAccessWriter(dir, start, weeks)
{
    private readonly StringBuilder _sb = new(256);

    protected override string FileName(LocalDate monday, int week) =>
        $"lifecare-{Timestamps.Date(monday)}.csv{(week % 2 == 1 ? ".gz" : "")}";

    protected override string EventId(long sequence) => $"LC-{sequence:D8}";

    protected override void BeginFile(Stream s) =>
        s.Write("event_id;timestamp;system;user_id;user_name;user_role;unit_id;client_id;action;purpose;terminal;detail\n"u8);

    protected override void WriteRow(Stream s, GenAccess a)
    {
        var roll = rng.NextDouble();
        var style = roll < 0.04 ? Timestamps.Style.Offset : roll < 0.05 ? Timestamps.Style.Utc : Timestamps.Style.SpaceLocal;
        _sb.Clear()
            .Append(a.EventId).Append(';')
            .Append(Timestamps.Format(a.At, style)).Append(";Lifecare;")
            .Append(a.User.UserId).Append(';').Append(a.User.Name).Append(';').Append(a.User.PlacementAsOf(SwedishTime.DateOf(a.At))?.Role ?? a.User.Role).Append(';')
            .Append(a.Unit.Id).Append(';')
            .Append(a.Client is null ? "" : a.Client.Id.Insert(8, "-")).Append(';')
            .Append(a.Action).Append(';').Append(a.Purpose).Append(';').Append(a.User.Terminal).Append(';')
            .Append(a.Detail).Append('\n');
        s.Write(Encoding.UTF8.GetBytes(_sb.ToString()));
    }
}

/// <summary>Treserva: nursing homes and needs assessment. Another column order, CRLF, a BOM, 12-digit client ids.</summary>
internal sealed class TreservaWriter(string dir, LocalDate start, int weeks, Random rng) : WeeklyAccessWriter(dir, start, weeks)
{
    private readonly StringBuilder _sb = new(256);
    private readonly int _weeks = weeks;

    protected override string FileName(LocalDate monday, int week) =>
        $"treserva-{Timestamps.Date(monday)}.csv{(week == _weeks - 1 ? ".gz" : "")}";

    protected override string EventId(long sequence) => $"TRV{sequence:D9}";

    protected override void BeginFile(Stream s)
    {
        s.Write([0xEF, 0xBB, 0xBF]);
        s.Write("timestamp;event_id;system;unit_id;user_id;user_name;user_role;client_id;action;purpose;terminal\r\n"u8);
    }

    protected override void WriteRow(Stream s, GenAccess a)
    {
        var style = rng.NextDouble() < 0.04 ? Timestamps.Style.Offset : Timestamps.Style.TLocal;
        _sb.Clear()
            .Append(Timestamps.Format(a.At, style)).Append(';')
            .Append(a.EventId).Append(";Treserva;")
            .Append(a.Unit.Id).Append(';')
            .Append(a.User.UserId).Append(';').Append(a.User.Name).Append(';').Append(a.User.PlacementAsOf(SwedishTime.DateOf(a.At))?.Role ?? a.User.Role).Append(';')
            .Append(a.Client?.Id).Append(';')
            .Append(a.Action).Append(';').Append(a.Purpose).Append(';').Append(a.User.Terminal).Append("\r\n");
        s.Write(Encoding.UTF8.GetBytes(_sb.ToString()));
    }
}

/// <summary>
/// The nurses' journal (Combine) exports FHIR R4 AuditEvents as NDJSON (IHE BALP style): the nurse is the
/// requestor agent with role and location (the unit), the client the patient entity. Failed attempts
/// carry outcome 4 or 8; emergency access carries purposeOfEvent ETREAT.
/// </summary>
internal sealed class CombineFhirWriter(string dir, LocalDate start, int weeks, Random rng) : WeeklyAccessWriter(dir, start, weeks)
{
    private const string Dicom = "http://dicom.nema.org/resources/ontology/DCM";
    private readonly ArrayBufferWriter<byte> _buffer = new(2048);

    protected override string FileName(LocalDate monday, int week) =>
        $"combine-auditevents-{Timestamps.Date(monday)}.ndjson{(week % 2 == 1 ? ".gz" : "")}";

    protected override string EventId(long sequence) => $"cmb-{sequence:D8}";

    protected override void BeginFile(Stream s) { }

    protected override void WriteRow(Stream s, GenAccess a)
    {
        _buffer.Clear();
        using (var w = new Utf8JsonWriter(_buffer, JsonLines.Options))
        {
            w.WriteStartObject();
            w.WriteString("resourceType", "AuditEvent");
            w.WriteString("id", a.EventId);
            WriteType(w, a);
            w.WriteString("recorded", Timestamps.Format(a.At, rng.NextDouble() < 0.1 ? Timestamps.Style.Utc : Timestamps.Style.Offset));
            w.WriteString("outcome", a.Outcome);
            if (a.Failed) w.WriteString("outcomeDesc", "Åtkomst nekad: ingen vårdrelation registrerad");
            if (a.Purpose == "emergency")
            {
                w.WriteStartArray("purposeOfEvent");
                Concept(w, "http://terminology.hl7.org/CodeSystem/v3-ActReason", "ETREAT", "Emergency Treatment");
                w.WriteEndArray();
            }

            w.WriteStartArray("agent");
            w.WriteStartObject();
            w.WritePropertyName("type");
            Concept(w, "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", "information recipient");
            w.WriteStartArray("role");
            Concept(w, "urn:oid:1.2.752.129.2.2.1.4", a.User.PlacementAsOf(SwedishTime.DateOf(a.At))?.Role ?? a.User.Role, null);
            w.WriteEndArray();
            w.WriteStartObject("who");
            w.WriteStartObject("identifier");
            w.WriteString("system", "urn:oid:1.2.752.129.2.1.4.1");
            w.WriteString("value", a.User.UserId);
            w.WriteEndObject();
            w.WriteString("display", a.User.Name);
            w.WriteEndObject();
            w.WriteBoolean("requestor", true);
            w.WriteStartObject("location");
            w.WriteStartObject("identifier");
            w.WriteString("value", a.Unit.Id);
            w.WriteEndObject();
            w.WriteString("display", a.Unit.Name);
            w.WriteEndObject();
            w.WriteStartObject("network");
            w.WriteString("address", a.User.Terminal);
            w.WriteString("type", "2");
            w.WriteEndObject();
            w.WriteEndObject();
            // The application as the source agent, as BALP does.
            w.WriteStartObject();
            w.WritePropertyName("type");
            Concept(w, Dicom, "110153", "Source Role ID");
            w.WriteStartObject("who");
            w.WriteString("reference", "Device/combine");
            w.WriteEndObject();
            w.WriteBoolean("requestor", false);
            w.WriteEndObject();
            w.WriteEndArray();

            w.WriteStartObject("source");
            w.WriteStartObject("observer");
            w.WriteStartObject("identifier");
            w.WriteString("value", "Combine");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();

            if (a.Client is { } c)
            {
                w.WriteStartArray("entity");
                w.WriteStartObject();
                w.WriteStartObject("what");
                w.WriteStartObject("identifier");
                w.WriteString("system", "http://electronichealth.se/identifier/personnummer");
                w.WriteString("value", c.Id);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WritePropertyName("type");
                Coding(w, "http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person");
                w.WritePropertyName("role");
                Coding(w, "http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient");
                if (a.Detail is { } d) w.WriteString("description", d);
                w.WriteEndObject();
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        s.Write(_buffer.WrittenSpan);
        s.WriteByte((byte)'\n');
    }

    private static void WriteType(Utf8JsonWriter w, GenAccess a)
    {
        switch (a.Action)
        {
            case "login" or "logout":
                w.WritePropertyName("type");
                Coding(w, Dicom, "110114", "User Authentication");
                w.WriteStartArray("subtype");
                Coding(w, Dicom, a.Action == "login" ? "110122" : "110123", a.Action == "login" ? "Login" : "Logout");
                w.WriteEndArray();
                w.WriteString("action", "E");
                return;
        }
        w.WritePropertyName("type");
        Coding(w, "http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation");
        w.WriteStartArray("subtype");
        var (code, letter) = a.Action switch
        {
            "create" => ("create", "C"),
            "update" => ("update", "U"),
            "search" => ("search-type", "E"),
            "print" => ("print", "R"),
            _ => ("read", "R"),
        };
        Coding(w, a.Action == "print" ? "urn:oid:1.2.752.129.2.2.2.1" : "http://hl7.org/fhir/restful-interaction", code, null);
        w.WriteEndArray();
        w.WriteString("action", letter);
    }

    private static void Coding(Utf8JsonWriter w, string system, string code, string? display)
    {
        w.WriteStartObject();
        w.WriteString("system", system);
        w.WriteString("code", code);
        if (display is not null) w.WriteString("display", display);
        w.WriteEndObject();
    }

    private static void Concept(Utf8JsonWriter w, string system, string code, string? display)
    {
        w.WriteStartObject();
        w.WriteStartArray("coding");
        Coding(w, system, code, display);
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
