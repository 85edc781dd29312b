using System.Globalization;
using NodaTime;

namespace LogControl.Generator;

// Injected misuse, planned before the day loop. Each incident is designed so that its primary rule fires
// under docs/DETECTION.md; the other rules it cannot help firing are its secondary labels. Incidents
// happen inside the actor's shift (so no OFF_SHIFT unless that is the point), target "plain" clients
// (one stable enrollment, no protection, no relation to anyone), and own their (user, client, day):
// legitimate work leaves those alone.
internal sealed partial class GenerationRun
{
    private static readonly Duration HalfHour = Duration.FromMinutes(30);
    private HashSet<Client>? _plain;

    private bool IsPlain(Client c) => (_plain ??= _w.Units.SelectMany(u => u.PlainClients).ToHashSet()).Contains(c);

    private void PlanIncidents()
    {
        var n = _p.IncidentsPerRule;
        PlanSpikes(n);
        var planners = new Func<int, bool>[]
        {
            NoRelationship, ProtectedIdentity, OwnRecord, RelativeOrNeighbour, CoworkerRecord, OffShift,
            AfterEmployment, AfterCareEnded, EmergencyAccess, PrintExport, FailedAccess,
        };
        for (var i = 0; i < n; i++)
            foreach (var plan in planners) plan(i);
        PlanLookalikes();

        // Incident ids in time order.
        var ordered = _incidents.OrderBy(x => x.Day).ThenBy(x => x.PlanOrder).ToList();
        _incidents.Clear();
        _incidents.AddRange(ordered);
        for (var i = 0; i < _incidents.Count; i++) _incidents[i].Id = $"I-{i + 1:D4}";
    }

    /// <summary>Tries the variant for this round first, then the others.</summary>
    private static bool Variants(int i, int count, Func<int, bool> variant)
    {
        for (var k = 0; k < count; k++)
            if (variant((i + k) % count)) return true;
        return false;
    }

    private void Commit(Incident inc, IEnumerable<(GenAccess Access, Rule Rules)> accesses)
    {
        inc.PlanOrder = _incidents.Count;
        _incidents.Add(inc);
        foreach (var (a, rules) in accesses)
        {
            a.Incident = inc;
            a.Rules = rules;
            inc.Accesses.Add(a);
            var day = _w.DayOf(Time.DateOf(a.At));
            _plannedByDay[day].Add(a);
            if (a.Client is not null) _excluded.Add((a.User.Index, a.Client.Index, day));
        }
        _usedUserDays.Add((inc.User.Index, inc.Day));
    }

    // ---- actors, times and targets ----------------------------------------------------------------

    /// <summary>A care worker (not moving, not leaving, no spike) and one of their own-unit day or evening shifts.</summary>
    private bool TryCareShift(Func<Staff, bool> who, Func<Staff, Shift, bool>? when, out Staff staff, out Shift shift)
    {
        var candidates = _w.Staff.Where(s => s.Kind == StaffKind.Care && !s.Mover && !s.Leaver && !_reserved.Contains(s.Index) && who(s)).ToList();
        for (var tries = 0; tries < 200 && candidates.Count > 0; tries++)
        {
            var s = _plan.Pick(candidates);
            var shifts = s.Shifts.Where(h => h.Kind is ShiftKind.Day or ShiftKind.Evening && h.Unit == s.UnitOn(_w.Date(h.Day))
                && !_usedUserDays.Contains((s.Index, h.Day)) && (when is null || when(s, h))).ToList();
            if (shifts.Count == 0) continue;
            staff = s;
            shift = _plan.Pick(shifts);
            return true;
        }
        staff = null!;
        shift = null!;
        return false;
    }

    /// <summary>A nurse or case worker and a weekday of theirs.</summary>
    private bool TryOfficeDay(StaffKind kind, Func<Staff, int, bool>? when, out Staff staff, out int day)
    {
        var candidates = _w.Staff.Where(s => s.Kind == kind && !_reserved.Contains(s.Index)).ToList();
        for (var tries = 0; tries < 200 && candidates.Count > 0; tries++)
        {
            var s = _plan.Pick(candidates);
            var d = _plan.Next(_p.Days);
            var date = _w.Date(d);
            if (!IsWeekday(date) || s.UnitOn(date) is null || _usedUserDays.Contains((s.Index, d)) || (when is not null && !when(s, d))) continue;
            staff = s;
            day = d;
            return true;
        }
        staff = null!;
        day = 0;
        return false;
    }

