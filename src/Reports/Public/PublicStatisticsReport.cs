using LogControl.Domain.Detection;
using LogControl.Reports.Export;
using LogControl.Reports.Trends;
using Marten;

namespace LogControl.Reports.Public;

/// <summary>One published cell: its text ("17", "0", "&lt;5" or ".."), and the count only when it is shown.</summary>
public sealed record PublicCell(string Display, long? Value);

public sealed record PublicRow(string Label, GridRowKind Kind, IReadOnlyList<PublicCell> Cells);

public sealed record PublicTable(string Title, IReadOnlyList<string> Columns, IReadOnlyList<PublicRow> Rows);

/// <summary>The public statistics: the trend measures in additive tables, small counts suppressed. Holds no hidden count.</summary>
public sealed record PublicStatisticsModel(TrendsParameters Parameters, IReadOnlyList<PublicTable> Tables) : IExportableReport
{
    public ReportDocument ToDocument()
    {
        var p = Parameters;
        var tables = Tables.Select(t => new ReportTable(t.Title,
            t.Columns.Select((c, i) => new ReportColumn(c, i > 0)).ToList(),
            t.Rows.Select(r => (IReadOnlyList<object?>)r.Cells.Select(c => c.Value is { } v ? v : (object?)c.Display).Prepend(r.Label).ToList()).ToList(),
            t.Rows.Select((r, i) => (r, i)).Where(x => x.r.Kind != GridRowKind.Detail).Select(x => x.i).ToHashSet())).ToList();
        return new ReportDocument($"Offentlig statistik per {(p.Period == PeriodKind.Year ? "år" : "kvartal")}: loggkontroll i vård och omsorg",
            [("Period", $"{p.From:uuuu-MM-dd} – {p.To:uuuu-MM-dd}"), ("Enheter", UnitScope.Describe(p.Units)), ("Per dag", $"{p.AsOf:uuuu-MM-dd}")],
            tables,
            [
                "<5 betyder 1–4. Små antal visas inte, så att ingen enskild person kan pekas ut. 0 visas som 0.",
                ".. betyder att uppgiften döljs för att en annan, liten uppgift inte ska gå att räkna fram ur summorna.",
                "Summor (år, totalt) räknas på de verkliga antalen och döljs på samma sätt; ingen dold uppgift kan räknas fram ur de uppgifter som visas.",
                .. TrendNotes.All,
            ]);
    }
}

/// <summary>
/// Public statistics for public-records requests: the trend measures as tables of counts per quarter with year
/// subtotals and a total, suppressed by <see cref="SmallCountSuppression"/>. Suppression always runs on the quarter
/// table with its year rows, also when only years are shown, so the yearly and the quarterly publication hide the same
/// cells and one cannot be used to undo the other.
/// </summary>
public static class PublicStatisticsReport
{
    private sealed record Spec(string Title, string[] Columns, string? TotalColumn, Func<TrendRow, long[]> Values);

    private static readonly Spec[] Specs =
    [
        new("Åtkomster till journaler", ["Åtkomster"], null, r => [r.Accesses]),
        new("Avvikelser per regel", RuleCodes.All.Select(c => TrendsReportModel.RuleHeadings[c]).ToArray(), "Totalt",
            r => RuleCodes.All.Select(c => r.AnomaliesByRule[c]).ToArray()),
        new("Loggkontroller med förfallodag i perioden", ["Klara i tid", "Klara för sent", "Ej klara"], "Att göra",
            r => [r.ReviewsOnTime, r.ReviewsLate, r.ReviewsNotDone]),
        new("Fynd i signerade loggkontroller", ["Otillåtna åtkomster"], null, r => [r.Findings]),
        new("Inledda utredningar", ["Inledda"], null, r => [r.InvestigationsOpened]),
        new("Avslutade utredningar efter utfall", ["Inget missbruk", "Missbruk bekräftat"], "Totalt", r => [r.ConcludedNoMisuse, r.ConcludedMisuse]),
    ];

    public static async Task<PublicStatisticsModel> RunAsync(IDocumentStore store, TrendsParameters p, CancellationToken ct = default)
    {
        var quarters = await TrendsReport.QuarterRowsAsync(store, p, ct);
        return Build(p, quarters);
    }

    public static PublicStatisticsModel Build(TrendsParameters p, IReadOnlyList<TrendRow> quarters)
    {
        var years = quarters.Select(q => q.Period.Year).ToList();
        var tables = new List<PublicTable>();
        foreach (var spec in Specs)
        {
            var grid = SuppressedGrid.Build(quarters.Select(q => (IReadOnlyList<long>)spec.Values(q)).ToList(), years, spec.TotalColumn != null);
            var rows = new List<PublicRow>();
            for (var r = 0; r < grid.Rows.Count; r++)
            {
                var row = grid.Rows[r];
                if (p.Period == PeriodKind.Year && row.Kind == GridRowKind.Detail) continue;
                var label = row.Kind switch
                {
                    GridRowKind.Detail => quarters[row.Detail!.Value].Period.Label,
                    GridRowKind.Subtotal => p.Period == PeriodKind.Year ? $"{row.Group}" : $"{row.Group} hela året",
                    _ => "Totalt",
                };
                var kind = p.Period == PeriodKind.Year && row.Kind == GridRowKind.Subtotal ? GridRowKind.Detail : row.Kind;
                rows.Add(new PublicRow(label, kind, Enumerable.Range(0, grid.Width)
                    .Select(c => new PublicCell(grid.Display(r, c), grid.StatusOf(r, c) == CellStatus.Visible ? grid.Value(r, c) : null)).ToList()));
            }
            var columns = spec.Columns.Prepend("Period").Concat(spec.TotalColumn is { } t ? [t] : []).ToList();
            tables.Add(new PublicTable(spec.Title, columns, rows));
        }
        return new PublicStatisticsModel(p, tables);
    }
}
