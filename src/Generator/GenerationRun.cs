using System.Security.Cryptography;
using System.Text.Json;
using LogControl.Domain.Detection;
using LogControl.Generator.Output;
using NodaTime;

namespace LogControl.Generator;

/// <summary>
/// One generation: builds the world and rosters, writes the reference data, plans the incidents, then
/// walks the period day by day writing accesses and visits (streaming, in time order), and ends with
/// the labels and the manifest.
/// </summary>
internal sealed partial class GenerationRun
{
    private readonly GeneratorOptions _o;
    private readonly ScaleProfile _p;
    private readonly World _w;
    private readonly string _out;

    // One random stream per phase, so a change in one phase does not reshuffle the others.
    private readonly Random _plan;
    private readonly Random _day;
    private readonly Random _format;

    private readonly List<Incident> _incidents = [];
    private readonly List<GenAccess>[] _plannedByDay;
    private readonly List<Incident>[] _spikesByDay;
    /// <summary>(user, client, day) of injected misuse: legitimate activity leaves these alone.</summary>
    private readonly HashSet<(int Staff, int Client, int Day)> _excluded = [];
    /// <summary>(user, day) with an incident: at most one incident per user and day.</summary>
    private readonly HashSet<(int Staff, int Day)> _usedUserDays = [];
    /// <summary>Users with a VOLUME_SPIKE day: no other incidents, so their baseline stays ordinary.</summary>
    private readonly HashSet<int> _reserved = [];
    private readonly DailyDistinct _distinct;
    private readonly LookalikeCounts _look = new();
    private readonly List<GenAccess> _buffer = [];
    private long _order;
    private long _patientRows, _activityRows, _failedRows;

    private readonly LifecareWriter _lifecare;
    private readonly TreservaWriter _treserva;
    private readonly CombineFhirWriter _combine;
    private readonly int _weeks;
    private JsonLines? _visits;
    private int _visitWeek = -1;
    private long _visitSeq;
    private long _referenceFacts;

    public GenerationRun(GeneratorOptions o)
    {
        _o = o;
        _p = ScaleProfile.For(o.Scale) is var profile && o.Weeks is { } weeks ? profile with { Days = weeks * 7 } : profile;
        _out = Path.GetFullPath(o.OutDir);
        _plan = new Random(Time.SubSeed(o.Seed, 3));
        _day = new Random(Time.SubSeed(o.Seed, 4));
        _format = new Random(Time.SubSeed(o.Seed, 5));
        _w = new WorldBuilder(_p, o.Seed).Build();
        ShiftPlanner.Plan(_w, o.Seed);
        _plannedByDay = Enumerable.Range(0, _p.Days).Select(_ => new List<GenAccess>()).ToArray();
        _spikesByDay = Enumerable.Range(0, _p.Days).Select(_ => new List<Incident>()).ToArray();
        _distinct = new DailyDistinct(_w.Staff.Count, _p.Days);
        _weeks = (_p.Days + 6) / 7;
        _lifecare = new LifecareWriter(Path.Combine(_out, "access"), _p.Start, _weeks, _format);
        _treserva = new TreservaWriter(Path.Combine(_out, "access"), _p.Start, _weeks, _format);
        _combine = new CombineFhirWriter(Path.Combine(_out, "fhir"), _p.Start, _weeks, _format);
    }

    public GenerationResult Run()
    {
        PrepareOutDir();
        WriteReference();
        PlanIncidents();
        GenerateDays();
        var labels = WriteLabels();
        return WriteManifest(labels);
    }

