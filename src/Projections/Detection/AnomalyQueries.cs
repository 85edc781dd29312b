using LogControl.Domain.Detection;
using Marten;
using NodaTime;
using Npgsql;

namespace LogControl.Projections.Detection;

/// <summary>One current anomaly as detection stored it, with when it was first published (if it has been).</summary>
public sealed record AnomalyRow(
    Guid AnomalyId, string Rule, string Severity, string UserId, string? UserName, string? ClientId, string? UnitId,
    LocalDate Day, Instant FirstAccessAt, Instant LastAccessAt, int AccessCount, IReadOnlyList<string> SourceEventIds,
    IReadOnlyList<long> Sequences, IReadOnlyDictionary<string, string?> Evidence, Instant? DetectedAt)
{
    public string Explanation => RuleCatalog.Explain(new AnomalyFacts(Rule, UserId, UserName, ClientId, Day, AccessCount, UnitId, Evidence));

    public AnomalySnapshot Snapshot() =>
        new(Rule, Severity, UserId, ClientId, UnitId, Day, FirstAccessAt, LastAccessAt, AccessCount, SourceEventIds, Explanation);
}

/// <summary>A user's open anomalies rolled up: reviewers judge people and episodes, not rows.</summary>
public sealed record UserCase(
    string UserId, string? UserName, string? UnitId, int Anomalies, int Accesses, int Clients, string HighestSeverity,
    IReadOnlyList<string> Rules, Instant FirstAccessAt, Instant LastAccessAt);

public sealed record AnomalyFilter(LocalDate? From = null, LocalDate? To = null, string? UnitId = null, string? UserId = null);

/// <summary>Read side of detection: current anomalies and the per-user case view.</summary>
public sealed class AnomalyQueries(IDocumentStore store)
{
    private readonly string _s = store.Options.Events.DatabaseSchemaName;

    internal const string Columns =
        "a.anomaly_id, a.rule, a.severity, a.user_id, a.user_name, a.client_id, a.unit_id, a.local_day, a.first_access_at, " +
        "a.last_access_at, a.access_count, a.source_event_ids, a.seq_ids, a.evidence::text";

    internal static AnomalyRow Map(NpgsqlDataReader r, Instant? detectedAt)
    {
        string? Str(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        var evidence = System.Text.Json.JsonDocument.Parse(r.GetString(13)).RootElement.EnumerateObject()
            .ToDictionary(p => p.Name, p => (string?)(p.Value.ValueKind == System.Text.Json.JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText()));
        return new AnomalyRow(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), Str(4), Str(5), Str(6),
            r.GetFieldValue<LocalDate>(7), r.GetFieldValue<Instant>(8), r.GetFieldValue<Instant>(9), r.GetInt32(10),
            r.GetFieldValue<string[]>(11), r.GetFieldValue<long[]>(12), evidence, detectedAt);
    }

    /// <summary>Current anomalies, ordered by first access, filtered by local day of access and unit.</summary>
    public Task<List<AnomalyRow>> ListAsync(AnomalyFilter? filter = null, CancellationToken ct = default)
    {
        filter ??= new AnomalyFilter();
        return StoreSql.QueryAsync(store, $"""
            select {Columns}, p.detected_at
            from {_s}.{DetectionTables.Anomalies} a
            left join {_s}.{DetectionTables.Published} p on p.anomaly_id = a.anomaly_id and p.active
            where ($1::date is null or a.local_day >= $1) and ($2::date is null or a.local_day <= $2)
              and ($3::text is null or a.unit_id = $3) and ($4::text is null or a.user_id = $4)
            order by a.first_access_at, a.rule, a.user_id, a.client_id
            """, r => Map(r, r.IsDBNull(14) ? null : r.GetFieldValue<Instant>(14)), ct,
            (object?)filter.From ?? DBNull.Value, (object?)filter.To ?? DBNull.Value,
            (object?)filter.UnitId ?? DBNull.Value, (object?)filter.UserId ?? DBNull.Value);
    }

    /// <summary>One case per user with open anomalies, the most serious first.</summary>
    public Task<List<UserCase>> CasesAsync(CancellationToken ct = default) =>
        StoreSql.QueryAsync(store, $"""
            select a.user_id, max(a.user_name), (array_agg(a.unit_id order by a.first_access_at))[1], count(*)::int,
                   sum(a.access_count)::int, count(distinct a.client_id)::int,
                   (array['low','medium','high','critical'])[max(array_position(array['low','medium','high','critical'], a.severity))],
                   array_agg(distinct a.rule order by a.rule), min(a.first_access_at), max(a.last_access_at)
            from {_s}.{DetectionTables.Anomalies} a
            group by a.user_id
            order by max(array_position(array['low','medium','high','critical'], a.severity)) desc, count(*) desc, a.user_id
            """, r => new UserCase(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
                r.GetInt32(3), r.GetInt32(4), r.GetInt32(5), r.GetString(6), r.GetFieldValue<string[]>(7),
                r.GetFieldValue<Instant>(8), r.GetFieldValue<Instant>(9)), ct);

    /// <summary>Patient-record accesses by explanation kind (null = unexplained), successful accesses only.</summary>
    public Task<List<(ExplanationKind? Kind, long Count)>> ExplanationCountsAsync(CancellationToken ct = default) =>
        StoreSql.QueryAsync(store, $"""
            select explanation, count(*) from {_s}.lc_access_timeline where not failed group by explanation order by explanation nulls last
            """, r => (r.IsDBNull(0) ? (ExplanationKind?)null : (ExplanationKind)r.GetInt16(0), r.GetInt64(1)), ct);
}
