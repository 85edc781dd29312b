using LogControl.Domain.Audit;
using LogControl.Domain.Time;
using LogControl.Projections;
using LogControl.Reports;
using LogControl.Reports.Audit;
using LogControl.Reports.Comparison;
using LogControl.Reports.Compliance;
using LogControl.Reports.Export;
using LogControl.Reports.Extract;
using LogControl.Reports.Public;
using LogControl.Reports.Trends;
using LogControl.Workflow.Reviews;
using Marten;
using NodaTime;

namespace LogControl.Cli;

/// <summary>
/// report compliance|trends|comparison|extract|public: the reports of src/Reports as CSV (default) or printable HTML,
/// to --out FILE or standard output. The client log extract is personal data: producing it appends a
/// <see cref="PersonalDataViewed"/> event naming who (--actor, else the OS user), which client and when.
/// </summary>
public static partial class LogCtl
{
    private const string ReportUsage =
        "usage: logctl report compliance|trends|comparison|extract|public [--format csv|html] [--out FILE] [--from D] [--to D] " +
        "[--unit U ...] [--client PNR] [--period year|quarter] [--as-of D] [--actor WHO]";

    private static async Task<int> Report(Args args, CancellationToken ct)
    {
        var kind = args.SubVerb;
        if (!ReportCatalog.Kinds.Contains(kind)) return Fail(ReportUsage);
        var format = (args.Option("format") ?? "csv").ToLowerInvariant();
        if (format is not ("csv" or "html")) return Fail("--format is csv or html");
        var period = (args.Option("period") ?? "year").ToLowerInvariant() switch
        {
            "year" or "år" => PeriodKind.Year,
            "quarter" or "kvartal" => PeriodKind.Quarter,
            var other => throw new ArgumentException($"--period is year or quarter, not '{other}'"),
        };
        if (kind == "extract" && string.IsNullOrWhiteSpace(args.Option("client"))) return Fail("report extract needs --client PERSONNUMMER");
        var now = SystemClock.Instance.GetCurrentInstant();
        var asOf = DateOption(args, "as-of") ?? SwedishTime.DateOf(now);
        var units = args.Options("unit") is { Count: > 0 } u ? u : null;
        var from = DateOption(args, "from");
        var to = DateOption(args, "to") ?? asOf;
        if (kind == "extract" && args.Option("client") is { } pnr) ClientLogExtractReport.NormaliseClient(pnr, asOf); // fail before any work

        var (store, log) = await CaughtUpStoreAsync(args, ct);
        await using var _ = store;
        using var __ = log;
        await ReviewSummaries.BackfillAsync(store, ct);
        from ??= kind == "extract" ? to.PlusYears(-5) : await FirstDataYearAsync(store, asOf, ct);
        if (from > to) return Fail($"--from {from:uuuu-MM-dd} is after --to {to:uuuu-MM-dd}");

        var report = await ReportCatalog.RunAsync(store, kind, new ReportRequest(from.Value, to, period, asOf, units, args.Option("client")), ct);

        var outPath = args.Option("out");
        await using (var output = outPath == null ? Console.OpenStandardOutput() : File.Create(outPath))
        {
            var doc = report.ToDocument();
            if (format == "html") await HtmlExport.WriteAsync(doc, output, now, ct);
            else await CsvExport.WriteAsync(doc, output, ct);
        }

        if (report is ClientLogExtractModel extract)
        {
            var actor = args.Option("actor") is { Length: > 0 } a ? a : $"cli:{Environment.UserName}";
            await PersonalDataViewLog.RecordAsync(store, new PersonalDataViewed(actor, PersonalDataViews.ClientLogExtract, "client", extract.ClientId,
                units == null ? null : string.Join(",", units), extract.From, extract.To, "cli", extract.Accesses.Count, now), ct);
        }
        if (outPath != null) Console.WriteLine($"wrote {kind} report ({format}) to {outPath}");
        return 0;
    }

    /// <summary>1 January of the year of the earliest access on record (or of <paramref name="asOf"/> when there is none).</summary>
    private static async Task<LocalDate> FirstDataYearAsync(IDocumentStore store, LocalDate asOf, CancellationToken ct)
    {
        var first = (await StoreSql.QueryAsync(store, $"select min(local_day) from {store.Options.Events.DatabaseSchemaName}.lc_access_timeline",
            r => r.IsDBNull(0) ? (LocalDate?)null : r.GetFieldValue<LocalDate>(0), ct)).Single();
        return new LocalDate((first ?? asOf).Year, 1, 1);
    }
}