    /// <summary>Removes what an earlier run wrote (only the generator's own files), so no stale week survives.</summary>
    private void PrepareOutDir()
    {
        Directory.CreateDirectory(_out);
        foreach (var folder in GenerationResult.IngestFolders)
        {
            var path = Path.Combine(_out, folder);
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        foreach (var file in new[] { "labels.ndjson", "manifest.json" })
            File.Delete(Path.Combine(_out, file));
    }

    // ---- the day loop ---------------------------------------------------------------------------

    private void GenerateDays()
    {
        for (var d = 0; d < _p.Days; d++)
        {
            BeginDay(d);
            foreach (var s in _w.Staff)
                if (!_spikesByDay[d].Any(i => i.User == s)) Legit(s, d);
            foreach (var a in _plannedByDay[d]) Emit(a);
            foreach (var spike in _spikesByDay[d]) Spike(spike);
            // Nothing generated for later days starts before 05:00 local, so everything earlier is final.
            Flush(Time.At(_w.Date(d + 1), 5, 0));
            _distinct.ForgetBefore(d - 1);
        }
        Flush(Instant.MaxValue);
        _lifecare.Dispose();
        _treserva.Dispose();
        _combine.Dispose();
        if (_visits is not null) { _referenceFacts += _visits.Lines; _visits.Dispose(); }
    }

    private void Emit(GenAccess a)
    {
        a.Order = _order++;
        _buffer.Add(a);
        if (a.Client is null) { _activityRows++; return; }
        _patientRows++;
        if (a.Failed) _failedRows++;
        else _distinct.Add(a.User.Index, _w.DayOf(Time.DateOf(a.At)), a.Client.Index);
    }

    private void Flush(Instant before)
    {
        _buffer.Sort((x, y) => x.At != y.At ? x.At.CompareTo(y.At) : x.Order.CompareTo(y.Order));
        var n = 0;
        while (n < _buffer.Count && _buffer[n].At < before)
        {
            var a = _buffer[n++];
            switch (a.System)
            {
                case SourceSystem.Lifecare: _lifecare.Write(a); break;
                case SourceSystem.Treserva: _treserva.Write(a); break;
                default: _combine.Write(a); break;
            }
        }
        _buffer.RemoveRange(0, n);
    }

    // ---- reference data ---------------------------------------------------------------------------

    private JsonLines Facts(string name) => new(OutputFiles.Create(Path.Combine(_out, "reference", name)));

    private void WriteReference()
    {
        using (var f = Facts("00-units.ndjson"))
        {
            foreach (var u in _w.Units)
                f.Write(j =>
                {
                    j.WriteString("type", "unit");
                    j.WriteString("unit_id", u.Id);
                    j.WriteString("name", u.Name);
                    j.WriteString("kind", u.KindCode);
                    j.WriteString("manager_user_id", u.Manager?.UserId);
                    j.WriteString("comparable_group", u.ComparableGroup);
                    j.WriteStartArray("covers_units");
                    foreach (var c in u.Covers) j.WriteStringValue(c.Id);
                    j.WriteEndArray();
                });
            _referenceFacts += f.Lines;
        }

        using (var f = Facts("01-staff.ndjson"))
        {
            foreach (var s in _w.Staff)
                foreach (var p in s.Placements)
                    f.Write(j =>
                    {
                        j.WriteString("type", "staff");
                        j.WriteString("user_id", s.UserId);
                        j.WriteString("name", s.Name);
                        j.WriteString("surname", s.Surname);
                        if (s.Personnummer is not null) j.WriteString("personnummer", s.Personnummer);
                        if (s.AddressKey is not null) j.WriteString("address_key", s.AddressKey);
                        j.WriteString("role", p.Role);
                        j.WriteString("unit_id", p.Unit.Id);
                        j.WriteString("from", Timestamps.Date(p.From));
                        DateOrNull(j, "to", p.To);
                    });
            _referenceFacts += f.Lines;
        }

        // Deaths inside the period are registered late: the first client and enrollment facts do not know
        // them; a later file (06-, read after these in path order) supersedes them.
        bool LateDeath(Client c) => c.DeceasedOn is { } died && died >= _p.Start;

        using (var f = Facts("02-clients.ndjson"))
        {
            foreach (var c in _w.Clients) WriteClient(f, c, LateDeath(c) ? null : c.DeceasedOn);
            _referenceFacts += f.Lines;
        }
        using (var f = Facts("03-enrollments.ndjson"))
        {
            foreach (var e in _w.Enrollments) WriteEnrollment(f, e, LateDeath(e.Client) ? null : e.To);
            _referenceFacts += f.Lines;
        }
        using (var f = Facts("04-assignments.ndjson"))
        {
            foreach (var a in _w.Assignments)
                f.Write(j =>
                {
                    j.WriteString("type", "assignment");
                    j.WriteString("user_id", a.Staff.UserId);
                    j.WriteString("client_id", a.Client.Id);
                    j.WriteString("from", Timestamps.Date(a.From));
                    DateOrNull(j, "to", a.To);
                    j.WriteString("reason", a.Reason);
                });
            _referenceFacts += f.Lines;
        }
        using (var f = Facts("05-relations.ndjson"))
        {
            foreach (var r in _w.Relations)
                f.Write(j =>
                {
                    j.WriteString("type", "relation");
                    j.WriteString("user_id", r.Staff.UserId);
                    j.WriteString("client_id", r.Client.Id);
                    j.WriteString("kind", r.Kind);
                    j.WriteString("from", Timestamps.Date(r.From));
                });
            _referenceFacts += f.Lines;
        }
        using (var f = Facts("06-client-updates.ndjson"))
        {
            foreach (var c in _w.Clients.Where(LateDeath))
            {
                WriteClient(f, c, c.DeceasedOn);
                foreach (var e in c.Enrollments) WriteEnrollment(f, e, e.To);
            }
            _referenceFacts += f.Lines;
        }

        for (var week = 0; week < _weeks; week++)
        {
            using var f = Facts($"10-shifts-{Timestamps.Date(_p.Start.PlusWeeks(week))}.ndjson");
            for (var d = week * 7; d < Math.Min(_p.Days, week * 7 + 7); d++)
                foreach (var s in _w.Staff)
                    if (s.ShiftByDay[d] is { } sh)
                        f.Write(j =>
                        {
                            j.WriteString("type", "shift");
                            j.WriteString("user_id", s.UserId);
                            j.WriteString("unit_id", sh.Unit.Id);
                            j.WriteString("start", Timestamps.Local(sh.Start));
                            j.WriteString("end", Timestamps.Local(sh.End));
                        });
            _referenceFacts += f.Lines;
        }
    }

    private static void WriteClient(JsonLines f, Client c, LocalDate? deceased) =>
        f.Write(j =>
        {
            j.WriteString("type", "client");
            j.WriteString("client_id", c.Id);
            j.WriteString("surname", c.Surname);
            j.WriteString("address_key", c.AddressKey);
            j.WriteBoolean("protected_identity", c.Protected);
            DateOrNull(j, "deceased_on", deceased);
        });

    private static void WriteEnrollment(JsonLines f, Enrollment e, LocalDate? to) =>
        f.Write(j =>
        {
            j.WriteString("type", "enrollment");
            j.WriteString("client_id", e.Client.Id);
            j.WriteString("unit_id", e.Unit.Id);
            j.WriteString("from", Timestamps.Date(e.From));
            DateOrNull(j, "to", to);
        });

    private static void DateOrNull(Utf8JsonWriter j, string name, LocalDate? d)
    {
        if (d is { } v) j.WriteString(name, Timestamps.Date(v));
        else j.WriteNull(name);
    }

    /// <summary>A visit fact, written to the week of its day as it is generated.</summary>
    private void WriteVisit(Staff s, Client c, Unit unit, int day, LocalDateTime start, LocalDateTime end)
    {
        var week = day / 7;
        if (week != _visitWeek)
        {
            if (_visits is not null) { _referenceFacts += _visits.Lines; _visits.Dispose(); }
            _visits = Facts($"20-visits-{Timestamps.Date(_p.Start.PlusWeeks(week))}.ndjson");
            _visitWeek = week;
        }
        var id = $"V-{++_visitSeq:D7}";
        _visits!.Write(j =>
        {
            j.WriteString("type", "visit");
            j.WriteString("visit_id", id);
            j.WriteString("client_id", c.Id);
            j.WriteString("user_id", s.UserId);
            j.WriteString("unit_id", unit.Id);
            j.WriteString("start", Timestamps.Local(start));
            j.WriteString("end", Timestamps.Local(end));
        });
    }

    // ---- labels and manifest -------------------------------------------------------------------------

    private sealed record LabelStats(int Incidents, int Labels, long LabelledAccesses, List<(string Rule, int Primary, int Secondary)> ByRule);

    private LabelStats WriteLabels()
    {
        var primary = new int[RuleFlags.Flags.Count];
        var secondary = new int[RuleFlags.Flags.Count];
        var labelled = new HashSet<GenAccess>(ReferenceEqualityComparer.Instance);
        var count = 0;
        using var f = new JsonLines(OutputFiles.Create(Path.Combine(_out, "labels.ndjson")));
        // An incident that found nothing to do (a spike whose pool ran dry) is left out rather than labelled empty.
        foreach (var inc in _incidents.Where(i => i.Accesses.Count > 0))
        {
            var rules = new List<Rule> { inc.Primary };
            rules.AddRange(RuleFlags.Each(inc.Secondary).Where(r => r != inc.Primary));
            var date = Time.DateOf(inc.Accesses[0].At);
            foreach (var rule in rules)
            {
                var evidence = inc.Accesses.Where(a => (a.Rules & rule) != 0).ToList();
                foreach (var a in evidence) labelled.Add(a);
                var index = RuleFlags.Flags.ToList().IndexOf(rule);
                if (rule == inc.Primary) primary[index]++; else secondary[index]++;
                count++;
                f.Write(j =>
                {
                    j.WriteString("incident_id", inc.Id);
                    j.WriteString("rule", RuleFlags.Code(rule));
                    j.WriteBoolean("primary", rule == inc.Primary);
                    j.WriteString("user_id", inc.User.UserId);
                    if (rule == Rule.VolumeSpike || inc.Client is null) j.WriteNull("client_id");
                    else j.WriteString("client_id", inc.Client.Id);
                    j.WriteString("date", Timestamps.Date(date));
                    j.WriteStartArray("source_event_ids");
                    foreach (var a in evidence) j.WriteStringValue(a.SourceEventId);
                    j.WriteEndArray();
                    j.WriteString("description", inc.Description);
                });
            }
        }
        var byRule = RuleCodes.All.Select((code, i) => (code, primary[i], secondary[i])).ToList();
        return new LabelStats(_incidents.Count(i => i.Accesses.Count > 0), count, labelled.Count, byRule);
    }

    private GenerationResult WriteManifest(LabelStats labels)
    {
        var files = Directory.EnumerateFiles(_out, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(_out, p).Replace('\\', '/'))
            .Where(p => p != "manifest.json" && (p == "labels.ndjson" || GenerationResult.IngestFolders.Any(f => p.StartsWith(f + "/", StringComparison.Ordinal))))
            .Order(StringComparer.Ordinal)
            .Select(Describe)
            .ToList();

        var result = new GenerationResult(_o.Seed, _o.Scale, _p.Start, _p.End, _w.Units.Count, _w.Staff.Count, _w.Clients.Count,
            _referenceFacts, _lifecare.Rows + _treserva.Rows + _combine.Rows, _patientRows, _activityRows, _failedRows,
            labels.Incidents, labels.Labels, labels.LabelledAccesses, labels.ByRule, files, _out);

        using var stream = OutputFiles.Create(Path.Combine(_out, "manifest.json"));
        using var j = new Utf8JsonWriter(stream, JsonLines.Options with { Indented = true });
        j.WriteStartObject();
        j.WriteString("generator", "LogControl.Generator");
        j.WriteNumber("format_version", 1);
        j.WriteNumber("seed", _o.Seed);
        j.WriteString("scale", _o.Scale.ToString().ToLowerInvariant());
        j.WriteStartObject("period");
        j.WriteString("from", Timestamps.Date(_p.Start));
        j.WriteString("to", Timestamps.Date(_p.End));
        j.WriteNumber("days", _p.Days);
        j.WriteEndObject();
        j.WriteStartArray("ingest_paths");
        foreach (var f in GenerationResult.IngestFolders) j.WriteStringValue(f);
        j.WriteEndArray();
        j.WriteStartObject("counts");
        j.WriteNumber("units", _w.Units.Count);
        j.WriteNumber("staff", _w.Staff.Count);
        j.WriteNumber("staff_facts", _w.Staff.Sum(s => s.Placements.Count));
        j.WriteNumber("movers", _w.Staff.Count(s => s.Mover));
        j.WriteNumber("leavers", _w.Staff.Count(s => s.Leaver));
        j.WriteNumber("staff_who_are_clients", _w.StaffClients.Count);
        j.WriteNumber("clients", _w.Clients.Count);
        j.WriteNumber("protected_clients", _w.Clients.Count(c => c.Protected));
        j.WriteNumber("deceased_clients", _w.Clients.Count(c => c.DeceasedOn is not null));
        j.WriteNumber("enrollments", _w.Enrollments.Count);
        j.WriteNumber("assignments", _w.Assignments.Count);
        j.WriteNumber("relations", _w.Relations.Count);
        j.WriteNumber("households", _w.Households.Count);
        j.WriteNumber("shifts", _w.Staff.Sum(s => s.Shifts.Count));
        j.WriteNumber("covering_shifts", _w.Staff.Sum(s => s.Shifts.Count(sh => sh.Unit != s.UnitOn(_w.Date(sh.Day)))));
        j.WriteNumber("visits", _visitSeq);
        j.WriteNumber("reference_facts", _referenceFacts);
        j.WriteEndObject();
        j.WriteStartObject("systems");
        WriteSystem(j, "Lifecare", "csv", _lifecare.Rows);
        WriteSystem(j, "Treserva", "csv", _treserva.Rows);
        WriteSystem(j, "Combine", "fhir-r4-auditevent-ndjson", _combine.Rows);
        j.WriteEndObject();
        j.WriteNumber("accesses", result.AccessRows);
        j.WriteNumber("patient_accesses", _patientRows);
        j.WriteNumber("activity_rows", _activityRows);
        j.WriteNumber("failed_attempts", _failedRows);
        j.WriteNumber("incidents", labels.Incidents);
        j.WriteNumber("labels", labels.Labels);
        j.WriteNumber("labelled_accesses", labels.LabelledAccesses);
        j.WriteStartObject("labels_by_rule");
        foreach (var (rule, p, s) in labels.ByRule)
        {
            j.WriteStartObject(rule);
            j.WriteNumber("primary", p);
            j.WriteNumber("secondary", s);
            j.WriteEndObject();
        }
        j.WriteEndObject();
        j.WriteStartObject("lookalikes");
        foreach (var (name, n) in _look.All) j.WriteNumber(name, n);
        j.WriteEndObject();
        j.WriteStartArray("files");
        foreach (var file in files)
        {
            j.WriteStartObject();
            j.WriteString("path", file.Path);
            j.WriteNumber("bytes", file.Bytes);
            j.WriteNumber("lines", file.Lines);
            j.WriteString("sha256", file.Sha256);
            j.WriteEndObject();
        }
        j.WriteEndArray();
        j.WriteEndObject();
        return result;
    }

    private static void WriteSystem(Utf8JsonWriter j, string name, string format, long rows)
    {
        j.WriteStartObject(name);
        j.WriteString("format", format);
        j.WriteNumber("rows", rows);
        j.WriteEndObject();
    }

    private GeneratedFile Describe(string relative)
    {
        var path = Path.Combine(_out, relative);
        var bytes = new FileInfo(path).Length;
        string sha;
        using (var fs = File.OpenRead(path)) sha = Convert.ToHexStringLower(SHA256.HashData(fs));
        long lines = 0;
        using (var fs = File.OpenRead(path))
        using (var s = relative.EndsWith(".gz", StringComparison.Ordinal) ? new System.IO.Compression.GZipStream(fs, System.IO.Compression.CompressionMode.Decompress) : (Stream)fs)
        {
            var buffer = new byte[1 << 16];
            int n;
            while ((n = s.Read(buffer, 0, buffer.Length)) > 0) lines += buffer.AsSpan(0, n).Count((byte)'\n');
        }
        return new GeneratedFile(relative, bytes, lines, sha);
    }
}
