using LogControl.Domain.Detection;
using LogControl.Domain.Time;
using LogControl.Projections;
using LogControl.Reports.Export;
using LogControl.Workflow.Investigations;
using Marten;
using NodaTime;

namespace LogControl.Reports.Trends;

/// <param name="From">First local day counted (Europe/Stockholm).</param>
/// <param name="To">Last local day counted (inclusive).</param>
/// <param name="Period">Rows by year or by quarter.</param>
/// <param name="AsOf">The report's day: reviews due after it are not yet counted as to do.</param>
/// <param name="Units">Only these units; null for all.</param>
public sealed record TrendsParameters(LocalDate From, LocalDate To, PeriodKind Period, LocalDate AsOf, IReadOnlyCollection<string>? Units = null);

/// <summary>The measures of one period. Every count belongs to the period of a Swedish local date, named per measure in docs/REPORTS.md.</summary>
/// <param name="Accesses">Successful patient-record accesses (local day of access).</param>
/// <param name="AnomaliesByRule">Current anomalies per rule code (local day of the access), every rule present.</param>
/// <param name="ReviewsDue">Reviews whose due date is in the period and not after the report's day.</param>
/// <param name="ReviewsOnTime">Of those, signed off on or before the due date.</param>
/// <param name="ReviewsLate">Of those, signed off after the due date.</param>
/// <param name="ReviewsNotDone">Of those, not signed off.</param>
/// <param name="Findings">Items judged unjustified in reviews signed off in the period (after corrections).</param>
/// <param name="InvestigationsOpened">Investigations opened in the period.</param>
/// <param name="ConcludedNoMisuse">Investigations concluded in the period: no misuse.</param>
/// <param name="ConcludedMisuse">Investigations concluded in the period: misuse confirmed.</param>
public sealed record TrendRow(
    ReportPeriod Period, long Accesses, IReadOnlyDictionary<string, long> AnomaliesByRule,
    long ReviewsDue, long ReviewsOnTime, long ReviewsLate, long ReviewsNotDone, long Findings,
    long InvestigationsOpened, long ConcludedNoMisuse, long ConcludedMisuse)
{
    public long Anomalies => AnomaliesByRule.Values.Sum();

    public static TrendRow Sum(ReportPeriod period, IReadOnlyCollection<TrendRow> rows) => new(period,
        rows.Sum(r => r.Accesses),
        RuleCodes.All.ToDictionary(rule => rule, rule => rows.Sum(r => r.AnomaliesByRule[rule])),
        rows.Sum(r => r.ReviewsDue), rows.Sum(r => r.ReviewsOnTime), rows.Sum(r => r.ReviewsLate), rows.Sum(r => r.ReviewsNotDone),
        rows.Sum(r => r.Findings), rows.Sum(r => r.InvestigationsOpened), rows.Sum(r => r.ConcludedNoMisuse), rows.Sum(r => r.ConcludedMisuse));
}

public sealed record TrendsReportModel(TrendsParameters Parameters, IReadOnlyList<TrendRow> Rows, TrendRow Total) : IExportableReport
{
    /// <summary>Swedish headings of the rule columns: short names a reader recognises.</summary>
    public static readonly IReadOnlyDictionary<string, string> RuleHeadings = new Dictionary<string, string>
    {
        [RuleCodes.NoRelationship] = "Ingen vårdrelation",
        [RuleCodes.ProtectedIdentity] = "Skyddade personuppgifter",
        [RuleCodes.OwnRecord] = "Egen journal",
        [RuleCodes.RelativeOrNeighbour] = "Anhörig eller granne",
        [RuleCodes.CoworkerRecord] = "Kollegas journal",
        [RuleCodes.OffShift] = "Utanför arbetspass",
        [RuleCodes.AfterEmployment] = "Efter anställning",
        [RuleCodes.AfterCareEnded] = "Efter avslutad insats",
        [RuleCodes.EmergencyAccess] = "Nödåtkomst",
        [RuleCodes.PrintExport] = "Utskrift eller export",
        [RuleCodes.VolumeSpike] = "Ovanligt många journaler",
        [RuleCodes.FailedAccess] = "Upprepade nekade försök",
    };

    public ReportDocument ToDocument()
    {
        var columns = new List<ReportColumn> { new("Period"), new("Åtkomster till journaler", true), new("Avvikelser totalt", true) };
        columns.AddRange(RuleCodes.All.Select(r => new ReportColumn("Avvikelser: " + RuleHeadings[r], true)));
        columns.AddRange([
            new("Granskningar att göra", true), new("varav klara i tid", true), new("varav klara för sent", true), new("varav ej klara", true),
            new("Fynd (otillåtna åtkomster)", true), new("Utredningar inledda", true),
            new("Utredningar avslutade: inget missbruk", true), new("Utredningar avslutade: missbruk bekräftat", true),
        ]);
        var all = Rows.Append(Total).ToList();
        var rows = all.Select((r, i) =>
        {
            var cells = new List<object?> { i == Rows.Count ? "Totalt" : r.Period.Label, r.Accesses, r.Anomalies };
            cells.AddRange(RuleCodes.All.Select(rule => (object?)r.AnomaliesByRule[rule]));
            cells.AddRange([r.ReviewsDue, r.ReviewsOnTime, r.ReviewsLate, r.ReviewsNotDone, r.Findings, r.InvestigationsOpened, r.ConcludedNoMisuse, r.ConcludedMisuse]);
            return (IReadOnlyList<object?>)cells;
        }).ToList();
        var p = Parameters;
        return new ReportDocument($"Utveckling per {(p.Period == PeriodKind.Year ? "år" : "kvartal")}: åtkomster, avvikelser, granskningar och utredningar",
            [("Period", $"{p.From:uuuu-MM-dd} – {p.To:uuuu-MM-dd}"), ("Enheter", UnitScope.Describe(p.Units)), ("Per dag", $"{p.AsOf:uuuu-MM-dd}")],
            [new ReportTable("Per " + (p.Period == PeriodKind.Year ? "år" : "kvartal"), columns, rows, new HashSet<int> { Rows.Count })],
            TrendNotes.All);
    }
}