    private Instant InShift(Shift sh) => _plan.Between(sh.StartAt + HalfHour, sh.EndAt - HalfHour - HalfHour);

    private Instant InOffice(int d) => _plan.Between(Time.At(_w.Date(d), 8, 30), Time.At(_w.Date(d), 15, 30));

    /// <summary>n instants a few seconds to minutes apart, starting at t.</summary>
    private List<Instant> Burst(Instant t, int n, int minSeconds = 20, int maxSeconds = 300)
    {
        var times = new List<Instant>();
        for (var i = 0; i < n; i++)
        {
            times.Add(t);
            t += Duration.FromSeconds(_plan.Next(minSeconds, maxSeconds));
        }
        return times;
    }

    /// <summary>A plain client of the unit that this user has no assignment to and no claim on that day.</summary>
    private Client? Plain(Unit? u, Staff s, int d)
    {
        if (u is null) return null;
        var date = _w.Date(d);
        var list = u.PlainClients.Where(c => !s.Avoid.Contains(c.Id) && !IsExcluded(s, c, d) && !c.AssignedTo(s, date)).ToList();
        return list.Count == 0 ? null : _plan.Pick(list);
    }

    /// <summary>Another home-care or nursing-home unit: not the user's, not one it covers.</summary>
    private Unit? OtherUnit(Unit own, Func<Unit, bool> filter)
    {
        var units = _w.Units.Where(u => u != own && !own.Covers.Contains(u) && u.PlainClients.Count > 0 && filter(u)).ToList();
        return units.Count == 0 ? null : _plan.Pick(units);
    }

    private static bool Served(Unit u) => u.Kind is UnitKind.HomeCare or UnitKind.NursingHome;

    private GenAccess Read(Staff s, Unit unit, Client c, Instant t, string action = "read", string purpose = "care", string outcome = "0") =>
        Make(_plan, s, unit, c, t, action, purpose, outcome);

    private Incident New(Rule primary, Rule secondary, Staff s, Client? c, int day, string description) =>
        new() { Primary = primary, Secondary = secondary, User = s, Client = c, Day = day, Description = description };

    /// <summary>OFF_SHIFT fires when the user has a shift within 31 days of t and no shift window contains t.</summary>
    private static bool OffShiftFires(Staff s, Instant t) =>
        s.Shifts.Any(h => Duration.Max(h.StartAt - t, t - h.StartAt) <= Duration.FromDays(31)) && !s.Shifts.Any(h => h.WindowContains(t));

    /// <summary>More than an hour outside every shift window (so more than 90 minutes from any shift).</summary>
    private static bool FarFromShifts(Staff s, Instant t) =>
        s.Shifts.All(h => t < h.StartAt - HalfHour - Duration.FromHours(1) || t > h.EndAt + HalfHour + Duration.FromHours(1));

