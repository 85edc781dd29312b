using LogControl.Domain.Audit;
using LogControl.Domain.Time;
using LogControl.Reports;
using LogControl.Reports.Export;
using LogControl.Reports.Extract;
using LogControl.Server.Web;
using LogControl.Workflow.Audit;
using LogControl.Workflow.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;

namespace LogControl.Server.Pages.Reports;

/// <summary>
/// Rapporter: each report of src/Reports as a printable page (the self-contained HTML that prints cleanly to PDF) and
/// as CSV for Excel. A manager's reports cover only their own units; a client's log extract is recorded as a view of
/// personal data, as in the CLI.
/// </summary>
[Authorize(Policy = Policies.Read)]
public sealed class IndexModel(IDocumentStore store, IClock clock) : UiPage
{
    public static readonly (string Slug, string Kind, string Title)[] Available =
    [
        ("efterlevnad", "compliance", "Efterlevnad per enhet"), ("trender", "trends", "Trender per år eller kvartal"),
        ("jamforelse", "comparison", "Jämförelse av liknande enheter"), ("loggutdrag", "extract", "Loggutdrag för en brukare"),
        ("offentlig", "public", "Offentlig statistik (små tal dolda)"),
    ];

    [BindProperty(SupportsGet = true)] public string? Rapport { get; set; }
    [BindProperty(SupportsGet = true)] public string? Format { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? Fran { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? Till { get; set; }
    [BindProperty(SupportsGet = true)] public string? Period { get; set; }
    [BindProperty(SupportsGet = true)] public string? Klient { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (Rapport == null) return Page();
        if (Available.FirstOrDefault(a => a.Slug == Rapport).Kind is not { } kind) return NotFound();
        var now = clock.GetCurrentInstant();
        var today = SwedishTime.DateOf(now);
        var actor = Actor;
        // Managers see their own units; security staff, auditors and administrators the whole municipality.
        IReadOnlyCollection<string>? units = Roles.SeeAllUnits.Any(actor.Is) ? null : actor.Units.ToList();
        var to = Till is { } t ? LocalDate.FromDateOnly(t) : today;
        var from = Fran is { } f ? LocalDate.FromDateOnly(f) : new LocalDate(to.Year, 1, 1);
        if (from > to) { Error = "Från-datum ligger efter till-datum."; return Page(); }
        var period = Period == "kvartal" ? PeriodKind.Quarter : PeriodKind.Year;
        if (Rapport == "loggutdrag" && string.IsNullOrWhiteSpace(Klient)) { Error = "Ange brukarens personnummer för ett loggutdrag."; return Page(); }

        IExportableReport report;
        try
        {
            report = await ReportCatalog.RunAsync(store, kind, new ReportRequest(from, to, period, today, units, Klient), ct);
        }
        catch (ArgumentException ex)
        {
            Error = ex.Message;
            return Page();
        }

        if (report is ClientLogExtractModel extract)
            await WebViews.RecordAsync(store, actor.UserId, actor.Roles, PersonalDataViews.ClientLogExtract, $"client:{extract.ClientId}",
                [extract.ClientId], now, ct);

        var doc = report.ToDocument();
        if (Format == "csv")
        {
            using var buffer = new MemoryStream();
            await CsvExport.WriteAsync(doc, buffer, ct);
            return File(buffer.ToArray(), "text/csv; charset=utf-8", $"{Rapport}-{to:uuuu-MM-dd}.csv");
        }
        return Content(HtmlExport.Render(doc, now), "text/html; charset=utf-8");
    }
}
