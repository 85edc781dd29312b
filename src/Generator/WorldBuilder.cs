using NodaTime;

namespace LogControl.Generator;

/// <summary>
/// Builds the municipality: units, staff with placements (some move, a few leave), clients with
/// enrollments (some end, some start, a few die or have protected identity, some staff are clients
/// too), relatives and the assignments of nurses, case workers and contact persons.
/// </summary>
internal sealed class WorldBuilder
{
    private readonly ScaleProfile _p;
    private readonly Random _rng;
    private readonly IdentityFactory _ids;
    private readonly World _w;
    private int _staffSeq = 1001;

    public WorldBuilder(ScaleProfile profile, int seed)
    {
        _p = profile;
        _rng = new Random(Time.SubSeed(seed, 1));
        _ids = new IdentityFactory(_rng);
        _w = new World(profile);
    }

    private LocalDate Start => _p.Start;
    private int N => _p.IncidentsPerRule;

    public World Build()
    {
        CreateUnits();
        CreateStaff();
        CreateClients();
        ChooseMoversAndLeavers();
        CreateStaffClients();
        CreateRelatives();
        CreateAssignments();
        foreach (var u in _w.Units)
            u.PlainClients.AddRange(u.Clients.Where(c => IsPlain(c) && c.Enrollments[0].Unit == u));
        return _w;
    }

    // ---- units ----------------------------------------------------------------------------------

    private void CreateUnits()
    {
        var areas = SyntheticNames.Areas;
        for (var i = 0; i < _p.HomeCareUnits; i++)
        {
            var suffix = i < areas.Length ? "" : $" {i / areas.Length + 1}";
            AddUnit($"HT-{i + 1:D2}", $"Hemtjänst {areas[i % areas.Length]}{suffix}", UnitKind.HomeCare);
        }
        var homeCare = _w.UnitsOf(UnitKind.HomeCare).ToList();
        for (var j = 0; j < _p.NightUnits; j++)
        {
            var night = AddUnit($"HT-NATT-{j + 1}", $"Nattpatrullen {SyntheticNames.NightAreas[j % SyntheticNames.NightAreas.Length]}", UnitKind.Night);
            // Each night patrol serves a contiguous slice of the day home-care areas.
            var from = j * homeCare.Count / _p.NightUnits;
            var to = (j + 1) * homeCare.Count / _p.NightUnits;
            night.Covers.AddRange(homeCare.Skip(from).Take(to - from));
        }
        for (var i = 0; i < _p.NursingHomes; i++)
            AddUnit($"SABO-{i + 1:D2}", $"{SyntheticNames.NursingHomes[i % SyntheticNames.NursingHomes.Length]} särskilt boende", UnitKind.NursingHome);
        for (var i = 0; i < _p.HealthUnits; i++)
            AddUnit($"HSL-{i + 1}", _p.HealthUnits == 1 ? "Hälso- och sjukvårdsenheten" : $"Hälso- och sjukvårdsenheten {SyntheticNames.NightAreas[i]}", UnitKind.Health);
        for (var i = 0; i < _p.AssessmentUnits; i++)
            AddUnit($"MYN-{i + 1}", _p.AssessmentUnits == 1 ? "Biståndsenheten" : $"Biståndsenheten {SyntheticNames.NightAreas[i]}", UnitKind.Assessment);
    }

    private Unit AddUnit(string id, string name, UnitKind kind)
    {
        var u = new Unit(_w.Units.Count, id, name, kind);
        _w.Units.Add(u);
        return u;
    }

    // ---- staff ----------------------------------------------------------------------------------

    private void CreateStaff()
    {
        foreach (var u in _w.Units)
        {
            var count = u.Kind switch
            {
                UnitKind.HomeCare => _p.HomeCareStaff,
                UnitKind.Night => _p.NightStaff,
                UnitKind.NursingHome => _p.NursingStaff,
                UnitKind.Health => _p.Nurses,
                _ => _p.CaseWorkers,
            };
            var nightWorkers = u.Kind == UnitKind.NursingHome ? Math.Max(1, (int)Math.Round((count - 1) * 0.2)) : 0;
            for (var i = 0; i < count; i++)
            {
                var (kind, role) = u.Kind switch
                {
                    UnitKind.Health => (StaffKind.Nurse, "sjukskoterska"),
                    UnitKind.Assessment => (StaffKind.CaseWorker, "bistandshandlaggare"),
                    _ when i == 0 => (StaffKind.Manager, "enhetschef"),
                    UnitKind.Night => (StaffKind.Night, "underskoterska"),
                    UnitKind.NursingHome when i <= nightWorkers => (StaffKind.Night, CareRole()),
                    _ => (StaffKind.Care, CareRole()),
                };
                var s = NewStaff(kind, role, u);
                // Health and assessment units are run by one of their own nurses / case workers.
                if (i == 0) u.Manager = s;
            }
        }
    }

