using LogControl.Reports.Comparison;
using LogControl.Reports.Compliance;
using LogControl.Reports.Export;
using LogControl.Reports.Extract;
using LogControl.Reports.Public;
using LogControl.Reports.Trends;
using Marten;
using NodaTime;

namespace LogControl.Reports;

/// <summary>What a caller asks for, whichever report it is: the CLI and the web pages fill this in the same way.</summary>
public sealed record ReportRequest(LocalDate From, LocalDate To, PeriodKind Period, LocalDate AsOf, IReadOnlyCollection<string>? Units, string? Client);

/// <summary>The five reports by name (compliance, trends, comparison, extract, public): one dispatch for every host.</summary>
public static class ReportCatalog
{
    public static readonly string[] Kinds = ["compliance", "trends", "comparison", "extract", "public"];

    public static async Task<IExportableReport> RunAsync(IDocumentStore store, string kind, ReportRequest r, CancellationToken ct) => kind switch
    {
        "compliance" => await ComplianceReport.RunAsync(store, new ComplianceParameters(r.AsOf, r.Units), ct),
        "trends" => await TrendsReport.RunAsync(store, new TrendsParameters(r.From, r.To, r.Period, r.AsOf, r.Units), ct),
        "comparison" => await ComparisonReport.RunAsync(store, new ComparisonParameters(r.From, r.To, r.Units), ct),
        "public" => await PublicStatisticsReport.RunAsync(store, new TrendsParameters(r.From, r.To, r.Period, r.AsOf, r.Units), ct),
        "extract" => await ClientLogExtractReport.RunAsync(store,
            new ClientLogExtractParameters(r.Client ?? throw new ArgumentException("a log extract needs the client's personnummer"), r.From, r.To, r.Units), ct),
        _ => throw new ArgumentException($"unknown report '{kind}'"),
    };
}
