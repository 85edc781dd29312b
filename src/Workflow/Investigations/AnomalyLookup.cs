using LogControl.Domain.Detection;
using LogControl.Projections;
using LogControl.Projections.Detection;
using Marten;
using NodaTime;

namespace LogControl.Workflow.Investigations;

/// <summary>
/// What an investigation keeps of the anomalies attached to it. Current anomalies come from detection's table;
/// one that detection has since retracted is still found in its published stream (the case keeps its history).
/// </summary>
internal static class AnomalyLookup
{
    public static async Task<List<AnomalyRef>> FindAsync(IDocumentStore store, IQuerySession session, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        var schema = store.Options.Events.DatabaseSchemaName;
        var found = await StoreSql.QueryAsync(store, $"""
            select anomaly_id, rule, user_id, client_id, unit_id, local_day
            from {schema}.{DetectionTables.Anomalies} where anomaly_id = any($1)
            """, r => new AnomalyRef(r.GetGuid(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : r.GetString(4), r.GetFieldValue<LocalDate>(5)), ct, ids.Distinct().ToArray());

        foreach (var id in ids.Distinct().Where(id => found.All(f => f.AnomalyId != id)))
        {
            var events = await session.Events.FetchStreamAsync(id, token: ct);
            var last = events.Select(e => e.Data switch
            {
                AnomalyDetected d => d.Anomaly,
                AnomalyEvidenceChanged c => c.Anomaly,
                _ => null,
            }).LastOrDefault(s => s != null);
            if (last != null) found.Add(new AnomalyRef(id, last.Rule, last.UserId, last.ClientId, last.UnitId, last.Day));
        }
        return ids.Distinct().Select(id => found.FirstOrDefault(f => f.AnomalyId == id)).OfType<AnomalyRef>().ToList();
    }
}