    private string CareRole() => _rng.Chance(0.7) ? "underskoterska" : "vardbitrade";

    private Staff NewStaff(StaffKind kind, string role, Unit unit)
    {
        var s = new Staff(_w.Staff.Count, $"SE2321000032-U{_staffSeq++:D4}",
            _rng.Pick(SyntheticNames.GivenNames), _rng.Pick(SyntheticNames.Surnames), kind);
        if (kind is StaffKind.Manager || _rng.Chance(0.92)) s.Personnummer = _ids.Personnummer(1960, 2004);
        if (_rng.Chance(0.9)) s.AddressKey = _ids.AddressKey();
        s.Placements.Add(new Placement(unit, role, Start.PlusDays(-_rng.Next(120, 4000)), null));
        s.MeanClients = kind switch
        {
            StaffKind.Care => _rng.Between(6, 11),
            StaffKind.Night => _rng.Between(4, 6.5),
            StaffKind.Manager => _rng.Between(1.2, 2.5),
            StaffKind.Nurse => _rng.Between(6, 11),
            _ => _rng.Between(3, 6),
        };
        s.Terminal = unit.System switch
        {
            SourceSystem.Lifecare => $"ws-{unit.Id.ToLowerInvariant()}-{_rng.Next(1, 13):D2}",
            SourceSystem.Treserva => $"10.{20 + unit.Index % 200}.{_rng.Next(1, 255)}.{_rng.Next(2, 254)}",
            _ => $"10.8.{_rng.Next(1, 255)}.{_rng.Next(2, 254)}",
        };
        _w.Staff.Add(s);
        return s;
    }

    // ---- clients --------------------------------------------------------------------------------

    private Client NewClient(Unit unit, LocalDate from, LocalDate? to, string? surname = null, string? address = null, string? id = null)
    {
        var c = new Client(_w.Clients.Count, id ?? _ids.Personnummer(1925, 1950, coordination: _rng.Chance(0.01)),
            surname ?? _rng.Pick(SyntheticNames.Surnames), address ?? _ids.AddressKey());
        _w.Clients.Add(c);
        Enroll(c, unit, from, to);
        return c;
    }

    private void Enroll(Client c, Unit unit, LocalDate from, LocalDate? to)
    {
        var e = new Enrollment(c, unit, from, to);
        c.Enrollments.Add(e);
        _w.Enrollments.Add(e);
        if (!unit.Clients.Contains(c)) unit.Clients.Add(c);
    }

