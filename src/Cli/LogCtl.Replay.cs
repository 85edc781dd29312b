using System.Text.Json;
using System.Text.Json.Serialization;
using LogControl.Domain.Reference;
using LogControl.Domain.Time;
using LogControl.Projections.Detection;
using LogControl.Projections.Replay;
using LogControl.Reports.Detection;
using LogControl.Workflow.Investigations;
using LogControl.Workflow.Reviews;
using Marten;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;

namespace LogControl.Cli;

/// <summary>
/// Replay and time travel: `show review|investigation|reference ... [--as-of T] [--json]`, `anomalies list|export --as-of T`.
/// T is an instant (2026-03-02T09:00:00Z, or with an offset) or a Stockholm local time (2026-03-02T10:00). As-of answers
/// come from the events stored by T, so they neither wait for nor change detection.
/// </summary>
public static partial class LogCtl
{
    private static readonly JsonSerializerOptions ReplayJson = CreateReplayJson();

    private static JsonSerializerOptions CreateReplayJson()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true };
        o.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
        o.Converters.Add(new JsonStringEnumConverter());
        return o;
    }

    private static Instant? AsOfOption(Args args)
    {
        if (!args.Has("as-of")) return null;
        return AsOf.TryParseLocalOrInstant(args.Option("as-of"), out var at, out var error) ? at : throw new ArgumentException("--as-of: " + error);
    }

    private static string Local(Instant i) => SwedishTime.InStockholm(i).ToString("uuuu-MM-dd HH:mm:ss", null);
    private static string Known(Instant? at) => at is { } a ? $"as known at {Local(a)} Europe/Stockholm ({a})" : "now";

    /// <summary>show review ID | show investigation ID | show reference user|client|unit ID, each [--as-of T] [--json].</summary>
    private static async Task<int> Show(Args args, CancellationToken ct)
    {
        var what = args.SubVerb;
        var rest = args.Positionals.Skip(1).ToList();
        var at = AsOfOption(args);
        var (store, log) = await OpenStoreAsync(args, "logctl", ct);
        await using var _ = store;
        using var __ = log;
        await using var session = store.QuerySession();
        switch (what)
        {
            case "review" when rest.Count == 1 && Guid.TryParse(rest[0], out var id):
            {
                var review = at == null ? await session.LoadAsync<Review>(id, ct) : await Workflow.Replay.Replay.ReviewAsync(session, id, at.Value, ct);
                if (review == null) return Fail($"review {id} " + (at == null ? "does not exist" : $"did not exist yet at {at}"));
                if (args.Has("json")) Console.WriteLine(JsonSerializer.Serialize(review, ReplayJson));
                else PrintReview(review, at);
                return 0;
            }
            case "investigation" when rest.Count == 1 && Guid.TryParse(rest[0], out var id):
            {
                var investigation = at == null ? await session.LoadAsync<Investigation>(id, ct) : await Workflow.Replay.Replay.InvestigationAsync(session, id, at.Value, ct);
                if (investigation == null) return Fail($"investigation {id} " + (at == null ? "does not exist" : $"did not exist yet at {at}"));
                var anomalies = at == null
                    ? (await new AnomalyQueries(store).ListAsync(new AnomalyFilter(UserId: investigation.SubjectUserId), ct)).Select(KnownAnomaly.From).ToList()
                    : await new AnomalyHistory(store).ListAsync(at.Value, new AnomalyFilter(UserId: investigation.SubjectUserId), ct: ct);
                if (args.Has("json")) Console.WriteLine(JsonSerializer.Serialize(new { investigation, anomalies, asOf = at }, ReplayJson));
                else PrintInvestigation(investigation, anomalies, at);
                return 0;
            }
            case "reference" when rest.Count == 2 && Enum.TryParse<ReferenceSubject>(rest[0], ignoreCase: true, out var subject):
            {
                var view = await new ReferenceAsOf(store).GetAsync(subject, rest[1], at, ct);
                if (view.Facts.Count == 0) return Fail($"no reference data for {rest[0]} {rest[1]} " + (at == null ? "" : $"as known at {at}"));
                if (args.Has("json")) Console.WriteLine(JsonSerializer.Serialize(view, ReplayJson));
                else PrintReference(view, at);
                return 0;
            }
            default:
                return Fail("usage: show review ID | show investigation ID | show reference user|client|unit ID, with [--as-of T] [--json]");
        }
    }

    private static void PrintReview(Review r, Instant? at)
    {
        Console.WriteLine($"review {r.Id} — unit {r.UnitId}, {r.Kind.ToString().ToLowerInvariant()}, period {r.PeriodFrom}..{r.PeriodTo}, due {r.DueOn} — {Known(at)}");
        if (r.Suspicion is { } s) Console.WriteLine($"  suspicion: \"{s.Text}\" filed by {s.FiledBy} at {Local(s.At)}");
        Console.WriteLine($"  started: {(r.StartedAt is { } st ? Local(st) : "no")}");
        Console.WriteLine(r.SignedOff is { } so
            ? $"  signed off: {Local(so.At)} by {so.By}{(so.AsDelegate ? " (delegate)" : "")}, {so.Items} items, digest {so.Digest}"
            : "  signed off: no");
        if (r.Corrections > 0) Console.WriteLine($"  corrections: {r.Corrections}");
        Console.WriteLine($"  items: {r.ItemOrder.Count}, decided {r.Items.Values.Count(i => i.Decided)}");
        foreach (var id in r.ItemOrder)
        {
            var i = r.Items[id];
            var verdict = i.Verdict switch
            {
                null => i.AskedEmployee != null ? (i.EmployeeAnswer != null ? "answered, undecided" : $"asked {i.AskedEmployee}") : "undecided",
                Verdict.Justified => $"justified ({i.Category})",
                _ => "unjustified" + (i.Escalated ? ", escalated" : ""),
            };
            Console.WriteLine($"    {id,-40} {i.Item.Kind,-17} {i.Item.SubjectUserId,-20} {i.Item.ClientId ?? "-",-14} {i.Item.Day}  {verdict}");
        }
    }

    private static void PrintInvestigation(Investigation x, IReadOnlyList<KnownAnomaly> anomalies, Instant? at)
    {
        Console.WriteLine($"investigation {x.Id} — subject {x.SubjectUserId}, {x.Status.ToString().ToLowerInvariant()}, opened {Local(x.OpenedAt)} by {x.OpenedBy} ({x.Origin}) — {Known(at)}");
        Console.WriteLine($"  escalations: {x.Escalations.Count}, anomalies attached: {x.Anomalies.Count}, notes: {x.Notes.Count}, interviews: {x.Interviews.Count}, decisions: {x.Decisions.Count}");
        if (x.Breach is { } b)
            Console.WriteLine($"  breach: aware {Local(b.AwareAt)}, IMY deadline {Local(b.ImyDeadline)}, notified {(b.ImyNotifiedAt is { } n ? Local(n) : "no")}");
        if (x.Conclusion is { } c) Console.WriteLine($"  concluded {Local(c.At)}: {c.Outcome} — {c.Summary}");
        Console.WriteLine($"  the subject's anomalies ({(at == null ? "current" : "published by then")}): {anomalies.Count}");
        foreach (var a in anomalies) PrintAnomaly(a, "    ");
    }

    private static void PrintReference(ReferenceView view, Instant? at)
    {
        Console.WriteLine($"reference data of {view.Subject.ToString().ToLowerInvariant()} {view.Id} — {Known(at)}");
        foreach (var f in view.Facts)
        {
            var text = f.Fact switch
            {
                UnitDescribed u => $"unit {u.UnitId} \"{u.Name}\" {u.Kind}, manager {u.ManagerUserId ?? "-"}, covers [{string.Join(",", u.CoversUnits)}]",
                ClientDescribed c => $"client {c.ClientId}{(c.ProtectedIdentity ? ", protected identity" : "")}{(c.DeceasedOn is { } d ? $", deceased {d}" : "")}",
                StaffPlacementRecorded s => $"placement {s.UserId} at {s.UnitId ?? "-"} as {s.Role ?? "-"} {s.From?.ToString() ?? "…"}..{s.To?.ToString() ?? "…"}",
                EnrollmentRecorded e => $"enrollment {e.ClientId} at {e.UnitId} {e.From?.ToString() ?? "…"}..{e.To?.ToString() ?? "…"}",
                AssignmentRecorded a => $"assignment {a.UserId} to {a.ClientId} {a.From?.ToString() ?? "…"}..{a.To?.ToString() ?? "…"} {a.Reason}",
                ShiftRecorded sh => $"shift {sh.UserId} at {sh.UnitId} {Local(sh.Start)}..{(sh.End is { } end ? Local(end) : "…")}",
                VisitRecorded v => $"visit {v.VisitId}: {v.UserId} to {v.ClientId} {Local(v.Start)}..{(v.End is { } end ? Local(end) : "…")}",
                RelationDeclared r => $"relation {r.UserId} – {r.ClientId}: {r.Kind} from {r.From?.ToString() ?? "…"}",
                _ => f.Type,
            };
            Console.WriteLine($"  {text}   [event {f.Sequence}, stored {Local(f.StoredAt)}]");
        }
        Console.WriteLine($"{view.Facts.Count} facts");
    }

    private static void PrintAnomaly(KnownAnomaly a, string indent = "") =>
        Console.WriteLine($"{indent}{a.Day} {a.Severity,-8} {a.Rule,-22} {a.UserId,-22} {a.ClientId ?? "-",-14} {a.AccessCount,4}  {a.Explanation}");

    /// <summary>anomalies list --as-of T [--from D] [--to D] [--unit U] [--user U] [--rule R] [--limit N] [--json]: the list published by T.</summary>
    private static async Task<int> AnomaliesListAsOf(Args args, CancellationToken ct)
    {
        var at = AsOfOption(args)!.Value;
        var filter = new AnomalyFilter(DateOption(args, "from"), DateOption(args, "to"), args.Option("unit"), args.Option("user"));
        var (store, log) = await OpenStoreAsync(args, "logctl", ct);
        await using var _ = store;
        using var __ = log;
        var rows = await new AnomalyHistory(store).ListAsync(at, filter, args.Option("rule"), ct);
        if (args.Has("json")) { Console.WriteLine(JsonSerializer.Serialize(rows, ReplayJson)); return 0; }
        var limit = int.TryParse(args.Option("limit"), out var l) ? l : 50;
        Console.WriteLine($"anomalies {Known(at)}");
        foreach (var a in rows.Take(limit)) PrintAnomaly(a);
        Console.WriteLine($"{rows.Count} anomalies" + (rows.Count > limit ? $" (first {limit} shown; --limit N)" : ""));
        return 0;
    }

    /// <summary>anomalies export --out FILE --as-of T [...]: the contract's NDJSON of the anomalies published by T.</summary>
    private static async Task<int> AnomaliesExportAsOf(Args args, CancellationToken ct)
    {
        var outPath = args.Option("out");
        if (string.IsNullOrWhiteSpace(outPath)) return Fail("anomalies export needs --out FILE");
        var at = AsOfOption(args)!.Value;
        var filter = new AnomalyFilter(DateOption(args, "from"), DateOption(args, "to"), args.Option("unit"));
        var (store, log) = await OpenStoreAsync(args, "logctl", ct);
        await using var _ = store;
        using var __ = log;
        var rows = await new AnomalyHistory(store).ListAsync(at, filter, ct: ct);
        await using (var file = File.Create(outPath)) await AnomalyExport.WriteAsync(file, rows, ct);
        Console.WriteLine($"exported {rows.Count} anomalies {Known(at)} to {outPath}");
        return 0;
    }
}

