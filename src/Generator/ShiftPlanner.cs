using NodaTime;

namespace LogControl.Generator;

/// <summary>
/// Rosters for the period: care staff work ten days in fourteen (day or evening shifts, now and then
/// covering at another unit), night staff seven nights on and seven off (21:30–07:30, across midnight
/// and across the DST nights), managers office hours on weekdays. Nurses and case workers have no shifts.
/// </summary>
internal static class ShiftPlanner
{
    public static void Plan(World w, int seed)
    {
        var rng = new Random(Time.SubSeed(seed, 2));
        foreach (var s in w.Staff) s.ShiftByDay = new Shift?[w.Days];

        foreach (var s in w.Staff)
        {
            switch (s.Kind)
            {
                case StaffKind.Care: PlanCare(w, s, rng); break;
                case StaffKind.Night: PlanNights(w, s); break;
                case StaffKind.Manager: PlanOffice(w, s); break;
            }
        }
    }

    private static void PlanCare(World w, Staff s, Random rng)
    {
        // A two-week roster with four days off, repeated.
        var off = rng.Sample(Enumerable.Range(0, 14).ToList(), 4).ToHashSet();
        var offset = rng.Next(14);
        var primary = rng.Chance(0.7) ? ShiftKind.Day : ShiftKind.Evening;
        for (var d = 0; d < w.Days; d++)
        {
            var date = w.Date(d);
            if (s.UnitOn(date) is not { } unit || off.Contains((d + offset) % 14)) continue;
            var kind = rng.Chance(0.85) ? primary : primary == ShiftKind.Day ? ShiftKind.Evening : ShiftKind.Day;
            // Now and then a shift covering for a colleague at another unit of the same kind.
            if (d > 0 && rng.Chance(0.03))
            {
                var others = w.UnitsOf(unit.Kind).Where(u => u != unit).ToList();
                if (others.Count > 0) unit = rng.Pick(others);
            }
            var (start, end) = (unit.Kind, kind) switch
            {
                (UnitKind.HomeCare, ShiftKind.Day) => rng.Pick(HomeCareDay),
                (UnitKind.HomeCare, _) => rng.Pick(HomeCareEvening),
                (_, ShiftKind.Day) => rng.Pick(NursingDay),
                _ => rng.Pick(NursingEvening),
            };
            Add(w, s, unit, d, kind, date.At(start), date.At(end));
        }
    }

    private static readonly (LocalTime, LocalTime)[] HomeCareDay =
        [(new(6, 45), new(15, 45)), (new(7, 0), new(16, 0)), (new(7, 0), new(16, 0)), (new(7, 30), new(16, 30))];
    private static readonly (LocalTime, LocalTime)[] HomeCareEvening =
        [(new(13, 30), new(21, 30)), (new(14, 0), new(22, 0)), (new(15, 0), new(22, 0))];
    private static readonly (LocalTime, LocalTime)[] NursingDay =
        [(new(6, 45), new(15, 45)), (new(7, 0), new(16, 0))];
    private static readonly (LocalTime, LocalTime)[] NursingEvening =
        [(new(13, 30), new(21, 30)), (new(14, 0), new(21, 30))];

    private static void PlanNights(World w, Staff s)
    {
        // Night staff of a unit are staggered so that every night is covered.
        var colleagues = w.Staff.Where(x => x.Kind == StaffKind.Night && x.HomeUnit == s.HomeUnit).ToList();
        var offset = colleagues.IndexOf(s) * 14 / colleagues.Count;
        for (var d = 0; d < w.Days; d++)
        {
            var date = w.Date(d);
            if ((d + offset) % 14 >= 7 || s.UnitOn(date) is not { } unit || s.UnitOn(date.PlusDays(1)) != unit) continue;
            Add(w, s, unit, d, ShiftKind.Night, date.At(new LocalTime(21, 30)), date.PlusDays(1).At(new LocalTime(7, 30)));
        }
    }

    private static void PlanOffice(World w, Staff s)
    {
        for (var d = 0; d < w.Days; d++)
        {
            var date = w.Date(d);
            if (date.DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday || s.UnitOn(date) is not { } unit) continue;
            Add(w, s, unit, d, ShiftKind.Office, date.At(new LocalTime(8, 0)), date.At(new LocalTime(16, 30)));
        }
    }

    private static void Add(World w, Staff s, Unit unit, int day, ShiftKind kind, LocalDateTime start, LocalDateTime end)
    {
        var shift = new Shift(s, unit, day, kind, start, end, Time.At(start), Time.At(end));
        s.Shifts.Add(shift);
        s.ShiftByDay[day] = shift;
    }
}
