using System.Globalization;
using LogControl.Domain.Time;
using LogControl.Workflow.Investigations;
using ScottPlot;

namespace LogControl.Server.Web;

/// <summary>
/// A user's accesses over time, one row per client, drawn server-side by ScottPlot as SVG (no script needed).
/// Unexplained and failed accesses get their own colour and marker shape, so the chart does not rely on colour alone.
/// Pages show it with a text summary as its alternative and the accesses as a table.
/// </summary>
public static class AccessChart
{
    private static readonly CultureInfo Swedish = CultureInfo.GetCultureInfo("sv-SE");

    public static string Svg(IReadOnlyList<TimelineAccess> accesses, int width = 960)
    {
        var clients = accesses.Select(a => a.ClientId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var row = clients.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => (double)x.i, StringComparer.Ordinal);
        var plot = new Plot();
        void Series(IEnumerable<TimelineAccess> set, string label, string hex, MarkerShape shape)
        {
            var list = set.ToList();
            if (list.Count == 0) return;
            var points = plot.Add.ScatterPoints(
                list.Select(a => a.OccurredAt.InZone(SwedishTime.Zone).LocalDateTime.ToDateTimeUnspecified().ToOADate()).ToArray(),
                list.Select(a => row[a.ClientId]).ToArray());
            points.LegendText = $"{label} ({list.Count})";
            points.Color = Color.FromHex(hex);
            points.MarkerShape = shape;
            points.MarkerSize = 9;
        }
        Series(accesses.Where(a => !a.Failed && a.Explanation != null), "Förklarad av vårdrelation", "#1e6b34", MarkerShape.FilledCircle);
        Series(accesses.Where(a => !a.Failed && a.Explanation == null), "Utan förklaring", "#a4161a", MarkerShape.FilledTriangleUp);
        Series(accesses.Where(a => a.Failed), "Misslyckad", "#4a5360", MarkerShape.Cross);

        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = Swedish; // date ticks in Swedish
        try
        {
            plot.Axes.DateTimeTicksBottom();
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                clients.Select((_, i) => (double)i).ToArray(), clients.ToArray());
            plot.Axes.SetLimitsY(-0.7, Math.Max(0.7, clients.Count - 0.3));
            plot.Axes.Bottom.Label.Text = "Tid (svensk tid)";
            plot.Axes.Left.Label.Text = "Brukare";
            plot.Legend.Alignment = Alignment.UpperRight;
            plot.ShowLegend();
            var height = Math.Clamp(140 + 34 * clients.Count, 260, 1400);
            return plot.GetSvgXml(width, height);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    /// <summary>An &lt;img&gt; source for the SVG: scales with the page, and its alt text is the summary.</summary>
    public static string DataUri(string svg) => "data:image/svg+xml;base64," + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(svg));

    /// <summary>The chart in words: its text alternative.</summary>
    public static string Describe(IReadOnlyList<TimelineAccess> accesses)
    {
        if (accesses.Count == 0) return "Inga åtkomster under perioden.";
        var clients = accesses.Select(a => a.ClientId).Distinct().Count();
        var unexplained = accesses.Count(a => !a.Failed && a.Explanation == null);
        var failed = accesses.Count(a => a.Failed);
        return $"Diagram: {Sv.Count(accesses.Count, "åtkomst", "åtkomster")} till {clients} brukare mellan {Sv.Time(accesses.Min(a => a.OccurredAt))} och " +
               $"{Sv.Time(accesses.Max(a => a.OccurredAt))}; {unexplained} utan förklaring av en vårdrelation, {failed} misslyckade. Samma uppgifter finns i tabellen nedan.";
    }
}
