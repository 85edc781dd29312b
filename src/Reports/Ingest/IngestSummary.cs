using LogControl.Projections;
using LogControl.Projections.Access;
using Marten;
using Npgsql;

namespace LogControl.Reports;

/// <summary>What is in the store: events by type, quarantined rows by reason, accesses by unit.</summary>
public static class IngestSummary
{
    public static Task<List<(string Type, long Count)>> EventCountsAsync(IDocumentStore store, CancellationToken ct = default) =>
        QueryAsync(store, "select type, count(*) from {0}.mt_events group by type order by type",
            r => (r.GetString(0), r.GetInt64(1)), ct);

    public static Task<List<(string Reason, long Count)>> QuarantineByReasonAsync(IDocumentStore store, CancellationToken ct = default) =>
        QueryAsync(store, "select data->>'reasonCode', count(*) from {0}.mt_events where type = 'row_quarantined' group by 1 order by 1",
            r => (r.GetString(0), r.GetInt64(1)), ct);

    /// <summary>Accesses, distinct users and distinct clients per unit, from the access timeline read model.</summary>
    public static Task<List<(string Unit, long Accesses, long Users, long Clients)>> AccessesByUnitAsync(IDocumentStore store, CancellationToken ct = default) =>
        QueryAsync(store,
            "select coalesce(unit_id, '(okänd)'), count(*), count(distinct user_id), count(distinct client_id) " +
            $"from {{0}}.{AccessTimeline.TableName} group by 1 order by 1", r => (r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3)), ct);

    private static Task<List<T>> QueryAsync<T>(IDocumentStore store, string sql, Func<NpgsqlDataReader, T> map, CancellationToken ct) =>
        StoreSql.QueryAsync(store, string.Format(sql, store.Options.Events.DatabaseSchemaName), map, ct);
}
