using LogControl.Reports.Export;
using LogControl.Workflow.Reviews;
using Marten;
using NodaTime;

namespace LogControl.Reports.Compliance;

/// <param name="AsOf">The day the report answers for (Swedish local date): overdue means due before this day.</param>
/// <param name="Units">Only these units (a manager's scope); null for every unit.</param>
public sealed record ComplianceParameters(LocalDate AsOf, IReadOnlyCollection<string>? Units = null);

/// <summary>Where one unit stands with its log reviews.</summary>
/// <param name="LastPeriodicFrom">First day of the latest signed-off periodic review's period.</param>
/// <param name="LastPeriodicTo">Last day of that period.</param>
/// <param name="LastSignedOffAt">When that review was signed off.</param>
/// <param name="NextDueOn">The earliest due date of the unit's open reviews, or, with none open, that of the review of the current period.</param>
/// <param name="Overdue">An open review is past its due date.</param>
/// <param name="DaysOverdue">Days since the earliest missed due date (0 when not overdue).</param>
/// <param name="OpenImmediateReviews">Immediate reviews (on suspicion or a critical anomaly) not yet signed off.</param>
/// <param name="OpenInvestigations">Open misuse investigations concerning the unit.</param>
public sealed record ComplianceRow(
    string UnitId, string? UnitName, ReviewFrequency Frequency,
    LocalDate? LastPeriodicFrom, LocalDate? LastPeriodicTo, Instant? LastSignedOffAt,
    LocalDate NextDueOn, bool Overdue, int DaysOverdue, int OpenImmediateReviews, int OpenInvestigations);

public sealed record ComplianceReportModel(LocalDate AsOf, IReadOnlyCollection<string>? Units, IReadOnlyList<ComplianceRow> Rows) : IExportableReport
{
    public ReportDocument ToDocument()
    {
        var columns = new ReportColumn[]
        {
            new("Enhet"), new("Namn"), new("Granskningsintervall"), new("Senaste periodiska granskning"), new("Signerad"),
            new("Nästa förfallodag"), new("Försenad"), new("Dagar försenad", true), new("Öppna omedelbara granskningar", true),
            new("Öppna utredningar", true),
        };
        var rows = Rows.Select(r => (IReadOnlyList<object?>)
        [
            r.UnitId, r.UnitName, FrequencyText(r.Frequency),
            r.LastPeriodicFrom is { } f ? $"{f:uuuu-MM-dd} – {r.LastPeriodicTo:uuuu-MM-dd}" : "ingen",
            r.LastSignedOffAt, r.NextDueOn, r.Overdue, r.DaysOverdue, r.OpenImmediateReviews, r.OpenInvestigations,
        ]).ToList();
        return new ReportDocument("Efterlevnad: loggkontroller per enhet",
            [("Per dag", $"{AsOf:uuuu-MM-dd}"), ("Enheter", UnitScope.Describe(Units)),
             ("Försenade enheter", $"{Rows.Count(r => r.Overdue)} av {Rows.Count}")],
            [new ReportTable("Enheter", columns, rows)],
            [
                "Periodisk granskning: minst två gånger per år (halvår), eller oftare om enhetens riktlinje säger månad eller kvartal. Den ska vara signerad senast 30 dagar efter periodens slut.",
                "Försenad: en granskning som inte är signerad har passerat sin förfallodag. Dagar försenad räknas från den tidigaste missade förfallodagen.",
                "Omedelbar granskning: öppnas vid misstanke om otillåten åtkomst eller vid en kritisk avvikelse, och ska påbörjas nästa arbetsdag.",
                "Öppna utredningar: ärenden hos informationssäkerhet som gäller enhetens personal eller avvikelser.",
            ]);
    }

    public static string FrequencyText(ReviewFrequency f) => f switch
    {
        ReviewFrequency.Monthly => "månad",
        ReviewFrequency.Quarterly => "kvartal",
        _ => "halvår",
    };
}

/// <summary>
/// Compliance per unit: the latest signed-off periodic review, the next due date, whether the unit is overdue, and
/// its open immediate reviews and investigations. Reads the review summaries (a small inline read model), the units'
/// review settings and the open investigations: a handful of queries whatever the number of units.
/// </summary>
public static class ComplianceReport
{
    public static async Task<ComplianceReportModel> RunAsync(IDocumentStore store, ComplianceParameters p, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        var units = await ReportData.UnitsAsync(store, ct);
        var reviews = await ReportData.ReviewsAsync(session, p.Units, ct);
        var settings = (await session.Query<UnitReviewSettings>().ToListAsync(ct)).ToDictionary(s => s.UnitId, StringComparer.Ordinal);
        var investigations = await ReportData.InvestigationsAsync(store, session, openOnly: true, ct);

        var byUnit = reviews.ToLookup(r => r.UnitId, StringComparer.Ordinal);
        var unitIds = units.Keys.Concat(byUnit.Select(g => g.Key)).Distinct(StringComparer.Ordinal)
            .Where(u => UnitScope.Includes(p.Units, u)).Order(StringComparer.Ordinal);

        var rows = new List<ComplianceRow>();
        foreach (var unit in unitIds)
        {
            var frequency = settings.TryGetValue(unit, out var s) ? s.Frequency : ReviewFrequency.HalfYearly;
            var own = byUnit[unit].ToList();
            var last = own.Where(r => r.Kind == ReviewKind.Periodic && !r.Open).MaxBy(r => r.PeriodTo);
            var open = own.Where(r => r.Open).ToList();
            // With nothing open, the next review is that of the period now running: due 30 days after it ends.
            var nextDue = open.Count > 0
                ? open.Min(r => r.DueOn)
                : UnitReviewSettings.PeriodContaining(frequency, p.AsOf).To.PlusDays(ReviewSchedulingHandler.DaysToComplete);
            var missed = open.Where(r => r.DueOn < p.AsOf).Select(r => (LocalDate?)r.DueOn).Min();
            rows.Add(new ComplianceRow(unit, units.GetValueOrDefault(unit)?.Name, frequency,
                last?.PeriodFrom, last?.PeriodTo, last?.SignedOffAt, nextDue,
                missed != null, missed is { } m ? ReportData.DaysBetween(m, p.AsOf) : 0,
                open.Count(r => r.Kind == ReviewKind.Immediate),
                investigations.Count(i => i.Units.Contains(unit))));
        }
        return new ComplianceReportModel(p.AsOf, p.Units, rows);
    }
}
