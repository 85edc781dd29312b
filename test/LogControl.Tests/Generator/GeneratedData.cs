using System.IO.Compression;
using System.Text;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;

namespace LogControl.Tests.Generator;

/// <summary>One access as the generated files say it (CSV row or FHIR AuditEvent), read without the ingest code.</summary>
public sealed record OAccess(string System, string EventId, Instant At, LocalDate Day, string UserId, string? UnitId, string? ClientId,
    string Action, string Purpose, bool Failed)
{
    public string Key => $"{System}:{EventId}";
    public bool IsPatientAccess => ClientId is not null;
}

public sealed record OStaff(string UserId, string? Surname, string? Personnummer, string? AddressKey, string Role, string UnitId, LocalDate? From, LocalDate? To)
{
    public bool ActiveOn(LocalDate d) => (From is null || From <= d) && (To is null || To >= d);
}

public sealed record OClient(string ClientId, string? Surname, string? AddressKey, bool Protected, LocalDate? DeceasedOn);
public sealed record OPeriod(LocalDate? From, LocalDate? To);
public sealed record OShift(string UnitId, Instant Start, Instant End);
public sealed record OUnit(string UnitId, IReadOnlyList<string> Covers);

public sealed record OLabel(string IncidentId, string Rule, bool Primary, string UserId, string? ClientId, LocalDate Date, IReadOnlyList<string> SourceEventIds, string Description);

/// <summary>
/// The generator's output folder read back with a deliberately simple, separate reader (no ingest code),
/// so the detection oracle judges exactly what is in the files. Reference facts follow the contract's
/// history rules: later path order / later line wins for the same key and from.
/// </summary>
public sealed class GeneratedData
{
    private static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Europe/Stockholm"];
    private static readonly OffsetDateTimePattern OffsetPattern = OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'sso<+HH:mm>");
    private static readonly LocalDateTimePattern TLocal = LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss");
    private static readonly LocalDateTimePattern SpaceLocal = LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd' 'HH':'mm':'ss");

