using System.Text.Json;
using System.Text.Json.Nodes;
using LogControl.Hosting.Detection;
using LogControl.Hosting.Marten;
using LogControl.Projections.Access;
using LogControl.Projections.Detection;
using LogControl.Projections.Reference;
using Marten;
using Marten.Events;
using Microsoft.Extensions.Logging;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;
using Npgsql;
using Weasel.Postgresql.Tables;

namespace LogControl.Hosting.Replay;

/// <summary>One read model that differs from its rebuild: rows only in the live table, rows only in the rebuild, a few keys.</summary>
public sealed record ProjectionDifference(string Projection, string Table, long OnlyLive, long OnlyRebuilt, IReadOnlyList<string> ExampleKeys);

public sealed record ProjectionCheckResult(long Events, IReadOnlyList<(string Projection, string Table, long Rows)> Compared, IReadOnlyList<ProjectionDifference> Differences)
{
    public bool Equal => Differences.Count == 0;
}

/// <summary>
/// `projections check`: rebuilds every projection from the event history and compares the result with the live read models.
/// <list type="bullet">
/// <item>The live projections are first brought up to the high-water mark (<see cref="DetectionRunner.CatchUpAsync"/>).</item>
/// <item>Detection is rebuilt into a shadow schema by a second store whose read models live there (the events stay in
/// <see cref="MartenSetup.Schema"/>). The check feeds the events to a <see cref="DetectionProjection"/> of its own, page by
/// page, so no daemon runs for the shadow and no projection progress row is written: the live daemon and a running server
/// are not disturbed.</item>
/// <item>Live tables and rebuild are compared inside one repeatable-read snapshot, at the live projection's own progress
/// (the daemon commits progress and rows together); if the live side moved on meanwhile, the rebuild catches up first.</item>
/// <item>Inline snapshots (reviews, unit review settings, investigations, accounts) are compared with a fresh aggregation of
/// their streams.</item>
/// </list>
/// Only what a projection produces is compared: not the publisher's record (<c>lc_anomaly_published</c>), not Wolverine's or
/// the integrity tables. Columns that record wall-clock time of a write are left out.
/// </summary>
public static class ProjectionCheck
{
    private const int PageSize = 5000;

    /// <summary>Write times, not findings (see DetectionTables).</summary>
    private static readonly HashSet<string> VolatileColumns = ["first_stored_at", "stored_at"];

    /// <param name="live">A store built with the async projections (it runs or waits for the daemon).</param>
    public static async Task<ProjectionCheckResult> RunAsync(IDocumentStore live, string connectionString, ILogger? logger, CancellationToken ct)
    {
        await DetectionRunner.CatchUpAsync(live, logger, ct);
        var shadowSchema = $"lc_check_{Guid.NewGuid():N}"[..17];
        var shadow = MartenSetup.CreateStore(connectionString, withAsyncProjections: false, readModelSchema: shadowSchema);
        try
        {
            await shadow.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            var projection = new DetectionProjection(shadowSchema);
            long rebuilt = 0;
            for (var attempt = 0; ; attempt++)
            {
                var target = await DetectionRunner.ProgressAsync(live, ct);
                rebuilt = await RebuildAsync(shadow, projection, rebuilt, target, ct);
                var result = await CompareTablesAsync(live, shadowSchema, rebuilt, ct);
                if (result != null)
                {
                    var snapshots = await CompareSnapshotsAsync(live, ct);
                    return new ProjectionCheckResult(rebuilt, [.. result.Value.Compared, .. snapshots.Compared],
                        [.. result.Value.Differences, .. snapshots.Differences]);
                }
                if (attempt >= 10) throw new InvalidOperationException("the live projections kept moving during the check; run it again when ingest is quiet");
                logger?.LogInformation("Live detection moved past event {Rebuilt}; the rebuild catches up", rebuilt);
            }
        }
        finally
        {
            await using (var conn = shadow.Storage.Database.CreateConnection())
            {
                await conn.OpenAsync(CancellationToken.None);
                await using var drop = new NpgsqlCommand($"drop schema if exists {shadowSchema} cascade", conn);
                await drop.ExecuteNonQueryAsync(CancellationToken.None);
            }
            shadow.Dispose();
        }
    }

    /// <summary>Feeds the events after <paramref name="from"/> up to <paramref name="to"/> to the shadow projection, one transaction per page.</summary>
    private static async Task<long> RebuildAsync(IDocumentStore shadow, DetectionProjection projection, long from, long to, CancellationToken ct)
    {
        while (from < to)
        {
            await using var session = shadow.LightweightSession();
            var page = await session.Events.QueryAllRawEvents()
                .Where(e => e.Sequence > from && e.Sequence <= to && e.EventTypesAre(DetectionProjection.EventTypes))
                .OrderBy(e => e.Sequence).Take(PageSize).ToListAsync(ct);
            if (page.Count == 0) break;
            await projection.ApplyAsync(session, page, ct);
            await session.SaveChangesAsync(ct);
            from = page[^1].Sequence;
        }
        return to;
    }

