using NodaTime;

namespace LogControl.Generator;

// Legitimate work: every access here is explained under docs/DETECTION.md (own unit's enrolled client,
// a covered unit's client, a shift unit's client, an assignment or a visit that day), and fires no rule.
internal sealed partial class GenerationRun
{
    private static readonly string[] LifecareDetails =
        ["Genomförandeplan", "Social journal", "Dagsanteckning", "Insatser", "Läkemedelssignering", "Kontaktuppgifter", "Larm", "Tillsyn"];
    private static readonly string[] CombineDetails =
        ["Omvårdnadsanteckning", "Läkemedelslista", "Vitalparametrar", "Vårdplan", "Sårvård", "Riskbedömning"];
    private static readonly int[] VisitMinutes = [15, 20, 30, 45, 60];

    private int _today = -1;
    /// <summary>Clients enrolled per unit on the current day (look-up cache, filled in unit order).</summary>
    private readonly Dictionary<Unit, List<Client>> _activeToday = [];

    private void BeginDay(int d)
    {
        _today = d;
        _activeToday.Clear();
    }

    private List<Client> ActiveClients(Unit u, int d)
    {
        if (d != _today) return u.Clients.Where(c => c.ActiveAt(u, _w.Date(d))).ToList();
        if (!_activeToday.TryGetValue(u, out var list))
        {
            var date = _w.Date(d);
            list = u.Clients.Where(c => c.ActiveAt(u, date)).ToList();
            _activeToday[u] = list;
        }
        return list;
    }

    private bool IsExcluded(Staff s, Client c, int d) => _excluded.Contains((s.Index, c.Index, d));