    private static string D(LocalDate d) => d.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);

    // ---- the rules ----------------------------------------------------------------------------------

    private bool NoRelationship(int i) => Variants(i, 4, v => v switch
    {
        0 => CareNoRelationship(UnitKind.HomeCare),
        1 => CareNoRelationship(UnitKind.NursingHome),
        2 => OfficeNoRelationship(StaffKind.Nurse),
        _ => OfficeNoRelationship(StaffKind.CaseWorker),
    });

    private bool CareNoRelationship(UnitKind actorKind)
    {
        if (!TryCareShift(x => x.HomeUnit.Kind == actorKind, null, out var s, out var sh)) return false;
        var other = OtherUnit(sh.Unit, u => u.Kind == UnitKind.HomeCare);
        var c = Plain(other, s, sh.Day);
        if (c is null) return false;
        var inc = New(Rule.NoRelationship, Rule.None, s, c, sh.Day,
            $"{RoleText(s)} at {sh.Unit.Id} opened the record of a client of {other!.Id} with no care relationship");
        Commit(inc, Burst(InShift(sh), 1 + _plan.Next(3)).Select(t => (Read(s, sh.Unit, c, t), Rule.NoRelationship)));
        return true;
    }

    private bool OfficeNoRelationship(StaffKind kind)
    {
        if (!TryOfficeDay(kind, null, out var s, out var d)) return false;
        var unit = s.UnitOn(_w.Date(d))!;
        var other = OtherUnit(unit, Served);
        var c = Plain(other, s, d);
        if (c is null) return false;
        var inc = New(Rule.NoRelationship, Rule.None, s, c, d,
            $"{RoleText(s)} at {unit.Id} opened the record of a client of {other!.Id} they are not assigned to");
        Commit(inc, Burst(InOffice(d), 1 + _plan.Next(3)).Select(t => (Read(s, unit, c, t), Rule.NoRelationship)));
        return true;
    }

    private bool ProtectedIdentity(int i) => Variants(i, 2, v =>
    {
        var kind = v == 0 ? UnitKind.HomeCare : UnitKind.NursingHome;
        var clients = _w.Clients.Where(c => c.Protected && c.Enrollments.Count == 1 && c.Enrollments[0].Unit.Kind == kind
            && c.Enrollments[0].From < _p.Start && c.Enrollments[0].To is null && c.DeceasedOn is null).ToList();
        if (clients.Count == 0) return false;
        var c = _plan.Pick(clients);
        var unit = c.Enrollments[0].Unit;
        if (!TryCareShift(x => x.HomeUnit == unit && !x.Avoid.Contains(c.Id),
                (x, h) => !c.AssignedTo(x, _w.Date(h.Day)) && !IsExcluded(x, c, h.Day), out var s, out var sh)) return false;
        var inc = New(Rule.ProtectedIdentity, Rule.None, s, c, sh.Day,
            $"{RoleText(s)} at {unit.Id} opened the record of a client with protected identity without an assignment or a visit");
        Commit(inc, Burst(InShift(sh), 1 + _plan.Next(3)).Select(t => (Read(s, unit, c, t), Rule.ProtectedIdentity)));
        return true;
    });

    private bool OwnRecord(int i) => Variants(i, _w.StaffClients.Count, k =>
    {
        var self = _w.StaffClients[k];
        var record = _w.Clients.First(c => c.StaffSelf == self);
        if (!TryCareShift(x => x == self, (x, h) => !IsExcluded(x, record, h.Day), out var s, out var sh)) return false;
        var inc = New(Rule.OwnRecord, Rule.NoRelationship, s, record, sh.Day,
            $"{RoleText(s)} at {sh.Unit.Id} opened their own record (they are a client of {record.Enrollments[0].Unit.Id})");
        Commit(inc, Burst(InShift(sh), 1 + _plan.Next(2)).Select(t => (Read(s, sh.Unit, record, t), Rule.OwnRecord | Rule.NoRelationship)));
        return true;
    });

    private bool RelativeOrNeighbour(int i) => Variants(i, 2, v => v == 0 ? DeclaredRelative(i / 2) : Household(i / 2));

    private bool DeclaredRelative(int k)
    {
        var relations = _w.Relations.Where(r => r.Staff.Kind == StaffKind.Care).ToList();
        return Variants(k, relations.Count, j =>
        {
            var r = relations[j];
            if (!TryCareShift(x => x == r.Staff, (x, h) => r.Client.ActiveAt(h.Unit, _w.Date(h.Day)) && !IsExcluded(x, r.Client, h.Day), out var s, out var sh))
                return false;
            // The relative is a client of the user's own unit: the access is explained, only the relation is wrong.
            var inc = New(Rule.RelativeOrNeighbour, Rule.None, s, r.Client, sh.Day,
                $"{RoleText(s)} at {sh.Unit.Id} opened the record of a client with a declared {r.Kind} relation to them");
            Commit(inc, Burst(InShift(sh), 1 + _plan.Next(2)).Select(t => (Read(s, sh.Unit, r.Client, t), Rule.RelativeOrNeighbour)));
            return true;
        });
    }

    private bool Household(int k) => Variants(k, _w.Households.Count, j =>
    {
        var (staff, c) = _w.Households[j];
        if (!TryCareShift(x => x == staff, (x, h) => !IsExcluded(x, c, h.Day), out var s, out var sh)) return false;
        var elsewhere = !c.ActiveAt(sh.Unit, _w.Date(sh.Day));
        var secondary = elsewhere ? Rule.NoRelationship : Rule.None;
        var inc = New(Rule.RelativeOrNeighbour, secondary, s, c, sh.Day,
            $"{RoleText(s)} at {sh.Unit.Id} opened the record of a client who shares their surname and address"
            + (elsewhere ? $" (a client of {c.Enrollments[0].Unit.Id})" : ""));
        Commit(inc, Burst(InShift(sh), 1 + _plan.Next(2)).Select(t => (Read(s, sh.Unit, c, t), Rule.RelativeOrNeighbour | secondary)));
        return true;
    });

    private bool CoworkerRecord(int i) => Variants(i, _w.StaffClients.Count, k =>
    {
        var colleague = _w.StaffClients[k];
        var record = _w.Clients.First(c => c.StaffSelf == colleague);
        if (!TryCareShift(x => x != colleague && x.HomeUnit == colleague.HomeUnit && !x.Avoid.Contains(record.Id),
                (x, h) => colleague.UnitOn(_w.Date(h.Day)) == h.Unit && !IsExcluded(x, record, h.Day), out var s, out var sh)) return false;
        var inc = New(Rule.CoworkerRecord, Rule.NoRelationship, s, record, sh.Day,
            $"{RoleText(s)} at {sh.Unit.Id} opened the record of a colleague at the same unit (a client of {record.Enrollments[0].Unit.Id})");
        Commit(inc, Burst(InShift(sh), 1 + _plan.Next(2)).Select(t => (Read(s, sh.Unit, record, t), Rule.CoworkerRecord | Rule.NoRelationship)));
        return true;
    });

    private bool OffShift(int i) => Variants(i, 2, v => v == 0 ? OffShiftDayOff() : OffShiftEvening());

    private bool OffShiftDayOff()
    {
        var candidates = _w.Staff.Where(s => s.Kind == StaffKind.Care && !s.Mover && !s.Leaver && !_reserved.Contains(s.Index)).ToList();
        for (var tries = 0; tries < 200; tries++)
        {
            var s = _plan.Pick(candidates);
            var d = _plan.Next(_p.Days);
            var date = _w.Date(d);
            if (s.ShiftByDay[d] is not null || s.UnitOn(date) is not { } unit || _usedUserDays.Contains((s.Index, d))) continue;
            var times = Burst(_plan.Between(Time.At(date, 10, 0), Time.At(date, 19, 30)), 1 + _plan.Next(2));
            if (!times.All(t => FarFromShifts(s, t) && OffShiftFires(s, t))) continue;
            var c = Plain(unit, s, d);
            if (c is null) continue;
            var inc = New(Rule.OffShift, Rule.None, s, c, d, $"{RoleText(s)} at {unit.Id} opened a client's record on a day off, with no shift");
            Commit(inc, times.Select(t => (Read(s, unit, c, t), Rule.OffShift)));
            return true;
        }
        return false;
    }

    private bool OffShiftEvening()
    {
        if (!TryCareShift(_ => true, (_, h) => h.Kind == ShiftKind.Day, out var s, out var sh)) return false;
        var times = Burst(sh.EndAt + Duration.FromMinutes(_plan.Next(125, 180)), 1 + _plan.Next(2));
        if (!times.All(t => FarFromShifts(s, t) && OffShiftFires(s, t))) return false;
        var c = Plain(sh.Unit, s, sh.Day);
        if (c is null) return false;
        var inc = New(Rule.OffShift, Rule.None, s, c, sh.Day,
            $"{RoleText(s)} at {sh.Unit.Id} opened a client's record in the evening, more than two hours after their shift ended");
        Commit(inc, times.Select(t => (Read(s, sh.Unit, c, t), Rule.OffShift)));
        return true;
    }

    private bool AfterEmployment(int i)
    {
        var leavers = _w.Staff.Where(s => s.Leaver).ToList();
        return Variants(i, leavers.Count, k =>
        {
            var s = leavers[k];
            var left = _w.DayOf(s.LeftOn!.Value);
            for (var tries = 0; tries < 20; tries++)
            {
                var d = left + 2 + _plan.Next(9);
                if (d >= _p.Days || _usedUserDays.Contains((s.Index, d))) continue;
                var date = _w.Date(d);
                var c = Plain(s.HomeUnit, s, d);
                if (c is null) continue;
                var times = Burst(_plan.Between(Time.At(date, 17, 0), Time.At(date, 21, 0)), 1 + _plan.Next(3));
                var offShift = times.All(t => OffShiftFires(s, t));
                var secondary = Rule.NoRelationship | (offShift ? Rule.OffShift : Rule.None);
                var inc = New(Rule.AfterEmployment, secondary, s, c, d,
                    $"{RoleText(s)} who left {s.HomeUnit.Id} on {D(s.LeftOn.Value)} opened a former client's record {d - left} days later");
                Commit(inc, times.Select(t => (Read(s, s.HomeUnit, c, t), Rule.AfterEmployment | secondary)));
                return true;
            }
            return false;
        });
    }

    private bool AfterCareEnded(int i) => Variants(i, 2, v =>
    {
        var units = _w.Units.Where(u => (v == 0 ? u.FormerEnded : u.FormerDeceased).Count > 0).ToList();
        if (units.Count == 0) return false;
        var unit = _plan.Pick(units);
        var c = _plan.Pick(v == 0 ? unit.FormerEnded : unit.FormerDeceased);
        if (!TryCareShift(x => x.HomeUnit == unit && !x.Avoid.Contains(c.Id), (x, h) => !IsExcluded(x, c, h.Day), out var s, out var sh)) return false;
        var date = _w.Date(sh.Day);
        var since = v == 0
            ? $"whose care at the unit ended {Period.Between(c.Enrollments[0].To!.Value, date, PeriodUnits.Days).Days} days earlier"
            : $"who died {Period.Between(c.DeceasedOn!.Value, date, PeriodUnits.Days).Days} days earlier";
        var inc = New(Rule.AfterCareEnded, Rule.NoRelationship, s, c, sh.Day, $"{RoleText(s)} at {unit.Id} opened the record of a former client {since}");
        Commit(inc, Burst(InShift(sh), 1 + _plan.Next(2)).Select(t => (Read(s, unit, c, t), Rule.AfterCareEnded | Rule.NoRelationship)));
        return true;
    });

    private bool EmergencyAccess(int i) => Variants(i, 2, v =>
    {
        if (v == 0)
        {
            if (!TryCareShift(_ => true, null, out var s, out var sh)) return false;
            var c = Plain(sh.Unit, s, sh.Day);
            if (c is null) return false;
            var inc = New(Rule.EmergencyAccess, Rule.None, s, c, sh.Day, $"{RoleText(s)} at {sh.Unit.Id} used emergency access (nödåtkomst) to a client's record");
            var times = Burst(InShift(sh), 1 + _plan.Next(2));
            Commit(inc, times.Select((t, k) => (Read(s, sh.Unit, c, t, k == 0 ? "read" : "update", "emergency"), Rule.EmergencyAccess)));
            return true;
        }
        // A nurse's break-the-glass on one of their own clients (FHIR purposeOfEvent ETREAT).
        if (!TryOfficeDay(StaffKind.Nurse, (x, d) => AssignedPlain(x, d).Count > 0, out var nurse, out var day)) return false;
        var client = _plan.Pick(AssignedPlain(nurse, day));
        var unit = nurse.UnitOn(_w.Date(day))!;
        var e = New(Rule.EmergencyAccess, Rule.None, nurse, client, day, $"Nurse at {unit.Id} used emergency access (nödåtkomst) to an assigned client's journal");
        Commit(e, Burst(InOffice(day), 1).Select(t => (Read(nurse, unit, client, t, purpose: "emergency"), Rule.EmergencyAccess)));
        return true;
    });

    private List<Client> AssignedPlain(Staff s, int d)
    {
        var date = _w.Date(d);
        return s.Assignments.Where(a => a.ActiveOn(date) && IsPlain(a.Client) && !IsExcluded(s, a.Client, d)).Select(a => a.Client).ToList();
    }

    private bool PrintExport(int i) => Variants(i, 3, v =>
    {
        Staff s;
        Unit unit;
        int d;
        Instant t;
        if (v == 0)
        {
            if (!TryCareShift(_ => true, null, out s, out var sh)) return false;
            (unit, d, t) = (sh.Unit, sh.Day, InShift(sh));
        }
        else
        {
            if (!TryOfficeDay(v == 1 ? StaffKind.CaseWorker : StaffKind.Nurse, null, out s, out d)) return false;
            (unit, t) = (s.UnitOn(_w.Date(d))!, InOffice(d));
        }
        var other = OtherUnit(unit, Served);
        var c = Plain(other, s, d);
        if (c is null) return false;
        var action = v == 1 ? "export" : "print";
        var inc = New(Rule.PrintExport, Rule.NoRelationship, s, c, d,
            $"{RoleText(s)} at {unit.Id} {(v == 1 ? "exported" : "printed")} the record of a client of {other!.Id} with no care relationship");
        var times = Burst(t, 2, 40, 240);
        Commit(inc,
        [
            (Read(s, unit, c, times[0]), Rule.NoRelationship),
            (Read(s, unit, c, times[1], action), Rule.PrintExport | Rule.NoRelationship),
        ]);
        return true;
    });

    private bool FailedAccess(int i)
    {
        if (!TryOfficeDay(StaffKind.Nurse, null, out var s, out var d)) return false;
        var unit = s.UnitOn(_w.Date(d))!;
        var other = OtherUnit(unit, Served);
        var c = Plain(other, s, d);
        if (c is null) return false;
        var attempts = 3 + _plan.Next(3);
        var outcome = _plan.Chance(0.5) ? "4" : "8";
        var inc = New(Rule.FailedAccess, Rule.None, s, c, d,
            $"Nurse at {unit.Id} made {attempts} failed attempts to open the journal of a client of {other!.Id} they are not assigned to");
        Commit(inc, Burst(InOffice(d), attempts, 15, 120).Select(t => (Read(s, unit, c, t, outcome: outcome), Rule.FailedAccess)));
        return true;
    }

    /// <summary>
    /// VOLUME_SPIKE days are only chosen here; their size is set in the day loop from the real baseline.
    /// A day late enough for a baseline of at least ten working days; one spike per unit, role and day,
    /// so one spike never inflates the peers of another.
    /// </summary>
    private void PlanSpikes(int n)
    {
        var candidates = _w.Staff.Where(s => !s.Special
            && ((s.Kind == StaffKind.Care && s.MeanClients <= 8.5 && s.HomeUnit.PlainClients.Count >= 35)
                || (s.Kind == StaffKind.Nurse && s.Assignments.Count(a => a.To is null) >= 35))).ToList();
        var taken = new HashSet<(Unit, string, int)>();
        for (var k = 0; k < n; k++)
        {
            for (var tries = 0; tries < 300; tries++)
            {
                var free = candidates.Where(s => !_reserved.Contains(s.Index)).ToList();
                if (free.Count == 0) return;
                var s = _plan.Pick(free);
                var d = _plan.Next(Math.Min(14, _p.Days - 1), _p.Days);
                if (!Works(s, d) || Enumerable.Range(Math.Max(0, d - 28), Math.Min(d, 28)).Count(x => Works(s, x)) < 10) continue;
                if (!taken.Add((s.HomeUnit, s.Role, d))) continue;
                _reserved.Add(s.Index);
                var inc = new Incident { Primary = Rule.VolumeSpike, User = s, Day = d, SpikeFactor = _plan.Between(3, 5), PlanOrder = _incidents.Count };
                _incidents.Add(inc);
                _spikesByDay[d].Add(inc);
                _usedUserDays.Add((s.Index, d));
                break;
            }
        }
    }

    private bool Works(Staff s, int d)
    {
        var date = _w.Date(d);
        return s.Kind == StaffKind.Nurse
            ? IsWeekday(date) && s.UnitOn(date) is not null
            : s.ShiftByDay[d] is { Kind: ShiftKind.Day or ShiftKind.Evening } sh && sh.Unit == s.UnitOn(date);
    }

    // ---- look-alikes that must stay unlabelled -------------------------------------------------------

    private void PlanLookalikes()
    {
        foreach (var c in _w.Clients)
        {
            foreach (var e in c.Enrollments)
            {
                if (e.To is not { } end || end < _p.Start || end > _p.End || !Served(e.Unit)) continue;
                if (c.DeceasedOn is null)
                {
                    // A colleague closes the file about five days after the care ended (explained up to 30 days).
                    if (Lookalike(c, e.Unit, _w.DayOf(end), [5, 4, 6, 3, 7])) _look.EnrollmentEndedDaysAgo++;
                }
                else if (Lookalike(c, e.Unit, _w.DayOf(end), [10, 9, 11, 8, 12]))
                {
                    // Final notes about ten days after the client died (explained; AFTER_CARE_ENDED waits 30 days).
                    _look.DeceasedTenDaysAgo++;
                }
            }
        }
    }

    private bool Lookalike(Client c, Unit unit, int baseDay, int[] offsets)
    {
        foreach (var off in offsets)
        {
            var d = baseDay + off;
            if (d >= _p.Days) continue;
            var date = _w.Date(d);
            var staff = _w.Staff.Where(s => s.Kind == StaffKind.Care && !_reserved.Contains(s.Index) && !s.Avoid.Contains(c.Id)
                && s.ShiftByDay[d] is { Kind: ShiftKind.Day or ShiftKind.Evening } sh && sh.Unit == unit && s.UnitOn(date) == unit
                && !_usedUserDays.Contains((s.Index, d))).ToList();
            if (staff.Count == 0) continue;
            var s = _plan.Pick(staff);
            var shift = s.ShiftByDay[d]!;
            foreach (var t in Burst(InShift(shift), 1 + _plan.Next(2)))
                _plannedByDay[d].Add(Make(_plan, s, unit, c, t, "read", detail: unit.System == SourceSystem.Lifecare ? "Avslutsanteckning" : null));
            return true;
        }
        return false;
    }
}
