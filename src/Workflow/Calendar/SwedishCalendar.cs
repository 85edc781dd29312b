using NodaTime;

namespace LogControl.Workflow.Calendar;

/// <summary>
/// Swedish working days: Monday to Friday except public holidays (allmänna helgdagar) and the eves that
/// are treated as holidays in practice (midsommarafton, julafton, nyårsafton). Deadlines like "start
/// within one working day" count in these days.
/// </summary>
public static class SwedishCalendar
{
    public static bool IsWorkingDay(LocalDate d) =>
        d.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday) && !IsHoliday(d);

    /// <summary>The first working day after <paramref name="d"/>.</summary>
    public static LocalDate NextWorkingDay(LocalDate d)
    {
        var next = d.PlusDays(1);
        while (!IsWorkingDay(next)) next = next.PlusDays(1);
        return next;
    }

    public static bool IsHoliday(LocalDate d)
    {
        var easter = EasterSunday(d.Year);
        var fixedDays = new[]
        {
            new LocalDate(d.Year, 1, 1),   // nyårsdagen
            new LocalDate(d.Year, 1, 6),   // trettondedag jul
            new LocalDate(d.Year, 5, 1),   // första maj
            new LocalDate(d.Year, 6, 6),   // nationaldagen
            new LocalDate(d.Year, 12, 24), // julafton
            new LocalDate(d.Year, 12, 25), // juldagen
            new LocalDate(d.Year, 12, 26), // annandag jul
            new LocalDate(d.Year, 12, 31), // nyårsafton
        };
        if (fixedDays.Contains(d)) return true;
        if (d == easter.PlusDays(-2) || d == easter || d == easter.PlusDays(1) // långfredagen, påskdagen, annandag påsk
            || d == easter.PlusDays(39) || d == easter.PlusDays(49))          // Kristi himmelsfärd, pingstdagen
            return true;
        // Midsommarafton: the Friday between 19 and 25 June; midsommardagen the day after.
        if (d.Month == 6 && ((d.DayOfWeek == IsoDayOfWeek.Friday && d.Day is >= 19 and <= 25) || (d.DayOfWeek == IsoDayOfWeek.Saturday && d.Day is >= 20 and <= 26)))
            return true;
        // Alla helgons dag: the Saturday between 31 October and 6 November.
        return d.DayOfWeek == IsoDayOfWeek.Saturday && ((d.Month == 10 && d.Day == 31) || (d.Month == 11 && d.Day <= 6));
    }

    /// <summary>Gregorian Easter Sunday (anonymous Gregorian algorithm).</summary>
    public static LocalDate EasterSunday(int year)
    {
        int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
        int h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7, m = (a + 11 * h + 22 * l) / 451;
        int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
        return new LocalDate(year, month, day);
    }
}
