using System.Text;
using LogControl.Reports;
using LogControl.Reports.Compliance;
using LogControl.Reports.Export;
using LogControl.Reports.Public;
using LogControl.Reports.Trends;
using LogControl.Workflow.Reviews;
using Marten;
using NodaTime;
using static LogControl.Tests.Reports.ReportScenario;
using static LogControl.Tests.Support.IngestTestKit;

namespace LogControl.Tests.Reports;

/// <summary>
/// The exports (CSV for Swedish Excel, self-contained printable HTML) and <c>logctl report</c> on the real executable,
/// including the record that a client's log extract was produced.
/// </summary>
public sealed class ReportExportTests(ReportScenario scenario) : IClassFixture<ReportScenario>
{
    [Fact]
    public async Task csv_is_utf8_with_bom_semicolons_crlf_decimal_comma_and_quotes_where_needed()
    {
        var doc = new ReportDocument("Test", [],
            [new ReportTable("T", [new("Enhet"), new("Värde", true), new("Andel", true), new("Dag"), new("Ja")],
                [["Hemtjänst; Åby \"Norr\"", 1234L, 12.25, new LocalDate(2026, 3, 31), true], ["Ö", 0L, null, null, false]])], []);
        using var ms = new MemoryStream();
        await CsvExport.WriteAsync(doc, ms);
        var bytes = ms.ToArray();
        bytes.Take(3).ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF });
        Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).ShouldBe(
            "Enhet;Värde;Andel;Dag;Ja\r\n\"Hemtjänst; Åby \"\"Norr\"\"\";1234;12,3;2026-03-31;ja\r\nÖ;0;;;nej\r\n");
    }

    [Fact]
    public async Task html_is_self_contained_swedish_and_printable()
    {
        var model = await PublicStatisticsReport.RunAsync(scenario.Store,
            new TrendsParameters(new LocalDate(2026, 1, 1), new LocalDate(2026, 9, 30), PeriodKind.Quarter, AsOf));
        var html = HtmlExport.Render(model.ToDocument(), Local(2026, 7, 10, 9));
        html.ShouldStartWith("<!DOCTYPE html>");
        html.ShouldContain("<html lang=\"sv\">");
        html.ShouldContain("@media print");
        html.ShouldContain("@page { size: A4 landscape");
        html.ShouldContain("Offentlig statistik per kvartal");
        html.ShouldContain("<td class=\"num\">&lt;5</td>");
        foreach (var external in new[] { "<script", "src=", "href=", "url(", "@import", "http://", "https://" })
            html.ShouldNotContain(external, Case.Insensitive);
        html.ShouldContain("Framställd 2026-07-10 09:00:00");
    }

    [Fact]
    public async Task every_report_exports_as_csv_and_html_through_the_cli()
    {
        var dir = TempDir();
        // Each report once, the formats alternating (each CLI run opens the store and catches detection up: seconds).
        foreach (var (kind, format) in new[] { ("compliance", "csv"), ("trends", "html"), ("comparison", "csv"), ("public", "html"), ("public", "csv") })
            {
                var file = Path.Combine(dir, $"{kind}.{format}");
                var (code, output, error) = await RunLogCtlAsync("report", kind, "--format", format, "--out", file, "--from", "2026-01-01",
                    "--to", "2026-09-30", "--as-of", "2026-07-10", "--period", "quarter", "--no-progress", "--db", scenario.Db.ConnectionString);
                code.ShouldBe(0, error);
                output.ShouldContain($"wrote {kind} report ({format})");
                var text = await File.ReadAllTextAsync(file);
                if (format == "html") text.ShouldContain("</html>");
                else text.ShouldContain(";");
            }
        (await File.ReadAllTextAsync(Path.Combine(dir, "public.csv"))).ShouldContain("2026 kv. 2;<5");
        var compliance = await File.ReadAllLinesAsync(Path.Combine(dir, "compliance.csv"));
        compliance[0].ShouldBe("Enhet;Namn;Granskningsintervall;Senaste periodiska granskning;Signerad;Nästa förfallodag;Försenad;Dagar försenad;Öppna omedelbara granskningar;Öppna utredningar");
        compliance[3].ShouldBe("HT-C;Hemtjänst Centrum;halvår;ingen;;2026-01-30;ja;161;0;0");

        // A manager's unit only, to standard output.
        var scoped = await RunLogCtlAsync("report", "compliance", "--unit", "HT-B", "--as-of", "2026-07-10", "--no-progress", "--db", scenario.Db.ConnectionString);
        scoped.Code.ShouldBe(0, scoped.Err);
        Lines(scoped.Out).Skip(1).Select(l => l.Split(';')[0]).ShouldBe(["HT-B"]);
    }

    [Fact]
    public async Task a_client_log_extract_from_the_cli_is_recorded_as_a_view_of_personal_data()
    {
        var file = Path.Combine(TempDir(), "utdrag.csv");
        var (code, _, error) = await RunLogCtlAsync("report", "extract", "--client", K4, "--from", "2026-06-01", "--to", "2026-07-31",
            "--actor", "SE2321000032-U0042", "--out", file, "--no-progress", "--db", scenario.Db.ConnectionString);
        code.ShouldBe(0, error);
        var lines = File.ReadAllLines(file);
        lines.ShouldContain("Alla åtkomster i tidsordning");
        lines.Count(l => l.StartsWith("2026-0")).ShouldBe(2, "two accesses by SB-X, 30 June and 1 July, local time with offset");
        lines.ShouldContain(l => l.StartsWith("2026-06-30T23:59:00+02:00;SB-X;Xbo särskilt boende;Läsa;nej"));

        var views = await Marten.QueryableExtensions.ToListAsync(
            scenario.Store.QuerySession().Events.QueryRawEventDataOnly<Domain.Audit.PersonalDataViewed>().Where(v => v.SubjectId == K4));
        views.Count.ShouldBe(1);
        var v = views[0];
        (v.ViewerUserId, v.View, v.SubjectKind, v.UnitScope, v.From, v.To, v.Channel, v.Rows).ShouldBe(
            ("SE2321000032-U0042", "client_log_extract", "client", (string?)null, (LocalDate?)new LocalDate(2026, 6, 1), (LocalDate?)new LocalDate(2026, 7, 31), "cli", 2));

        (await RunLogCtlAsync("report", "extract", "--client", "19300104-0005", "--db", scenario.Db.ConnectionString)).Code.ShouldNotBe(0, "an invalid personnummer");
    }

    [Fact]
    public async Task review_summaries_missing_for_older_streams_are_filled_in_from_the_events()
    {
        await using (var s = scenario.Store.LightweightSession())
        {
            s.Delete<ReviewSummary>(R1);
            await s.SaveChangesAsync();
        }
        (await ReviewSummaries.BackfillAsync(scenario.Store)).ShouldBe(1);
        (await ReviewSummaries.BackfillAsync(scenario.Store)).ShouldBe(0);
        await using var q = scenario.Store.QuerySession();
        var r1 = await q.LoadAsync<ReviewSummary>(R1);
        (r1!.UnitId, r1.Items, r1.Findings, r1.Escalated, r1.SignedOffOn, r1.OnTime).ShouldBe(("HT-A", 3, 1, 1, (LocalDate?)new LocalDate(2026, 1, 25), true));
    }
}