internal static class TrendNotes
{
    public static readonly string[] All =
    [
        "Varje händelse räknas till den period (år eller kvartal) som dess dag hör till i svensk tid (Europe/Stockholm), även vid sommartid och årsskifte.",
        "Åtkomster till journaler: lyckade åtkomster till en brukares journal (läsa, skriva, skriva ut m.m.) enligt verksamhetssystemens loggar.",
        "Avvikelser: åtkomster som regelverket flaggat för granskning (till exempel ingen vårdrelation eller nödåtkomst), räknade per regel, användare, brukare och dag. En avvikelse är inte ett konstaterat fel.",
        "Granskningar att göra: loggkontroller med förfallodag i perioden (och senast rapportdagen); de delas upp i klara i tid, klara för sent och ej klara.",
        "Fynd: åtkomster som enhetschefen bedömt som otillåtna i granskningar som signerats under perioden.",
        "Utredningar: ärenden hos informationssäkerhet, inledda respektive avslutade under perioden, efter utfall.",
    ];
}

/// <summary>
/// Trends by year or quarter: accesses, anomalies by rule, reviews done on time, findings, investigations and their
/// outcomes. Counted per quarter in SQL and C#, then summed to years, so a year is exactly the sum of its quarters.
/// </summary>
public static class TrendsReport
{
    public static async Task<TrendsReportModel> RunAsync(IDocumentStore store, TrendsParameters p, CancellationToken ct = default)
    {
        var quarters = await QuarterRowsAsync(store, p, ct);
        var rows = p.Period == PeriodKind.Quarter
            ? quarters
            : quarters.GroupBy(q => q.Period.Year).Select(g => TrendRow.Sum(ReportPeriod.YearOf(g.First().Period.From), g.ToList())).ToList();
        var total = TrendRow.Sum(new ReportPeriod(0, null, p.From, p.To), quarters);
        return new TrendsReportModel(p, rows, total);
    }

    /// <summary>One row per quarter overlapping [From, To], counting only days within it.</summary>
    public static async Task<List<TrendRow>> QuarterRowsAsync(IDocumentStore store, TrendsParameters p, CancellationToken ct)
    {
        var s = store.Options.Events.DatabaseSchemaName;
        var units = UnitScope.Param(p.Units);
        // date_trunc on the stored local day: the quarter of the Swedish local date, never of the UTC instant.
        var accesses = (await StoreSql.QueryAsync(store, $"""
            select date_trunc('quarter', local_day)::date, count(*) from {s}.lc_access_timeline
            where local_day between $1 and $2 and not failed and ($3::text[] is null or unit_id = any($3::text[]))
            group by 1
            """, r => (r.GetFieldValue<LocalDate>(0), r.GetInt64(1)), ct, p.From, p.To, units)).ToDictionary(x => x.Item1, x => x.Item2);
        var anomalies = await StoreSql.QueryAsync(store, $"""
            select date_trunc('quarter', local_day)::date, rule, count(*) from {s}.lc_anomalies
            where local_day between $1 and $2 and ($3::text[] is null or unit_id = any($3::text[]))
            group by 1, 2
            """, r => (Quarter: r.GetFieldValue<LocalDate>(0), Rule: r.GetString(1), Count: r.GetInt64(2)), ct, p.From, p.To, units);

        await using var session = store.QuerySession();
        var reviews = await ReportData.ReviewsAsync(session, p.Units, ct);
        var cases = (await ReportData.InvestigationsAsync(store, session, openOnly: false, ct))
            .Where(c => p.Units == null || c.Units.Any(p.Units.Contains)).Select(c => c.Case).ToList();

        bool In(LocalDate d, ReportPeriod q) => q.Contains(d) && p.From <= d && d <= p.To;
        var result = new List<TrendRow>();
        foreach (var q in ReportPeriod.Covering(PeriodKind.Quarter, p.From, p.To))
        {
            var due = reviews.Where(r => In(r.DueOn, q) && r.DueOn <= p.AsOf).ToList();
            result.Add(new TrendRow(q,
                accesses.GetValueOrDefault(q.From),
                RuleCodes.All.ToDictionary(rule => rule, rule => anomalies.Where(a => a.Quarter == q.From && a.Rule == rule).Sum(a => a.Count)),
                due.Count, due.Count(r => r.OnTime), due.Count(r => !r.Open && !r.OnTime), due.Count(r => r.Open),
                reviews.Where(r => r.SignedOffOn is { } d && In(d, q)).Sum(r => (long)r.Findings),
                cases.Count(c => In(SwedishTime.DateOf(c.OpenedAt), q)),
                cases.Count(c => c.Conclusion is { } k && k.Outcome == InvestigationOutcome.NoMisuse && In(SwedishTime.DateOf(k.At), q)),
                cases.Count(c => c.Conclusion is { } k && k.Outcome == InvestigationOutcome.MisuseConfirmed && In(SwedishTime.DateOf(k.At), q))));
        }
        return result;
    }
}
