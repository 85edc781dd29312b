using System.Diagnostics;
using System.Text.Json;
using LogControl.Domain.Ingestion;
using LogControl.Domain.Time;
using LogControl.Hosting.Database;
using LogControl.Hosting.Marten;
using LogControl.Hosting.Observability;
using LogControl.Ingest.Pipeline;
using Marten;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Spectre.Console;

namespace LogControl.Cli;

public static partial class LogCtl
{
    /// <summary>Opens the selected database (starting the embedded one if needed) with the event store schema in place.</summary>
    internal static async Task<(DocumentStore store, Serilog.Core.Logger log)> OpenStoreAsync(Args args, string app, CancellationToken ct, bool withAsyncProjections = false)
    {
        var config = LogSetup.BuildConfiguration();
        var log = LogSetup.Configure(new LoggerConfiguration(), config, app, LogEventLevel.Warning, consoleToStderr: true).CreateLogger();
        var cs = await DatabaseSelection.ResolveAsync(args.Option("db"), m => Console.Error.WriteLine(m), ct);
        var store = MartenSetup.CreateStore(cs, withAsyncProjections);
        return (store, log);
    }

    private static async Task<int> Ingest(Args args, CancellationToken ct)
    {
        var paths = args.Positionals.ToList();
        if (paths.Count == 0) return Fail("ingest needs at least one file or folder");

        var (store, log) = await OpenStoreAsync(args, "logctl", ct);
        await using var _ = store;
        using var __ = log;
        var pipeline = new IngestPipeline(store, new SerilogLoggerFactory(log).CreateLogger("ingest"),
            new IngestOptions
            {
                BatchSize = int.TryParse(args.Option("batch-size"), out var bs) ? bs : new IngestOptions().BatchSize,
                Writers = int.TryParse(args.Option("writers"), out var wr) ? wr : new IngestOptions().Writers,
                WriteLeafHashes = !args.Has("no-checkpoint"),
            });
        await pipeline.EnsureSchemaAsync(ct);

        var sw = Stopwatch.StartNew();
        IngestTotals totals;
        if (!Console.IsErrorRedirected && !args.Has("no-progress"))
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            totals = await console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                    new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async ctx =>
                {
                    var task = ctx.AddTask("ingest", maxValue: 1);
                    var progress = new Progress<IngestProgress>(p =>
                    {
                        var rate = p.Rows / Math.Max(sw.Elapsed.TotalSeconds, 0.001);
                        task.Description = $"{Path.GetFileName(p.File)}: {p.Rows:N0} rows, {rate:N0} rows/s, rejected {p.Totals.Rejected:N0}";
                        if (p.BytesTotal > 0) { task.MaxValue = p.BytesTotal; task.Value = p.BytesRead; }
                    });
                    return await pipeline.IngestPathsAsync(paths, progress, ct);
                });
        }
        else
        {
            totals = await pipeline.IngestPathsAsync(paths, null, ct);
        }

        var rate = totals.Rows / Math.Max(sw.Elapsed.TotalSeconds, 0.001);
        // Tamper evidence right after the rows land, so a later change to them can be told (docs/INTEGRITY.md).
        // Measured: once at the end costs ingest less than extending every few seconds while it runs (BENCHMARKS.md).
        if (!args.Has("no-checkpoint"))
        {
            var extension = await CheckpointAsync(store, IntegritySettingsFor(args), log, ct);
            if (extension.Checkpoint is { } c) Console.WriteLine($"checkpoint size={c.Size} last_seq={c.LastSeq} root={c.RootHex[..16]}");
        }
        Console.WriteLine($"files={totals.Files} unreadable={totals.UnreadableFiles} skipped={totals.Skipped} elapsed={sw.Elapsed.TotalSeconds:0.0}s rate={rate:0}/s");
        Console.WriteLine(totals.ToString());
        if (totals.Files == 0) return Fail("nothing could be read");
        return 0;
    }

    private static async Task<int> QuarantineList(Args args, CancellationToken ct)
    {
        var (store, log) = await OpenStoreAsync(args, "logctl", ct);
        await using var _ = store;
        using var __ = log;
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var limit = int.TryParse(args.Option("limit"), out var l) ? l : int.MaxValue;
        var count = 0;
        await foreach (var q in QuarantineQueries.ReadAsync(store, args.Option("reason"), ct))
        {
            if (count++ >= limit) continue;
            var raw = q.Raw.ReplaceLineEndings("⏎");
            if (raw.Length > 80) raw = raw[..77] + "...";
            Console.WriteLine($"{q.File}:{q.Line}\t{q.ReasonCode}\t{q.Reason}\t{raw}");
        }
        Console.WriteLine($"quarantined={count}");
        return 0;
    }

    private static async Task<int> QuarantineExport(Args args, CancellationToken ct)
    {
        var outPath = args.Option("out");
        if (string.IsNullOrWhiteSpace(outPath)) return Fail("quarantine export needs --out FILE");
        var (store, log) = await OpenStoreAsync(args, "logctl", ct);
        await using var _ = store;
        using var __ = log;
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var count = 0;
        await using (var file = File.Create(outPath))
        {
            await foreach (var q in QuarantineQueries.ReadAsync(store, args.Option("reason"), ct))
            {
                await using (var w = new Utf8JsonWriter(file, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                {
                    w.WriteStartObject();
                    w.WriteString("file", q.File);
                    w.WriteNumber("line", q.Line);
                    w.WriteString("reason_code", q.ReasonCode);
                    w.WriteString("reason", q.Reason);
                    w.WriteString("raw", q.Raw);
                    w.WriteString("quarantined_at", SwedishTime.FormatIso(q.QuarantinedAt));
                    w.WriteEndObject();
                }
                file.WriteByte((byte)'\n');
                count++;
            }
        }
        Console.WriteLine($"exported={count} file={outPath}");
        return 0;
    }
}

/// <summary>Reads the quarantine back from the event store, in the order rows were quarantined.</summary>
public static class QuarantineQueries
{
    public static async IAsyncEnumerable<RowQuarantined> ReadAsync(IDocumentStore store, string? reasonCode,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        IQueryable<RowQuarantined> query = session.Events.QueryRawEventDataOnly<RowQuarantined>();
        if (reasonCode != null) query = query.Where(q => q.ReasonCode == reasonCode);
        // In the order the rows were quarantined, then by file and line.
        query = query.OrderBy(q => q.QuarantinedAt).ThenBy(q => q.File).ThenBy(q => q.Line);
        await foreach (var q in query.ToAsyncEnumerable(ct)) yield return q;
    }
}
