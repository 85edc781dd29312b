using LogControl.Domain.Ingestion;
using Marten;

namespace LogControl.Reports;

/// <summary>What is in the store: events by type and quarantined rows by reason.</summary>
public static class IngestSummary
{
    public static async Task<IReadOnlyList<(string Type, long Count)>> EventCountsAsync(IQuerySession session, CancellationToken ct = default)
    {
        var schema = session.DocumentStore.Options.Events.DatabaseSchemaName;
        var rows = await session.AdvancedSql.QueryAsync<(string, long)>(
            $"select type, count(*) from {schema}.mt_events group by type order by type", ct);
        return rows;
    }

    public static async Task<IReadOnlyList<(string Reason, long Count)>> QuarantineByReasonAsync(IQuerySession session, CancellationToken ct = default)
    {
        var schema = session.DocumentStore.Options.Events.DatabaseSchemaName;
        return await session.AdvancedSql.QueryAsync<(string, long)>(
            $"select data->>'reasonCode', count(*) from {schema}.mt_events where type = 'row_quarantined' group by 1 order by 1", ct);
    }
}