    private static bool IsWeekday(LocalDate d) => d.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday);

    private void Legit(Staff s, int d)
    {
        var date = _w.Date(d);
        switch (s.Kind)
        {
            case StaffKind.Care or StaffKind.Night or StaffKind.Manager:
                if (s.ShiftByDay[d] is { } sh) WorkShift(s, sh);
                break;
            default:
                if (IsWeekday(date) && s.UnitOn(date) is { } unit) WorkOffice(s, unit, d);
                break;
        }
    }

    private int DailyCount(Staff s) => Math.Max(1, (int)Math.Round(s.MeanClients * _day.Between(0.8, 1.2)));

    private int RowCount()
    {
        var p = (_p.RowsPerClient - 1) / 6;
        var n = 1;
        for (var i = 0; i < 6; i++) if (_day.Chance(p)) n++;
        return n;
    }

    private string NextAction()
    {
        var r = _day.NextDouble();
        return r < 0.005 ? "print" : r < 0.11 ? "create" : r < 0.33 ? "update" : "read";
    }

    private static GenAccess Make(Random rng, Staff s, Unit unit, Client? c, Instant at, string action, string purpose = "care", string outcome = "0", string? detail = null) =>
        new()
        {
            At = at, User = s, Unit = unit, Client = c, Action = action, Purpose = purpose, Outcome = outcome,
            Detail = detail ?? (c is null ? null : unit.System switch
            {
                SourceSystem.Lifecare => rng.Pick(LifecareDetails),
                SourceSystem.Combine => rng.Pick(CombineDetails),
                _ => null,
            }),
        };

    /// <summary>A shift: login, the day's clients (visited or not), a search or two, logout.</summary>
    private void WorkShift(Staff s, Shift sh)
    {
        var d = sh.Day;
        var date = _w.Date(d);
        var unit = sh.Unit;
        var covering = unit != s.UnitOn(date);
        var overnight = sh.Kind == ShiftKind.Night;
        var canVisit = unit.Kind == UnitKind.HomeCare && sh.Kind is ShiftKind.Day or ShiftKind.Evening && !covering;

        var pool = new List<Client>();
        foreach (var served in unit.ServedUnits)
            foreach (var c in ActiveClients(served, d))
            {
                if (overnight && !c.ActiveAt(served, date.PlusDays(1))) continue;
                if (s.Avoid.Contains(c.Id) || IsExcluded(s, c, d) || (overnight && IsExcluded(s, c, d + 1))) continue;
                // Protected identity: only with a visit (home care) or an assignment (contact person).
                if (c.Protected && (covering || !(canVisit || c.AssignedTo(s, date)))) continue;
                pool.Add(c);
            }

        var chosen = _day.Sample(pool, DailyCount(s));
        var from = sh.StartAt + Duration.FromMinutes(5);
        var to = sh.EndAt - Duration.FromMinutes(5);
        Emit(Make(_day, s, unit, null, sh.StartAt + Duration.FromSeconds(_day.Next(60, 600)), "login"));
        foreach (var c in chosen)
        {
            var (a, b) = (from, to);
            if (canVisit && (c.Protected || _day.Chance(0.6)))
            {
                var minutes = (int)(sh.EndAt - sh.StartAt).TotalMinutes;
                var offset = _day.Next(15, minutes - 75) / 5 * 5;
                var start = sh.Start.PlusMinutes(offset);
                var end = start.PlusMinutes(_day.Pick(VisitMinutes));
                WriteVisit(s, c, unit, d, start, end);
                a = Max(from, Time.At(start) - Duration.FromMinutes(20));
                b = Min(to, Time.At(end) + Duration.FromMinutes(40));
            }
            var rows = RowCount();
            var times = Enumerable.Range(0, rows).Select(_ => _day.Between(a, b)).Order().ToList();
            for (var i = 0; i < rows; i++)
            {
                var action = i == 0 ? "read" : NextAction();
                if (action == "print") _look.LegitimatePrints++;
                Emit(Make(_day, s, unit, c, times[i], action));
            }
            Count(s, c, unit, covering, rows);
        }
        for (var k = _day.Chance(0.5) ? (_day.Chance(0.3) ? 2 : 1) : 0; k > 0; k--)
            Emit(Make(_day, s, unit, null, _day.Between(from, to), "search", detail: $"Sökning: {_day.Pick(SyntheticNames.Surnames)[..3]}"));
        Emit(Make(_day, s, unit, null, sh.EndAt - Duration.FromSeconds(_day.Next(0, 600)), "logout"));

        // Look-alike: one more read ten minutes after the shift ended (inside the 30-minute margin).
        if (sh.Kind is ShiftKind.Day or ShiftKind.Evening && chosen.Count > 0 && _day.Chance(0.04))
        {
            Emit(Make(_day, s, unit, chosen[0], sh.EndAt + Duration.FromMinutes(10) + Duration.FromSeconds(_day.Next(0, 50)), "read"));
            _look.TenMinutesAfterShift++;
        }
    }

    /// <summary>Nurses and case workers: office hours on weekdays, their assigned clients.</summary>
    private void WorkOffice(Staff s, Unit unit, int d)
    {
        var date = _w.Date(d);
        var nurse = s.Kind == StaffKind.Nurse;
        var from = nurse ? Time.At(date, 7, 30) : Time.At(date, 8, 0);
        var to = nurse ? Time.At(date, 16, 30) : Time.At(date, 17, 0);
        var pool = s.Assignments
            .Where(a => a.ActiveOn(date) && a.Client.ActiveAnywhere(date) && !s.Avoid.Contains(a.Client.Id) && !IsExcluded(s, a.Client, d))
            .Select(a => a.Client).Distinct().ToList();
        var chosen = _day.Sample(pool, DailyCount(s));

        Emit(Make(_day, s, unit, null, from + Duration.FromSeconds(_day.Next(0, 1200)), "login"));
        foreach (var c in chosen)
        {
            var rows = RowCount();
            var times = Enumerable.Range(0, rows).Select(_ => _day.Between(from + Duration.FromMinutes(20), to - Duration.FromMinutes(10))).Order().ToList();
            for (var i = 0; i < rows; i++)
            {
                var action = i == 0 ? "read" : NextAction();
                if (action == "print") _look.LegitimatePrints++;
                Emit(Make(_day, s, unit, c, times[i], action));
            }
            Count(s, c, unit, false, rows);
        }
        if (_day.Chance(0.4))
            Emit(Make(_day, s, unit, null, _day.Between(from, to), "search", detail: $"Sökning: {_day.Pick(SyntheticNames.Surnames)[..3]}"));
        Emit(Make(_day, s, unit, null, to - Duration.FromSeconds(_day.Next(0, 1200)), "logout"));

        // Look-alike: two failed attempts (a locked record), one short of FAILED_ACCESS.
        // About one nurse-day in twelve, on a fixed rota so that even the small scale has several.
        if (nurse && chosen.Count > 0 && (d + s.Index) % 12 == 0)
        {
            var t = _day.Between(from + Duration.FromMinutes(10), to - Duration.FromMinutes(30));
            Emit(Make(_day, s, unit, chosen[0], t, "read", outcome: "4"));
            Emit(Make(_day, s, unit, chosen[0], t + Duration.FromSeconds(_day.Next(20, 90)), "read", outcome: "4"));
            _look.TwoFailedAttempts++;
        }
    }

    private void Count(Staff s, Client c, Unit unit, bool covering, int rows)
    {
        if (covering) _look.CoveringShiftAccesses += rows;
        if (unit.Kind == UnitKind.Night) _look.NightPatrolCoveredUnit += rows;
        if (c.Protected) _look.ProtectedByVisitOrAssignment += rows;
        if (string.Equals(c.Surname, s.Surname, StringComparison.OrdinalIgnoreCase) && c.AddressKey != s.AddressKey)
            _look.SameSurnameOtherAddress += rows;
    }

    /// <summary>
    /// A VOLUME_SPIKE day, generated after everyone else's work that day so the size can be set from the
    /// actual trailing baseline and the peers (same unit and role) exactly as detection will count them.
    /// </summary>
    private void Spike(Incident inc)
    {
        var s = inc.User;
        var d = inc.Day;
        var date = _w.Date(d);
        var first = Math.Max(0, d - 28);
        var own = Enumerable.Range(first, d - first).Select(x => (double)_distinct.Count(s.Index, x)).Where(n => n > 0).ToList();
        var m = Stats.Median(own);
        var target = Math.Max((int)Math.Ceiling(inc.SpikeFactor * m), (int)Math.Floor(m + Math.Max(6, 5 * Stats.ScaledMad(own))) + 2);
        var placement = s.PlacementAsOf(date)!;
        var peers = _w.Staff
            .Where(p => p != s && p.PlacementAsOf(date) is { } pp && pp.ActiveOn(date) && pp.Unit == placement.Unit && pp.Role == placement.Role)
            .Select(p => (double)_distinct.Count(p.Index, d)).Where(n => n > 0).ToList();
        if (peers.Count >= 3)
            target = Math.Max(target, (int)Math.Floor(Stats.Median(peers) + Math.Max(6, 5 * Stats.ScaledMad(peers))) + 2);

        Unit unit;
        Instant from, to;
        List<Client> pool;
        if (s.Kind == StaffKind.Nurse)
        {
            unit = placement.Unit;
            from = Time.At(date, 7, 45);
            to = Time.At(date, 16, 15);
            pool = s.Assignments.Where(a => a.ActiveOn(date) && a.Client.ActiveAnywhere(date) && !s.Avoid.Contains(a.Client.Id) && !IsExcluded(s, a.Client, d))
                .Select(a => a.Client).Distinct().ToList();
        }
        else
        {
            var sh = s.ShiftByDay[d]!;
            unit = sh.Unit;
            from = sh.StartAt + Duration.FromMinutes(5);
            to = sh.EndAt - Duration.FromMinutes(5);
            pool = ActiveClients(unit, d).Where(c => !c.Protected && !s.Avoid.Contains(c.Id) && !IsExcluded(s, c, d)).ToList();
        }
        var chosen = _day.Sample(pool, target);
        Emit(Make(_day, s, unit, null, from, "login"));
        foreach (var c in chosen)
        {
            var rows = _day.Chance(0.3) ? 2 : 1;
            foreach (var (t, i) in Enumerable.Range(0, rows).Select(_ => _day.Between(from, to)).Order().Select((t, i) => (t, i)))
            {
                var a = Make(_day, s, unit, c, t, i == 0 ? "read" : "update");
                a.Incident = inc;
                a.Rules = Rule.VolumeSpike;
                inc.Accesses.Add(a);
                Emit(a);
            }
        }
        Emit(Make(_day, s, unit, null, to, "logout"));
        inc.Description = $"{RoleText(s)} at {unit.Id} opened {chosen.Count} clients' records in one day; their usual day is about {m.ToString("0", System.Globalization.CultureInfo.InvariantCulture)}";
    }

    private static Instant Max(Instant a, Instant b) => a > b ? a : b;
    private static Instant Min(Instant a, Instant b) => a < b ? a : b;

    private static string RoleText(Staff s) => s.Role switch
    {
        "underskoterska" => "Assistant nurse",
        "vardbitrade" => "Care assistant",
        "sjukskoterska" => "Nurse",
        "bistandshandlaggare" => "Case worker",
        "enhetschef" => "Unit manager",
        var r => r,
    };
}