    /// <summary>
    /// Compares each table of detection (DetectionTables.Rebuilt) with its rebuild, in one snapshot of the database; null when the
    /// live projection's progress in that snapshot is not <paramref name="rebuiltTo"/>.
    /// </summary>
    private static async Task<(List<(string, string, long)> Compared, List<ProjectionDifference> Differences)?> CompareTablesAsync(
        IDocumentStore live, string shadowSchema, long rebuiltTo, CancellationToken ct)
    {
        var schema = MartenSetup.Schema;
        var definitions = new[] { AccessTimeline.Table(schema) }.Concat(ReferenceHistoryWriter.Tables(schema)).Concat(DetectionTables.All(schema))
            .ToDictionary(t => $"{schema}.{t.Identifier.Name}");
        var compared = new List<(string, string, long)>();
        var differences = new List<ProjectionDifference>();

        await using var conn = live.Storage.Database.CreateConnection();
        await conn.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await using (var progress = new NpgsqlCommand(
                         $"select coalesce(max(last_seq_id), 0) from {schema}.mt_event_progression where name like '{DetectionProjection.Name}:%'", conn, tx))
            if ((long)(await progress.ExecuteScalarAsync(ct))! != rebuiltTo) return null;

        foreach (var qualified in DetectionTables.Rebuilt(schema))
        {
            var table = definitions[qualified];
            var name = table.Identifier.Name;
            var columns = string.Join(", ", table.Columns.Select(c => c.Name).Where(c => !VolatileColumns.Contains(c)));
            var key = "concat_ws('/', " + string.Join(", ", table.PrimaryKeyColumns) + ")";
            var sql = $"""
                with l as (select {columns} from {schema}.{name}), s as (select {columns} from {shadowSchema}.{name}),
                     only_live as (select * from l except all select * from s), only_rebuilt as (select * from s except all select * from l)
                select (select count(*) from l), (select count(*) from only_live), (select count(*) from only_rebuilt),
                       array(select k from (select {key} k from only_live union select {key} from only_rebuilt) keys order by k limit 5)
                """;
            await using var cmd = new NpgsqlCommand(sql, conn, tx);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            compared.Add((DetectionProjection.Name, qualified, r.GetInt64(0)));
            if (r.GetInt64(1) + r.GetInt64(2) > 0)
                differences.Add(new ProjectionDifference(DetectionProjection.Name, qualified, r.GetInt64(1), r.GetInt64(2), r.GetFieldValue<string[]>(3)));
        }
        await tx.CommitAsync(ct);
        return (compared, differences);
    }

    private static async Task<(List<(string, string, long)> Compared, List<ProjectionDifference> Differences)> CompareSnapshotsAsync(
        IDocumentStore live, CancellationToken ct)
    {
        var compared = new List<(string, string, long)>();
        var differences = new List<ProjectionDifference>();
        async Task Check<T>() where T : class
        {
            var (rows, difference) = await CompareSnapshotAsync<T>(live, ct);
            compared.Add(rows);
            if (difference != null) differences.Add(difference);
        }
        await Check<LogControl.Workflow.Reviews.Review>();
        await Check<LogControl.Workflow.Reviews.UnitReviewSettings>();
        await Check<LogControl.Workflow.Investigations.Investigation>();
        await Check<LogControl.Workflow.Accounts.Account>();
        return (compared, differences);
    }

    private static readonly JsonSerializerOptions CanonicalJson = CreateCanonicalJson();

    private static JsonSerializerOptions CreateCanonicalJson()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.General);
        o.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
        return o;
    }

    /// <summary>
    /// Each stored snapshot against its stream aggregated afresh: a snapshot without a stream, a stream without its snapshot, or
    /// a different state is a difference. Compared as canonical JSON (jsonb does not keep the order of a dictionary's keys).
    /// </summary>
    private static async Task<((string, string, long) Compared, ProjectionDifference? Difference)> CompareSnapshotAsync<T>(IDocumentStore live, CancellationToken ct)
        where T : class
    {
        await using var session = live.QuerySession();
        var mapping = live.Options.FindOrResolveDocumentType(typeof(T));
        var table = mapping.TableName.QualifiedName;
        var alias = ((EventGraph)live.Options.Events).AggregateAliasFor(typeof(T));
        var ids = await LogControl.Projections.StoreSql.QueryAsync(live,
            $"select id from {table} union select id from {MartenSetup.Schema}.mt_streams where type = $1", r => r.GetGuid(0), ct, alias);

        long onlyLive = 0, onlyRebuilt = 0;
        var examples = new List<string>();
        foreach (var id in ids)
        {
            var stored = await session.LoadAsync<T>(id, ct);
            var rebuilt = await session.Events.AggregateStreamAsync<T>(id, token: ct);
            var a = Canonical(stored);
            var b = Canonical(rebuilt);
            if (a == b) continue;
            if (stored != null) onlyLive++;
            if (rebuilt != null) onlyRebuilt++;
            if (examples.Count < 5) examples.Add(id.ToString());
        }
        var name = $"snapshot {typeof(T).Name}";
        return ((name, table, ids.Count), onlyLive + onlyRebuilt > 0 ? new ProjectionDifference(name, table, onlyLive, onlyRebuilt, examples) : null);
    }

    private static string Canonical<T>(T? value) where T : class
    {
        if (value == null) return "";
        return Sort(JsonSerializer.SerializeToNode(value, CanonicalJson))?.ToJsonString() ?? "";

        static JsonNode? Sort(JsonNode? node) => node switch
        {
            JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sort(p.Value)))),
            JsonArray a => new JsonArray(a.Select(Sort).ToArray()),
            null => null,
            _ => JsonNode.Parse(node.ToJsonString()),
        };
    }
}
