using JasperFx.Events;
using LogControl.Domain.Access;
using LogControl.Domain.Detection;
using LogControl.Domain.Reference;
using LogControl.Projections.Access;
using LogControl.Projections.Reference;
using Marten;
using Marten.Events.Projections;

namespace LogControl.Projections.Detection;

/// <summary>
/// Detection as one async projection over facts and accesses, in event order (docs/DETECTION.md). Per page
/// of events, all in the daemon's transaction and set-based:
/// <list type="number">
/// <item>reference facts update the reference history, and mark the earlier accesses they could change;</item>
/// <item>new and marked accesses are explained (explanation first) and judged by the per-access rules;</item>
/// <item>FAILED_ACCESS and VOLUME_SPIKE are judged for the groups and days that changed;</item>
/// <item>the anomalies whose hits changed are regrouped; an anomaly without hits is removed.</item>
/// </list>
/// The result is a function of the event history alone, so a rebuild gives the same anomalies as live
/// processing. The <see cref="AnomalyPublisher"/> turns changes into events.
/// </summary>
public sealed class DetectionProjection : IProjection
{
    public const string Name = "Detection";

    public static readonly Type[] EventTypes = [typeof(AccessRecorded), .. ReferenceHistoryWriter.EventTypes];

    private readonly string _s;
    private readonly ReferenceHistoryWriter _reference;
    private readonly string _severities;

    public DetectionProjection(string schema)
    {
        _s = schema;
        _reference = new ReferenceHistoryWriter(schema);
        _severities = "(values " + string.Join(", ", RuleCatalog.Rules.Select(r => $"('{r.Rule}', '{RuleCatalog.SeverityCode(r.Severity)}')")) + ")";
    }

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        _reference.Queue(operations, events);

        var scope = new DirtyScope();
        var accesses = new List<(long Seq, Guid Id, AccessRecorded Access)>();
        foreach (var e in events)
        {
            if (e.Data is AccessRecorded a) accesses.Add((e.Sequence, e.Id, a));
            else scope.Add(e.Data);
        }
        if (accesses.Count == 0 && scope.IsEmpty) return Task.CompletedTask;

        QueueNewAccesses(operations, accesses);
        QueueDirty(operations, scope);
        QueueJudgement(operations, scope);
        return Task.CompletedTask;
    }

    private void QueueNewAccesses(IDocumentOperations ops, List<(long Seq, Guid Id, AccessRecorded Access)> accesses)
    {
        var n = accesses.Count;
        var seq = new long[n];
        var at = new DateTimeOffset[n];
        var user = new string[n];
        var client = new string[n];
        var unit = new string?[n];
        var action = new string[n];
        var purpose = new string[n];
        var failed = new bool[n];
        var id = new Guid[n];
        var source = new string[n];
        for (var i = 0; i < n; i++)
        {
            var (s, eventId, a) = accesses[i];
            seq[i] = s;
            at[i] = a.OccurredAt.ToDateTimeOffset();
            user[i] = a.UserId;
            client[i] = a.ClientId;
            unit[i] = a.UnitId;
            action[i] = a.Action.ToString();
            purpose[i] = a.Purpose.ToString();
            failed[i] = a.Outcome == AccessOutcome.Failed;
            id[i] = eventId;
            source[i] = a.System + ":" + a.EventId;
        }
        ops.QueueSqlCommand("""
            create temp table lc_tmp_new on commit drop as
            select n.*, (n.occurred_at at time zone 'Europe/Stockholm')::date as local_day
            from unnest(?::bigint[], ?::timestamptz[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::boolean[], ?::uuid[], ?::text[])
                 as n(seq_id, occurred_at, user_id, client_id, unit_id, action, purpose, failed, event_id, source_ref)
            """, seq, at, user, client, unit, action, purpose, failed, id, source);
    }

    /// <summary>Earlier accesses that this page's facts could change the verdict on.</summary>
    private void QueueDirty(IDocumentOperations ops, DirtyScope scope)
    {
        var t = $"{_s}.{AccessTimeline.TableName}";
        ops.QueueSqlCommand("create temp table lc_tmp_dirty (seq_id bigint primary key) on commit drop");
        if (scope.IsEmpty) return;

        var (users, from, to) = scope.UserWindows();
        if (users.Length > 0)
            ops.QueueSqlCommand($"""
                insert into lc_tmp_dirty select t.seq_id from {t} t
                join unnest(?::text[], ?::timestamptz[], ?::timestamptz[]) w(u, f, e) on t.user_id = w.u and t.occurred_at >= w.f and t.occurred_at < w.e
                on conflict do nothing
                """, users, from, to);
        var (pu, pc, pf, pt) = scope.PairWindows();
        if (pu.Length > 0)
            ops.QueueSqlCommand($"""
                insert into lc_tmp_dirty select t.seq_id from {t} t
                join unnest(?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[]) w(u, c, f, e)
                  on t.user_id = w.u and t.client_id = w.c and t.occurred_at >= w.f and t.occurred_at < w.e
                on conflict do nothing
                """, pu, pc, pf, pt);
        if (scope.Clients is { Length: > 0 } clients)
            ops.QueueSqlCommand($"insert into lc_tmp_dirty select t.seq_id from {t} t where t.client_id = any(?::text[]) on conflict do nothing", [clients]);
        if (scope.Units is { Length: > 0 } units)
            ops.QueueSqlCommand($"""
                insert into lc_tmp_dirty select t.seq_id from {t} t
                where t.user_id in (select p.user_id from {_s}.lc_ref_placements p where p.unit_id = any(?::text[]))
                on conflict do nothing
                """, [units]);
    }

    private void QueueJudgement(IDocumentOperations ops, DirtyScope scope)
    {
        foreach (var sql in DetectionSql.PerAccess(_s, _severities)) ops.QueueSqlCommand(sql);
        var (spikeFrom, spikeTo) = scope.SpikeDayRanges();
        ops.QueueSqlCommand(DetectionSql.SpikeDaysFromFacts(_s), spikeFrom, spikeTo);
        foreach (var sql in DetectionSql.GroupsAndAnomalies(_s, _severities)) ops.QueueSqlCommand(sql);
    }
}