    private void CreateClients()
    {
        var served = _w.Units.Where(u => u.Kind is UnitKind.HomeCare or UnitKind.NursingHome).ToList();
        foreach (var u in served)
        {
            var n = u.Kind == UnitKind.HomeCare ? _p.HomeCareClients : _p.NursingClients;
            for (var i = 0; i < n; i++) NewClient(u, Start.PlusDays(-_rng.Next(30, 2500)), null);

            // Former clients: care ended or the client died well before the period (targets for AFTER_CARE_ENDED).
            var former = Math.Max(1, (int)Math.Round(n * 0.02));
            for (var i = 0; i < former; i++)
                u.FormerEnded.Add(NewClient(u, Start.PlusDays(-_rng.Next(400, 2000)), Start.PlusDays(-_rng.Next(35, 150))));
            for (var i = 0; i < former; i++)
            {
                var died = Start.PlusDays(-_rng.Next(35, 200));
                var c = NewClient(u, died.PlusDays(-_rng.Next(200, 1500)), died);
                c.DeceasedOn = died;
                u.FormerDeceased.Add(c);
            }
        }

        var current = _w.Clients.Where(c => c.Enrollments[0].To is null).ToList();
        var taken = new HashSet<Client>();

        // Protected identity: spread over units so each kind of unit has some.
        var protectedCount = Math.Max(4, (int)Math.Round(current.Count * 0.02));
        for (var k = 0; k < protectedCount; k++)
        {
            var unit = served[k * 7 % served.Count];
            var candidates = unit.Clients.Where(c => c.Enrollments[0].To is null && !taken.Contains(c)).ToList();
            var c = _rng.Pick(candidates);
            c.Protected = true;
            taken.Add(c);
        }

        var rest = _rng.Sample(current.Where(c => !taken.Contains(c)).ToList(), current.Count);
        var next = 0;

        // Enrollments that end inside the period (early enough for a look-alike five days later);
        // half of the home-care ones move on to a nursing home the next day.
        var nursingHomes = _w.UnitsOf(UnitKind.NursingHome).ToList();
        var ended = Math.Max(6, (int)Math.Round(current.Count * 0.03));
        for (var k = 0; k < ended; k++)
        {
            var c = rest[next++];
            var e = c.Enrollments[0];
            var end = Start.PlusDays(_rng.Next(0, _p.Days - 8));
            Replace(c, e, e with { To = end });
            if (e.Unit.Kind == UnitKind.HomeCare && k % 2 == 0)
                Enroll(c, _rng.Pick(nursingHomes), end.PlusDays(1), null);
        }

        // New clients starting inside the period.
        var started = Math.Max(3, (int)Math.Round(current.Count * 0.02));
        for (var k = 0; k < started; k++)
        {
            var c = rest[next++];
            Replace(c, c.Enrollments[0], c.Enrollments[0] with { From = Start.PlusDays(_rng.Next(1, _p.Days - 3)) });
        }

        // Deaths inside the period, early enough for a look-alike ten days later.
        var deaths = Math.Max(5, (int)Math.Round(current.Count * 0.015));
        for (var k = 0; k < deaths; k++)
        {
            var c = rest[next++];
            var died = Start.PlusDays(_rng.Next(0, _p.Days - 12));
            c.DeceasedOn = died;
            Replace(c, c.Enrollments[0], c.Enrollments[0] with { To = died });
        }
    }

    private void Replace(Client c, Enrollment old, Enrollment updated)
    {
        c.Enrollments[c.Enrollments.IndexOf(old)] = updated;
        _w.Enrollments[_w.Enrollments.IndexOf(old)] = updated;
    }

    /// <summary>One stable enrollment from before the period, nothing special about the person.</summary>
    private bool IsPlain(Client c) =>
        c.Enrollments.Count == 1 && c.Enrollments[0].From < Start && c.Enrollments[0].To is null
        && !c.Protected && c.DeceasedOn is null && c.StaffSelf is null && !c.Related;

    // ---- designed people --------------------------------------------------------------------------

    private List<Staff> CareStaff(Func<Staff, bool>? filter = null) =>
        _w.Staff.Where(s => s.Kind == StaffKind.Care && !s.Special && (filter is null || filter(s))).ToList();

    private void ChooseMoversAndLeavers()
    {
        var homeCare = _w.UnitsOf(UnitKind.HomeCare).ToList();
        var movers = Math.Max(2, (int)Math.Round(_w.Staff.Count * 0.03));
        for (var k = 0; k < movers && homeCare.Count > 1; k++)
        {
            var s = _rng.Pick(CareStaff(x => x.HomeUnit.Kind == UnitKind.HomeCare));
            var move = Start.PlusDays(_rng.Next(_p.Days / 3, 2 * _p.Days / 3));
            var first = s.Placements[0];
            var target = homeCare[(first.Unit.Index + 1 + _rng.Next(homeCare.Count - 1)) % homeCare.Count];
            s.Placements[0] = first with { To = move.PlusDays(-1) };
            s.Placements.Add(new Placement(target, first.Role, move, null));
            s.Mover = true;
            s.Special = true;
        }

        var leavers = Math.Max(3, (N + 2) / 3);
        for (var k = 0; k < leavers; k++)
        {
            var s = _rng.Pick(CareStaff());
            s.LeftOn = Start.PlusDays(_rng.Next(3, Math.Max(4, _p.Days / 2)));
            s.Placements[0] = s.Placements[0] with { To = s.LeftOn };
            s.Special = true;
        }
    }

