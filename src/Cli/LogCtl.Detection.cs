using LogControl.Domain.Time;
using LogControl.Hosting.Detection;
using LogControl.Projections.Detection;
using LogControl.Reports.Detection;
using Marten;
using NodaTime;
using Serilog.Extensions.Logging;
using Spectre.Console;

namespace LogControl.Cli;

public static partial class LogCtl
{
    /// <summary>Opens the store with detection registered and waits until it has judged everything ingested so far.</summary>
    private static async Task<(DocumentStore Store, Serilog.Core.Logger Log)> CaughtUpStoreAsync(Args args, CancellationToken ct)
    {
        var (store, log) = await OpenStoreAsync(args, "logctl", ct, withAsyncProjections: true);
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var logger = new SerilogLoggerFactory(log).CreateLogger("detection");
        if (Console.IsErrorRedirected || args.Has("no-progress"))
        {
            await DetectionRunner.CatchUpAsync(store, logger, ct);
            return (store, log);
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        await console.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask("detection", maxValue: 1);
                long? start = null;
                await DetectionRunner.CatchUpAsync(store, logger, ct, new Progress<(long Done, long Target)>(p =>
                {
                    start ??= p.Done;
                    task.MaxValue = Math.Max(1, p.Target - start.Value);
                    task.Value = Math.Max(0, p.Done - start.Value);
                    task.Description = $"detection: event {p.Done:N0} of {p.Target:N0}";
                }));
            });
        return (store, log);
    }

    private static LocalDate? DateOption(Args args, string name)
    {
        var text = args.Option(name);
        if (text == null) return null;
        return SwedishTime.TryParseDate(text, out var d) ? d : throw new ArgumentException($"--{name} needs a date like 2026-03-02, not '{text}'");
    }

    private static async Task<int> AnomaliesExport(Args args, CancellationToken ct)
    {
        var outPath = args.Option("out");
        if (string.IsNullOrWhiteSpace(outPath)) return Fail("anomalies export needs --out FILE");
        var filter = new AnomalyFilter(DateOption(args, "from"), DateOption(args, "to"), args.Option("unit"));
        var (store, log) = await CaughtUpStoreAsync(args, ct);
        await using var _ = store;
        using var __ = log;
        int count;
        await using (var file = File.Create(outPath)) count = await AnomalyExport.WriteAsync(store, file, filter, ct);
        Console.WriteLine($"exported {count} anomalies to {outPath}");
        return 0;
    }

    private static async Task<int> AnomaliesList(Args args, CancellationToken ct)
    {
        var filter = new AnomalyFilter(DateOption(args, "from"), DateOption(args, "to"), args.Option("unit"), args.Option("user"));
        var (store, log) = await CaughtUpStoreAsync(args, ct);
        await using var _ = store;
        using var __ = log;
        var limit = int.TryParse(args.Option("limit"), out var l) ? l : 50;
        var rows = await new AnomalyQueries(store).ListAsync(filter, ct);
        foreach (var a in rows.Take(limit))
            Console.WriteLine($"{a.Day} {a.Severity,-8} {a.Rule,-22} {a.UserId,-22} {a.ClientId ?? "-",-14} {a.AccessCount,4}  {a.Explanation}");
        Console.WriteLine($"{rows.Count} anomalies" + (rows.Count > limit ? $" (first {limit} shown; --limit N)" : ""));
        return 0;
    }

    private static async Task<int> AnomaliesCases(Args args, CancellationToken ct)
    {
        var (store, log) = await CaughtUpStoreAsync(args, ct);
        await using var _ = store;
        using var __ = log;
        var cases = await new AnomalyQueries(store).CasesAsync(ct);
        foreach (var c in cases)
            Console.WriteLine($"{c.HighestSeverity,-8} {c.UserId,-22} {c.UnitId ?? "-",-10} {c.Anomalies,4} anomalies {c.Accesses,5} accesses {c.Clients,4} clients  {string.Join(",", c.Rules)}");
        Console.WriteLine($"{cases.Count} cases");
        return 0;
    }

    /// <summary>stats: the share of patient-record accesses explained, by explanation kind.</summary>
    private static async Task<int> Stats(Args args, CancellationToken ct)
    {
        var (store, log) = await CaughtUpStoreAsync(args, ct);
        await using var _ = store;
        using var __ = log;
        var counts = await new AnomalyQueries(store).ExplanationCountsAsync(ct);
        var total = counts.Sum(c => c.Count);
        Console.WriteLine($"patient-record accesses (successful): {total:N0}");
        foreach (var (kind, count) in counts)
            Console.WriteLine($"  {kind?.ToString() ?? "Unexplained",-26} {count,12:N0} {Share(count, total),8}");
        var explained = counts.Where(c => c.Kind != null).Sum(c => c.Count);
        Console.WriteLine($"explained={Share(explained, total)}");
        return 0;

        static string Share(long n, long total) => total == 0 ? "-" : (100.0 * n / total).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + "%";
    }
}
