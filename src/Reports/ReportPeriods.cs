using NodaTime;

namespace LogControl.Reports;

public enum PeriodKind { Year, Quarter }

/// <summary>A calendar year or quarter in Swedish local dates (an access belongs to the period of its local day in Europe/Stockholm).</summary>
public sealed record ReportPeriod(int Year, int? Quarter, LocalDate From, LocalDate To)
{
    /// <summary>"2026" or "2026 kv. 1".</summary>
    public string Label => Quarter is { } q ? $"{Year} kv. {q}" : Year.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public bool Contains(LocalDate d) => From <= d && d <= To;

    public static ReportPeriod QuarterOf(LocalDate d)
    {
        var q = (d.Month - 1) / 3 + 1;
        var from = new LocalDate(d.Year, (q - 1) * 3 + 1, 1);
        return new ReportPeriod(d.Year, q, from, from.PlusMonths(3).PlusDays(-1));
    }

    public static ReportPeriod YearOf(LocalDate d) => new(d.Year, null, new LocalDate(d.Year, 1, 1), new LocalDate(d.Year, 12, 31));

    public static ReportPeriod Of(PeriodKind kind, LocalDate d) => kind == PeriodKind.Year ? YearOf(d) : QuarterOf(d);

    /// <summary>Every period of <paramref name="kind"/> that overlaps [from, to], in order.</summary>
    public static IReadOnlyList<ReportPeriod> Covering(PeriodKind kind, LocalDate from, LocalDate to)
    {
        var list = new List<ReportPeriod>();
        for (var p = Of(kind, from); p.From <= to; p = Of(kind, p.To.PlusDays(1))) list.Add(p);
        return list;
    }
}

/// <summary>Helpers for the optional unit filter every report takes (a manager sees only their own units).</summary>
internal static class UnitScope
{
    /// <summary>The filter as a SQL parameter value: null (all units) or a text[] of unit ids.</summary>
    public static object Param(IReadOnlyCollection<string>? units) => units == null ? DBNull.Value : units.ToArray();

    public static bool Includes(IReadOnlyCollection<string>? units, string? unit) => units == null || (unit != null && units.Contains(unit));

    public static string Describe(IReadOnlyCollection<string>? units) => units == null ? "alla enheter" : string.Join(", ", units.Order(StringComparer.Ordinal));
}