    private void CreateStaffClients()
    {
        var homeCare = _w.UnitsOf(UnitKind.HomeCare).ToList();
        var count = Math.Max(3, (N + 1) / 2 + 1);
        for (var k = 0; k < count; k++)
        {
            var s = _rng.Pick(CareStaff(x => x.Personnummer is not null && x.AddressKey is not null));
            var elsewhere = homeCare.Where(u => u != s.HomeUnit).ToList();
            var c = NewClient(_rng.Pick(elsewhere), Start.PlusDays(-_rng.Next(30, 700)), null, s.Surname, s.AddressKey, s.Personnummer);
            c.StaffSelf = s;
            s.Avoid.Add(c.Id);
            s.Special = true;
            _w.StaffClients.Add(s);
        }
    }

    private void CreateRelatives()
    {
        var kinds = new[] { "family", "family", "neighbour", "friend" };
        var declared = (N + 1) / 2;
        for (var k = 0; k < declared; k++)
        {
            var s = _rng.Pick(CareStaff());
            var c = _rng.Pick(s.HomeUnit.Clients.Where(IsPlain).ToList());
            Relate(s, c, kinds[k % kinds.Length]);
            s.Special = true;
        }
        // Declared relations that never lead to an access: a manager's neighbour in another unit.
        var managers = _w.Staff.Where(s => s.Kind == StaffKind.Manager && s.HomeUnit.Kind != UnitKind.Night).ToList();
        for (var k = 0; k < 2; k++)
        {
            var m = _rng.Pick(managers);
            var other = _rng.Pick(_w.Units.Where(u => u != m.HomeUnit && u.Clients.Any(IsPlain)).ToList());
            Relate(m, _rng.Pick(other.Clients.Where(IsPlain).ToList()), "neighbour");
        }

        // Households: a client with the staff member's surname and address key (a parent living with them).
        var served = _w.Units.Where(u => u.Kind is UnitKind.HomeCare or UnitKind.NursingHome).ToList();
        var households = (N + 1) / 2;
        for (var k = 0; k < households; k++)
        {
            var s = _rng.Pick(CareStaff(x => x.AddressKey is not null));
            var unit = k % 2 == 0 ? s.HomeUnit : _rng.Pick(served.Where(u => u != s.HomeUnit).ToList());
            var c = NewClient(unit, Start.PlusDays(-_rng.Next(60, 1500)), null, s.Surname, s.AddressKey);
            c.Related = true;
            s.Avoid.Add(c.Id);
            s.Special = true;
            _w.Households.Add((s, c));
        }
    }

    private void Relate(Staff s, Client c, string kind)
    {
        _w.Relations.Add(new Relation(s, c, kind, Start.PlusDays(-_rng.Next(30, 900))));
        s.Avoid.Add(c.Id);
        c.Related = true;
    }

    // ---- assignments ----------------------------------------------------------------------------

    private void CreateAssignments()
    {
        var health = _w.UnitsOf(UnitKind.Health).ToList();
        var assessment = _w.UnitsOf(UnitKind.Assessment).ToList();
        var staffAt = _w.Units.Select(u => _w.Staff.Where(s => s.HomeUnit == u).ToList()).ToList();
        foreach (var c in _w.Clients)
        {
            var from = c.Enrollments.Min(e => e.From);
            LocalDate? to = c.Enrollments.Any(e => e.To is null) ? null : c.Enrollments.Max(e => e.To!.Value);
            if (c.DeceasedOn is { } died && (to is null || to > died)) to = died;
            var home = c.Enrollments[0].Unit;

            var nurse = _rng.Pick(staffAt[health[home.Index % health.Count].Index]);
            c.Nurse = nurse;
            Assign(nurse, c, from, to, "sjukskoterska");
            var caseWorker = _rng.Pick(staffAt[assessment[home.Index % assessment.Count].Index]);
            c.CaseWorker = caseWorker;
            Assign(caseWorker, c, from, to, "handlaggare");

            foreach (var e in c.Enrollments)
            {
                var contacts = staffAt[e.Unit.Index].Where(s => s.Kind == StaffKind.Care && !s.Mover && !s.Leaver && !s.Avoid.Contains(c.Id)).ToList();
                if (contacts.Count == 0) continue;
                var k = _rng.Pick(contacts);
                var start = e.From > k.Placements[0].From ? e.From : k.Placements[0].From;
                if (e.To is { } end && end < start) continue; // the care ended before this person was hired
                Assign(k, c, start, e.To, "kontaktman");
            }
        }
    }

    private void Assign(Staff s, Client c, LocalDate from, LocalDate? to, string reason)
    {
        var a = new Assignment(s, c, from, to, reason);
        _w.Assignments.Add(a);
        s.Assignments.Add(a);
        c.Assignments.Add(a);
    }
}
