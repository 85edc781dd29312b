using LogControl.Domain.Time;
using LogControl.Projections;
using LogControl.Projections.Access;
using LogControl.Projections.Detection;
using LogControl.Projections.Reference;
using LogControl.Workflow.Investigations;
using LogControl.Workflow.Reviews;
using Marten;
using NodaTime;

namespace LogControl.Server.Web;

/// <summary>What a manager needs to judge an item: its accesses (with what explained each, if anything), the client's enrollments that day, and the user's shifts around it.</summary>
public sealed record ItemEvidence(IReadOnlyList<TimelineAccess> Accesses, IReadOnlyList<Enrollment> Enrollments, IReadOnlyList<Shift> Shifts)
{
    public static readonly ItemEvidence None = new([], [], []);
}

/// <summary>Reads the evidence of a review's items from the read models (the access timeline, reference history). Read-only; the review decides nothing here.</summary>
public static class ReviewEvidence
{
    /// <summary>How far around the item's local day the user's shifts are shown.</summary>
    public static readonly Duration ShiftMargin = Duration.FromHours(12);

    public static async Task<IReadOnlyDictionary<string, ItemEvidence>> LoadAsync(IDocumentStore store, Review review, CancellationToken ct)
    {
        if (review.Items.Count == 0) return new Dictionary<string, ItemEvidence>();
        var s = store.Options.Events.DatabaseSchemaName;
        var items = review.ItemOrder.Select(id => review.Items[id].Item).ToList();
        var refs = items.SelectMany(i => i.SourceEventIds).Distinct().ToArray();
        var users = items.Select(i => i.SubjectUserId).Distinct().ToArray();
        // Through the (user, day) index: the items name their user and day; source_ref alone has no index.
        var accesses = await StoreSql.QueryAsync(store, $"""
            select occurred_at, user_id, client_id, unit_id, action, purpose, failed, source_ref, explanation
            from {s}.{AccessTimeline.TableName}
            where user_id = any($1) and local_day between $2 and $3 and source_ref = any($4)
            order by occurred_at, seq_id
            """, r => new TimelineAccess(r.GetFieldValue<Instant>(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.GetString(4), r.GetString(5), r.GetBoolean(6), r.IsDBNull(7) ? null : r.GetString(7),
                r.IsDBNull(8) ? null : (ExplanationKind)r.GetInt16(8)),
            ct, users, items.Min(i => i.Day), items.Max(i => i.Day), refs);
        var byRef = accesses.Where(a => a.SourceRef != null).ToLookup(a => a.SourceRef!);

        var history = new ReferenceHistory(store);
        var enrollments = new Dictionary<(string, LocalDate), IReadOnlyList<Enrollment>>();
        var shifts = new Dictionary<(string, LocalDate), IReadOnlyList<Shift>>();
        var result = new Dictionary<string, ItemEvidence>();
        foreach (var item in items)
        {
            var own = item.SourceEventIds.SelectMany(r => byRef[r]).OrderBy(a => a.OccurredAt).ToList();
            IReadOnlyList<Enrollment> enrolled = [];
            if (item.ClientId != null && !enrollments.TryGetValue((item.ClientId, item.Day), out enrolled!))
                enrollments[(item.ClientId, item.Day)] = enrolled = await history.EnrollmentsOnAsync(item.ClientId, item.Day, ct);
            if (!shifts.TryGetValue((item.SubjectUserId, item.Day), out var worked))
                shifts[(item.SubjectUserId, item.Day)] = worked = await ShiftsAroundDayAsync(store, item.SubjectUserId, item.Day, ct);
            result[item.ItemId] = new ItemEvidence(own, enrolled, worked);
        }
        return result;
    }

    private static async Task<IReadOnlyList<Shift>> ShiftsAroundDayAsync(IDocumentStore store, string userId, LocalDate day, CancellationToken ct)
    {
        var from = day.AtStartOfDayInZone(SwedishTime.Zone).ToInstant() - ShiftMargin;
        var to = day.PlusDays(1).AtStartOfDayInZone(SwedishTime.Zone).ToInstant() + ShiftMargin;
        return await StoreSql.QueryAsync(store, $"""
            select user_id, unit_id, start_at, end_at from {store.Options.Events.DatabaseSchemaName}.lc_ref_shifts
            where user_id = $1 and start_at < $3 and coalesce(end_at, start_at + interval '12 hours') > $2 order by start_at
            """, r => new Shift(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetFieldValue<Instant>(2),
                r.IsDBNull(3) ? null : r.GetFieldValue<Instant>(3)), ct, userId, from, to);
    }
}
