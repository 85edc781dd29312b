using LogControl.Projections;
using LogControl.Projections.Detection;
using LogControl.Projections.Reference;
using LogControl.Workflow.Reviews;
using Marten;
using NodaTime;

namespace LogControl.Reports.ReviewPreparation;

/// <summary>One access of an item's evidence, with how detection explained it (null: nothing did).</summary>
public sealed record EvidenceAccess(string SourceRef, Instant At, string UserId, string ClientId, string? UnitId, string Action, string Purpose,
    bool Failed, ExplanationKind? Explanation);

/// <summary>What a manager needs beside one review item: its accesses, the client's enrollments and the user's shifts around the day.</summary>
public sealed record ItemEvidence(string ItemId, IReadOnlyList<EvidenceAccess> Accesses, IReadOnlyList<Enrollment> ClientEnrollments, IReadOnlyList<Shift> ShiftsAround);

public sealed record ReviewEvidenceModel(Guid ReviewId, string UnitId, IReadOnlyList<ItemEvidence> Items);

/// <summary>
/// The evidence queries of a review page, set-based for the whole review (three queries whatever the number of
/// items): accesses by (user, local day) on the timeline's index then narrowed to the item's source references,
/// enrollments of the clients concerned, shifts of the users from the day before to the day after.
/// </summary>
public static class ReviewEvidence
{
    public static async Task<ReviewEvidenceModel> LoadAsync(IDocumentStore store, Review review, CancellationToken ct = default)
    {
        var s = store.Options.Events.DatabaseSchemaName;
        var items = review.ItemOrder.Select(id => review.Items[id].Item).ToList();
        var keys = items.Select(i => (i.SubjectUserId, i.Day)).Distinct().ToList();
        var users = keys.Select(k => k.SubjectUserId).ToArray();
        var days = keys.Select(k => k.Day).ToArray();
        var refs = items.SelectMany(i => i.SourceEventIds).Distinct().ToArray();

        var accesses = await StoreSql.QueryAsync(store, $"""
            select t.source_ref, t.occurred_at, t.user_id, t.client_id, t.unit_id, t.action, t.purpose, t.failed, t.explanation
            from unnest($1::text[], $2::date[]) k(user_id, local_day)
            join {s}.lc_access_timeline t on t.user_id = k.user_id and t.local_day = k.local_day
            where t.source_ref = any($3)
            order by t.occurred_at, t.seq_id
            """, r => new EvidenceAccess(r.GetString(0), r.GetFieldValue<Instant>(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.GetString(5), r.GetString(6), r.GetBoolean(7), r.IsDBNull(8) ? null : (ExplanationKind)r.GetInt16(8)), ct, users, days, refs);
        var clients = items.Select(i => i.ClientId).OfType<string>().Distinct().ToArray();
        var enrollments = await StoreSql.QueryAsync(store, $"""
            select client_id, unit_id, valid_from, valid_to from {s}.lc_ref_enrollments where client_id = any($1) order by client_id, valid_from
            """, r => new Enrollment(r.GetString(0), r.GetString(1), r.GetFieldValue<LocalDate>(2), r.IsDBNull(3) ? null : r.GetFieldValue<LocalDate>(3)),
            ct, (object)clients); // one array parameter, not params-expanded into one parameter per client
        var shifts = await StoreSql.QueryAsync(store, $"""
            select distinct s.user_id, s.unit_id, s.start_at, s.end_at
            from unnest($1::text[], $2::date[]) k(user_id, local_day)
            join {s}.lc_ref_shifts s on s.user_id = k.user_id
             and s.start_at >= (k.local_day - 1)::timestamp at time zone 'Europe/Stockholm'
             and s.start_at < (k.local_day + 2)::timestamp at time zone 'Europe/Stockholm'
            order by s.user_id, s.start_at
            """, r => new Shift(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetFieldValue<Instant>(2), r.IsDBNull(3) ? null : r.GetFieldValue<Instant>(3)),
            ct, users, days);

        var byRef = accesses.ToLookup(a => a.SourceRef);
        var enrollmentsByClient = enrollments.ToLookup(e => e.ClientId);
        var shiftsByUser = shifts.ToLookup(x => x.UserId);
        var result = items.Select(i =>
        {
            var window = (From: SwedishDayStart(i.Day.PlusDays(-1)), To: SwedishDayStart(i.Day.PlusDays(2)));
            return new ItemEvidence(i.ItemId,
                i.SourceEventIds.SelectMany(r => byRef[r]).OrderBy(a => a.At).ToList(),
                i.ClientId is { } c ? enrollmentsByClient[c].ToList() : [],
                shiftsByUser[i.SubjectUserId].Where(x => x.Start >= window.From && x.Start < window.To).ToList());
        }).ToList();
        return new ReviewEvidenceModel(review.Id, review.UnitId, result);
    }

    private static Instant SwedishDayStart(LocalDate d) => d.AtStartOfDayInZone(Domain.Time.SwedishTime.Zone).ToInstant();
}
