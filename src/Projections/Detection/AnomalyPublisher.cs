using LogControl.Domain.Detection;
using Marten;
using NodaTime;
using Npgsql;

namespace LogControl.Projections.Detection;

/// <summary>
/// Turns changes in detection's current anomalies into events on each anomaly's own stream:
/// <see cref="AnomalyDetected"/>, <see cref="AnomalyEvidenceChanged"/>, <see cref="AnomalyRetracted"/>.
/// It compares <c>lc_anomalies</c> with what it published before (<c>lc_anomaly_published</c>, which a
/// projection rebuild leaves alone), so a rebuild that reproduces the same anomalies publishes nothing.
/// The events and the record of them commit together; one publisher runs at a time (advisory lock).
/// </summary>
public sealed class AnomalyPublisher(IDocumentStore store, IClock clock)
{
    private const long LockKey = 0x4C43_414E_4F4D; // "LCANOM"
    private const int PageSize = 1000;
    private readonly string _s = store.Options.Events.DatabaseSchemaName;

    private string Fingerprint(string a) =>
        $"md5(concat_ws('|', {a}.severity, {a}.unit_id, {a}.user_name, {a}.access_count, {a}.source_event_ids::text, {a}.evidence::text))";

    public sealed record Result(int Detected, int Changed, int Retracted)
    {
        public int Total => Detected + Changed + Retracted;
    }

    /// <summary>Publishes every pending change; returns what it published.</summary>
    public async Task<Result> PublishAsync(CancellationToken ct = default)
    {
        await using var lockConn = store.Storage.Database.CreateConnection();
        await lockConn.OpenAsync(ct);
        await using (var take = new NpgsqlCommand($"select pg_advisory_lock({LockKey})", lockConn)) await take.ExecuteNonQueryAsync(ct);
        try
        {
            int detected = 0, changed = 0, retracted = 0;
            while (true)
            {
                var (d, c) = await PublishCurrentAsync(ct);
                var r = await PublishRetractionsAsync(ct);
                detected += d; changed += c; retracted += r;
                if (d + c + r == 0) return new Result(detected, changed, retracted);
            }
        }
        finally
        {
            await using var release = new NpgsqlCommand($"select pg_advisory_unlock({LockKey})", lockConn);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private async Task<(int Detected, int Changed)> PublishCurrentAsync(CancellationToken ct)
    {
        var pending = await StoreSql.QueryAsync(store, $"""
            select {AnomalyQueries.Columns}, p.active, {Fingerprint("a")}
            from {_s}.{DetectionTables.Anomalies} a
            left join {_s}.{DetectionTables.Published} p on p.anomaly_id = a.anomaly_id
            where p.anomaly_id is null or not p.active or p.fingerprint <> {Fingerprint("a")}
            order by a.last_seq limit {PageSize}
            """, r => (Row: AnomalyQueries.Map(r, null), WasActive: !r.IsDBNull(14) && r.GetBoolean(14), Fingerprint: r.GetString(15)), ct);
        if (pending.Count == 0) return (0, 0);

        var now = clock.GetCurrentInstant();
        await using var session = store.LightweightSession();
        int detected = 0, changed = 0;
        foreach (var (row, wasActive, fingerprint) in pending)
        {
            var snapshot = row.Snapshot();
            if (wasActive) { session.Events.Append(row.AnomalyId, new AnomalyEvidenceChanged(row.AnomalyId, snapshot, now)); changed++; }
            else { session.Events.Append(row.AnomalyId, new AnomalyDetected(row.AnomalyId, snapshot, now)); detected++; }
            session.QueueSqlCommand($"""
                insert into {_s}.{DetectionTables.Published} (anomaly_id, fingerprint, rule, seq_ids, active, detected_at, changed_at)
                values (?, ?, ?, ?, true, ?, ?)
                on conflict (anomaly_id) do update set fingerprint = excluded.fingerprint, seq_ids = excluded.seq_ids, active = true,
                  detected_at = case when {_s}.{DetectionTables.Published}.active then {_s}.{DetectionTables.Published}.detected_at else excluded.detected_at end,
                  changed_at = excluded.changed_at
                """, row.AnomalyId, fingerprint, row.Rule, row.Sequences.ToArray(), now.ToDateTimeOffset(), now.ToDateTimeOffset());
        }
        await session.SaveChangesAsync(ct);
        return (detected, changed);
    }

    private async Task<int> PublishRetractionsAsync(CancellationToken ct)
    {
        // How the former evidence is explained now: usually a late visit or assignment.
        var gone = await StoreSql.QueryAsync(store, $"""
            select p.anomaly_id, p.rule,
                   coalesce((select array_agg(distinct t.explanation order by t.explanation) from {_s}.lc_access_timeline t
                             where t.seq_id = any(p.seq_ids) and t.explanation is not null), array[]::smallint[])
            from {_s}.{DetectionTables.Published} p
            where p.active and not exists (select 1 from {_s}.{DetectionTables.Anomalies} a where a.anomaly_id = p.anomaly_id)
            order by p.anomaly_id limit {PageSize}
            """, r => (Id: r.GetGuid(0), Rule: r.GetString(1), Kinds: r.GetFieldValue<short[]>(2)), ct);
        if (gone.Count == 0) return 0;

        var now = clock.GetCurrentInstant();
        await using var session = store.LightweightSession();
        foreach (var (id, rule, kinds) in gone)
        {
            var explainedBy = kinds.Select(k => ((ExplanationKind)k).ToString()).ToArray();
            var reason = explainedBy.Length > 0
                ? $"The accesses are now explained by {string.Join(", ", explainedBy)}."
                : "The accesses no longer match the rule after later reference data.";
            session.Events.Append(id, new AnomalyRetracted(id, rule, explainedBy, reason, now));
            session.QueueSqlCommand($"update {_s}.{DetectionTables.Published} set active = false, changed_at = ? where anomaly_id = ?",
                now.ToDateTimeOffset(), id);
        }
        await session.SaveChangesAsync(ct);
        return gone.Count;
    }
}