    public string Dir { get; }
    public Dictionary<string, OUnit> Units { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<OStaff>> Staff { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, OClient> Clients { get; } = new(StringComparer.Ordinal);
    /// <summary>client → unit → facts in ingest order.</summary>
    public Dictionary<string, Dictionary<string, List<OPeriod>>> Enrollments { get; } = new(StringComparer.Ordinal);
    public Dictionary<(string User, string Client), List<OPeriod>> Assignments { get; } = [];
    public Dictionary<string, List<OShift>> Shifts { get; } = new(StringComparer.Ordinal);
    public Dictionary<(string User, string Client), List<(LocalDate From, LocalDate To)>> Visits { get; } = [];
    public Dictionary<(string User, string Client), List<LocalDate?>> Relations { get; } = [];
    public List<OAccess> Accesses { get; } = [];
    public List<OLabel> Labels { get; } = [];
    public List<string> Personnummer { get; } = [];

    public GeneratedData(string dir)
    {
        Dir = dir;
        foreach (var file in Files("reference")) ReadFacts(file);
        foreach (var file in Files("access")) ReadCsv(file);
        foreach (var file in Files("fhir")) ReadFhir(file);
        foreach (var line in File.ReadLines(Path.Combine(dir, "labels.ndjson"))) Labels.Add(ReadLabel(line));
    }

    private IEnumerable<string> Files(string folder) =>
        Directory.EnumerateFiles(Path.Combine(Dir, folder)).Order(StringComparer.Ordinal);

    public static IEnumerable<string> Lines(string path)
    {
        using var fs = File.OpenRead(path);
        using var s = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(fs, CompressionMode.Decompress) : (Stream)fs;
        using var reader = new StreamReader(s, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        while (reader.ReadLine() is { } line) yield return line;
    }

    // ---- reference -------------------------------------------------------------------------------

    private void ReadFacts(string path)
    {
        foreach (var line in Lines(path))
        {
            using var doc = JsonDocument.Parse(line);
            var j = doc.RootElement;
            switch (S(j, "type"))
            {
                case "unit":
                    Units[S(j, "unit_id")!] = new OUnit(S(j, "unit_id")!, j.GetProperty("covers_units").EnumerateArray().Select(e => e.GetString()!).ToList());
                    break;
                case "staff":
                    var staff = new OStaff(S(j, "user_id")!, S(j, "surname"), S(j, "personnummer"), S(j, "address_key"), S(j, "role")!, S(j, "unit_id")!, Date(j, "from"), Date(j, "to"));
                    Add(Staff, staff.UserId, staff);
                    if (staff.Personnummer is not null) Personnummer.Add(staff.Personnummer);
                    break;
                case "client":
                    var id = S(j, "client_id")!;
                    Clients[id] = new OClient(id, S(j, "surname"), S(j, "address_key"), j.GetProperty("protected_identity").GetBoolean(), Date(j, "deceased_on"));
                    Personnummer.Add(id);
                    break;
                case "enrollment":
                    if (!Enrollments.TryGetValue(S(j, "client_id")!, out var byUnit)) Enrollments[S(j, "client_id")!] = byUnit = new(StringComparer.Ordinal);
                    Add(byUnit, S(j, "unit_id")!, new OPeriod(Date(j, "from"), Date(j, "to")));
                    break;
                case "assignment":
                    Add(Assignments, (S(j, "user_id")!, S(j, "client_id")!), new OPeriod(Date(j, "from"), Date(j, "to")));
                    break;
                case "shift":
                    var start = Local(S(j, "start")!);
                    var end = S(j, "end") is { } e ? Local(e) : start + Duration.FromHours(12);
                    Add(Shifts, S(j, "user_id")!, new OShift(S(j, "unit_id")!, start, end));
                    break;
                case "visit":
                    var vs = Local(S(j, "start")!);
                    var ve = S(j, "end") is { } x ? Local(x) : vs;
                    Add(Visits, (S(j, "user_id")!, S(j, "client_id")!), (vs.InZone(Zone).Date, ve.InZone(Zone).Date));
                    break;
                case "relation":
                    Add(Relations, (S(j, "user_id")!, S(j, "client_id")!), Date(j, "from"));
                    break;
                default:
                    throw new InvalidDataException($"unexpected fact in {path}: {line}");
            }
        }
    }

    private static void Add<TKey, TValue>(Dictionary<TKey, List<TValue>> d, TKey key, TValue value) where TKey : notnull
    {
        if (!d.TryGetValue(key, out var list)) d[key] = list = [];
        list.Add(value);
    }

    private static string? S(JsonElement j, string name) =>
        j.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static LocalDate? Date(JsonElement j, string name) =>
        S(j, name) is { } s ? LocalDatePattern.Iso.Parse(s).Value : null;

    // ---- accesses ---------------------------------------------------------------------------------

    /// <summary>Contract timestamps: with an offset or Z that instant; otherwise Stockholm local time, the earlier instant in the autumn overlap.</summary>
    public static Instant ParseTimestamp(string text)
    {
        if (text.EndsWith('Z')) return InstantPattern.General.Parse(text).Value;
        var offset = OffsetPattern.Parse(text);
        if (offset.Success) return offset.Value.ToInstant();
        return Local(text);
    }

    private static Instant Local(string text)
    {
        var parsed = TLocal.Parse(text);
        var local = parsed.Success ? parsed.Value : SpaceLocal.Parse(text).Value;
        var mapping = Zone.MapLocal(local);
        if (mapping.Count == 0) throw new InvalidDataException($"{text} is in the spring DST gap");
        return mapping.First().ToInstant();
    }

    private void ReadCsv(string path)
    {
        string[]? header = null;
        foreach (var line in Lines(path))
        {
            line.ShouldNotContain('"');
            var f = line.Split(';');
            if (header is null) { header = f; continue; }
            f.Length.ShouldBe(header.Length, $"{path}: {line}");
            string? Col(string name) => Array.IndexOf(header, name) is var i and >= 0 && f[i].Length > 0 ? f[i] : null;
            var at = ParseTimestamp(Col("timestamp")!);
            var client = Col("client_id")?.Replace("-", "");
            if (client is not null) Personnummer.Add(client);
            Accesses.Add(new OAccess(Col("system")!, Col("event_id")!, at, at.InZone(Zone).Date, Col("user_id")!, Col("unit_id"), client,
                Col("action")!, Col("purpose") ?? "care", false));
        }
    }

    private void ReadFhir(string path)
    {
        foreach (var line in Lines(path))
        {
            using var doc = JsonDocument.Parse(line);
            var j = doc.RootElement;
            var agent = j.GetProperty("agent").EnumerateArray().First(a => a.TryGetProperty("requestor", out var r) && r.GetBoolean());
            var subtype = j.GetProperty("subtype")[0].GetProperty("code").GetString();
            var action = subtype switch
            {
                "110122" => "login",
                "110123" => "logout",
                "search-type" => "search",
                "print" => "print",
                _ => S(j, "action") switch { "C" => "create", "U" => "update", _ => "read" },
            };
            var emergency = j.TryGetProperty("purposeOfEvent", out var p)
                && p.EnumerateArray().Any(c => c.GetProperty("coding").EnumerateArray().Any(x => S(x, "code") is "ETREAT" or "BTG"));
            string? client = j.TryGetProperty("entity", out var entities)
                ? entities[0].GetProperty("what").GetProperty("identifier").GetProperty("value").GetString()
                : null;
            var at = ParseTimestamp(S(j, "recorded")!);
            Accesses.Add(new OAccess(j.GetProperty("source").GetProperty("observer").GetProperty("identifier").GetProperty("value").GetString()!,
                S(j, "id")!, at, at.InZone(Zone).Date,
                agent.GetProperty("who").GetProperty("identifier").GetProperty("value").GetString()!,
                agent.GetProperty("location").GetProperty("identifier").GetProperty("value").GetString(),
                client, action, emergency ? "emergency" : "care", S(j, "outcome") != "0"));
        }
    }

    private static OLabel ReadLabel(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var j = doc.RootElement;
        return new OLabel(S(j, "incident_id")!, S(j, "rule")!, j.GetProperty("primary").GetBoolean(), S(j, "user_id")!, S(j, "client_id"),
            Date(j, "date")!.Value, j.GetProperty("source_event_ids").EnumerateArray().Select(e => e.GetString()!).ToList(), S(j, "description")!);
    }
}
