using LogControl.Projections;
using LogControl.Projections.Access;
using LogControl.Projections.Detection;
using Marten;
using NodaTime;

namespace LogControl.Workflow.Investigations;

/// <summary>One access of the subject user to a client concerned, as the access timeline has it.</summary>
public sealed record TimelineAccess(
    Instant OccurredAt, string UserId, string ClientId, string? UnitId, string Action, string Purpose, bool Failed,
    string? SourceRef, ExplanationKind? Explanation);

/// <summary>Read side of investigations: the snapshots, the subject's timeline and anomalies, and the open IMY deadlines.</summary>
public static class InvestigationQueries
{
    public static Task<Investigation?> OpenForUserAsync(IQuerySession session, string userId, CancellationToken ct) =>
        session.Query<Investigation>()
            .Where(x => x.SubjectUserId == userId && x.Status == InvestigationStatus.Open)
            .FirstOrDefaultAsync(ct);

    public static async Task<IReadOnlyList<Investigation>> ListAsync(IQuerySession session, InvestigationStatus? status, string? userId, CancellationToken ct)
    {
        var query = session.Query<Investigation>().AsQueryable();
        if (status != null) query = query.Where(x => x.Status == status);
        if (!string.IsNullOrEmpty(userId)) query = query.Where(x => x.SubjectUserId == userId);
        var list = await query.ToListAsync(ct);
        return list.OrderByDescending(x => x.OpenedAt).ToList();
    }

    /// <summary>
    /// The subject user's accesses to the clients concerned (those of the case's anomalies and escalations), in
    /// every unit, in time order, with how each was explained (null: nothing explains it). With <paramref name="knownAt"/>, only
    /// the accesses stored by then (the explanation is still today's: the timeline keeps no history of it).
    /// </summary>
    public static Task<List<TimelineAccess>> TimelineAsync(IDocumentStore store, Investigation investigation, CancellationToken ct, Instant? knownAt = null)
    {
        var clients = investigation.ClientsConcerned().ToArray();
        if (clients.Length == 0) return Task.FromResult(new List<TimelineAccess>());
        var schema = store.Options.Events.DatabaseSchemaName;
        return StoreSql.QueryAsync(store, $"""
            select occurred_at, user_id, client_id, unit_id, action, purpose, failed, source_ref, explanation
            from {schema}.{AccessTimeline.TableName} t
            where user_id = $1 and client_id = any($2)
              and ($3::timestamptz is null or exists (select 1 from {schema}.mt_events e where e.seq_id = t.seq_id and e.timestamp <= $3))
            order by occurred_at, seq_id
            """, r => new TimelineAccess(r.GetFieldValue<Instant>(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.GetString(4), r.GetString(5), r.GetBoolean(6), r.IsDBNull(7) ? null : r.GetString(7),
                r.IsDBNull(8) ? null : (ExplanationKind)r.GetInt16(8)), ct, investigation.SubjectUserId, clients,
                knownAt is { } k ? k.ToDateTimeOffset() : DBNull.Value);
    }

    /// <summary>All the subject user's current anomalies, in every unit (not only those attached).</summary>
    public static Task<List<AnomalyRow>> AnomaliesAsync(IDocumentStore store, Investigation investigation, CancellationToken ct) =>
        new AnomalyQueries(store).ListAsync(new AnomalyFilter(UserId: investigation.SubjectUserId), ct);

    /// <summary>Confirmed breaches IMY has not been notified of, the nearest deadline first.</summary>
    public static async Task<List<OpenBreach>> OpenBreachesAsync(IQuerySession session, Instant now, CancellationToken ct)
    {
        var withBreach = await session.Query<Investigation>().Where(x => x.Breach != null).ToListAsync(ct);
        return withBreach
            .Where(x => x.Breach!.ImyNotifiedAt == null)
            .Select(x => new OpenBreach(x.Id, x.SubjectUserId, x.Breach!.AwareAt, x.Breach.ImyDeadline,
                Math.Round((x.Breach.ImyDeadline - now).TotalHours, 1), x.Breach.WarningRaisedAt != null, x.Breach.DeadlineMissedAt != null))
            .OrderBy(b => b.Deadline)
            .ToList();
    }
}