public static partial class LogCtl
{
    /// <summary>projections check: rebuild every projection into a shadow schema, compare with the live ones; exit 1 on any difference.</summary>
    private static async Task<int> ProjectionsCheck(Args args, CancellationToken ct)
    {
        var (store, log) = await CaughtUpStoreAsync(args, ct);
        await using var _ = store;
        using var __ = log;
        var cs = await Hosting.Database.DatabaseSelection.ResolveAsync(args.Option("db"), m => Console.Error.WriteLine(m), ct);
        var result = await Hosting.Replay.ProjectionCheck.RunAsync(store, cs,
            new Serilog.Extensions.Logging.SerilogLoggerFactory(log).CreateLogger("projections"), ct);
        Console.WriteLine($"rebuilt the projections from the events up to {result.Events:N0} and compared them with the live read models:");
        foreach (var (projection, table, rows) in result.Compared)
        {
            var d = result.Differences.FirstOrDefault(x => x.Table == table);
            Console.WriteLine($"  {projection,-30} {table,-32} {rows,10:N0} rows  " + (d == null ? "equal"
                : $"DIFFERENT: {d.OnlyLive:N0} live rows not in the rebuild, {d.OnlyRebuilt:N0} rebuilt rows not live; keys {string.Join(", ", d.ExampleKeys)}"));
        }
        if (result.Equal)
        {
            Console.WriteLine($"projections: equal ({result.Compared.Count} read models)");
            return 0;
        }
        Console.WriteLine($"projections: {result.Differences.Count} differ");
        return Fail("the live read models differ from their rebuild: " + string.Join(", ", result.Differences.Select(d => $"{d.Table} ({d.Projection})")));
    }
}
