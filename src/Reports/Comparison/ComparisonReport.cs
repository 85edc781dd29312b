using LogControl.Projections;
using LogControl.Reports.Export;
using Marten;
using NodaTime;

namespace LogControl.Reports.Comparison;

/// <param name="From">First local day counted.</param>
/// <param name="To">Last local day counted (inclusive).</param>
/// <param name="Units">Only these units' rows (a manager's scope); null for all. Group medians are still over the whole group, but only
/// shown for groups of at least <see cref="ComparisonReport.MinGroupForScopedMedian"/> units, so a median never gives away one other unit's figure.</param>
public sealed record ComparisonParameters(LocalDate From, LocalDate To, IReadOnlyCollection<string>? Units = null);

/// <param name="AnomaliesPer1000">Anomalies per 1000 successful accesses (null without accesses).</param>
/// <param name="GroupMedianPer1000">The median of the group's units' rates (units with accesses).</param>
/// <param name="RatioToMedian">Rate ÷ group median (null when either is missing or the median is 0).</param>
/// <param name="Findings">Items judged unjustified in the unit's reviews signed off in the range.</param>
/// <param name="ReviewedItems">Items in those reviews.</param>
/// <param name="GroupMedianFindings">The median of the group's units' findings.</param>
public sealed record ComparisonRow(
    string Group, string UnitId, string? UnitName, long Accesses, long Anomalies, double? AnomaliesPer1000, double? GroupMedianPer1000,
    double? RatioToMedian, long ReviewedItems, long Findings, double? GroupMedianFindings);

public sealed record ComparisonReportModel(ComparisonParameters Parameters, IReadOnlyList<ComparisonRow> Rows) : IExportableReport
{
    public ReportDocument ToDocument()
    {
        var columns = new ReportColumn[]
        {
            new("Jämförelsegrupp"), new("Enhet"), new("Namn"), new("Åtkomster", true), new("Avvikelser", true),
            new("Avvikelser per 1000 åtkomster", true), new("Gruppens median per 1000", true), new("Jämfört med median (gånger)", true),
            new("Granskade poster", true), new("Fynd", true), new("Gruppens median fynd", true),
        };
        var rows = Rows.Select(r => (IReadOnlyList<object?>)
            [r.Group, r.UnitId, r.UnitName, r.Accesses, r.Anomalies, r.AnomaliesPer1000, r.GroupMedianPer1000, r.RatioToMedian, r.ReviewedItems, r.Findings, r.GroupMedianFindings]).ToList();
        var p = Parameters;
        return new ReportDocument("Jämförelse av likartade enheter",
            [("Period", $"{p.From:uuuu-MM-dd} – {p.To:uuuu-MM-dd}"), ("Enheter", UnitScope.Describe(p.Units))],
            [new ReportTable("Enheter per jämförelsegrupp", columns, rows)],
            [
                "Jämförelsegrupp: enheter av samma slag som ska jämföras med varandra (referensdatans comparable_group). En risk som hittas i en enhet bör sökas även i de andra.",
                "Avvikelser per 1000 åtkomster: antal avvikelser delat med antal lyckade journalåtkomster vid enheten, gånger 1000.",
                "Median: mittvärdet bland gruppens enheter. Jämfört med median: enhetens värde delat med medianen (2,0 betyder dubbelt så många).",
                "Fynd: poster som bedömts som otillåtna i enhetens granskningar som signerats under perioden.",
                $"När rapporten är begränsad till egna enheter visas gruppens median bara för grupper med minst {ComparisonReport.MinGroupForScopedMedian} enheter.",
            ]);
    }
}

/// <summary>
/// Comparison of similar units (comparable_group): anomaly rate per 1000 accesses and review findings, each against the
/// median of the group. Groups and units are in id order; a unit without a group stands alone.
/// </summary>
public static class ComparisonReport
{
    public const int MinGroupForScopedMedian = 3;
    public const string NoGroup = "(ingen grupp)";

    public static async Task<ComparisonReportModel> RunAsync(IDocumentStore store, ComparisonParameters p, CancellationToken ct = default)
    {
        var s = store.Options.Events.DatabaseSchemaName;
        var units = await ReportData.UnitsAsync(store, ct);
        var accesses = (await StoreSql.QueryAsync(store, $"""
            select unit_id, count(*) from {s}.lc_access_timeline
            where local_day between $1 and $2 and not failed and unit_id is not null group by 1
            """, r => (r.GetString(0), r.GetInt64(1)), ct, p.From, p.To)).ToDictionary(x => x.Item1, x => x.Item2);
        var anomalies = (await StoreSql.QueryAsync(store, $"""
            select unit_id, count(*) from {s}.lc_anomalies where local_day between $1 and $2 and unit_id is not null group by 1
            """, r => (r.GetString(0), r.GetInt64(1)), ct, p.From, p.To)).ToDictionary(x => x.Item1, x => x.Item2);
        await using var session = store.QuerySession();
        var reviews = (await ReportData.ReviewsAsync(session, null, ct))
            .Where(r => r.SignedOffOn is { } d && p.From <= d && d <= p.To).ToLookup(r => r.UnitId, StringComparer.Ordinal);

        var rows = new List<ComparisonRow>();
        foreach (var group in units.Values.GroupBy(u => u.ComparableGroup ?? NoGroup).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var members = group.OrderBy(u => u.UnitId, StringComparer.Ordinal).Select(u =>
            {
                var a = accesses.GetValueOrDefault(u.UnitId);
                var n = anomalies.GetValueOrDefault(u.UnitId);
                double? rate = a == 0 ? null : Math.Round(1000.0 * n / a, 1);
                var own = reviews[u.UnitId].ToList();
                return (Unit: u, Accesses: a, Anomalies: n, Rate: rate, Items: own.Sum(r => (long)r.Items), Findings: own.Sum(r => (long)r.Findings));
            }).ToList();
            var grouped = group.Key != NoGroup;
            var showMedian = grouped && (p.Units == null || members.Count >= MinGroupForScopedMedian);
            var medianRate = showMedian ? Median(members.Where(m => m.Rate != null).Select(m => m.Rate!.Value)) : null;
            var medianFindings = showMedian ? Median(members.Select(m => (double)m.Findings)) : null;
            foreach (var m in members.Where(m => UnitScope.Includes(p.Units, m.Unit.UnitId)))
                rows.Add(new ComparisonRow(group.Key, m.Unit.UnitId, m.Unit.Name, m.Accesses, m.Anomalies, m.Rate, medianRate,
                    m.Rate is { } r && medianRate is { } med && med > 0 ? Math.Round(r / med, 1) : null,
                    m.Items, m.Findings, medianFindings));
        }
        return new ComparisonReportModel(p, rows);
    }

    /// <summary>The middle value; for an even count the mean of the two middle values. Null for none.</summary>
    public static double? Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        if (v.Length == 0) return null;
        return v.Length % 2 == 1 ? v[v.Length / 2] : Math.Round((v[v.Length / 2 - 1] + v[v.Length / 2]) / 2, 1);
    }
}
