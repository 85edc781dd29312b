using LogControl.Projections.Access;
using Marten;

namespace LogControl.Projections.Explanation;

/// <summary>How an access was explained by a care relationship (contracts/anomalies.md, "What explains an access").</summary>
public enum ExplanationKind
{
    /// <summary>The user had a visit to the client that local day.</summary>
    Visit,
    /// <summary>The user had an assignment to the client covering that day.</summary>
    Assignment,
    /// <summary>The client was enrolled (or within 30 days of an enrollment's end) at the user's own unit.</summary>
    EnrollmentAtOwnUnit,
    /// <summary>... at a unit where the user had a shift covering the access (30 minutes either side).</summary>
    EnrollmentAtShiftUnit,
    /// <summary>... at a unit the user's unit covers (e.g. a night patrol's areas).</summary>
    EnrollmentAtCoveredUnit,
}

public sealed record AccessExplanation(long Sequence, ExplanationKind? Kind)
{
    public bool Explained => Kind != null;
}

/// <summary>
/// Explanation first: decides, set-based over the access timeline and the reference history, which care
/// relationship explains each access, most specific first (visit, assignment, then enrollment at the
/// own unit, a shift's unit, a covered unit). Dates are local dates in Europe/Stockholm; "to" dates are
/// inclusive; an enrollment explains up to 30 days after it ended; a shift from 30 minutes before its
/// start to 30 minutes after its end. Detection (issue 3) builds its rules on top of this.
/// </summary>
public sealed class AccessExplanations(IDocumentStore store)
{
    private readonly string _s = store.Options.Events.DatabaseSchemaName;

    private string Sql => $"""
        with acc as (
          select t.seq_id, t.user_id, t.client_id, t.occurred_at,
                 (t.occurred_at at time zone 'Europe/Stockholm')::date as d
          from {_s}.{AccessTimelineProjection.TableName} t
          where t.seq_id between $1 and $2
        ),
        own as (
          select a.seq_id, p.unit_id
          from acc a
          cross join lateral (
            select unit_id, valid_to from {_s}.lc_ref_placements p
            where p.user_id = a.user_id and p.valid_from <= a.d order by p.valid_from desc limit 1) p
          where p.valid_to is null or p.valid_to >= a.d
        ),
        enrolled as (
          select a.seq_id, e.unit_id
          from acc a
          cross join lateral (
            select distinct on (unit_id) unit_id, valid_to from {_s}.lc_ref_enrollments e
            where e.client_id = a.client_id and e.valid_from <= a.d order by unit_id, valid_from desc) e
          where e.valid_to is null or e.valid_to >= a.d - 30
        )
        select a.seq_id,
          case
            when exists (select 1 from {_s}.lc_ref_visits v
                         where v.user_id = a.user_id and v.client_id = a.client_id
                           and (v.start_at at time zone 'Europe/Stockholm')::date <= a.d
                           and (coalesce(v.end_at, v.start_at) at time zone 'Europe/Stockholm')::date >= a.d) then 0
            when exists (select 1 from (
                           select distinct on (x.user_id) x.valid_to from {_s}.lc_ref_assignments x
                           where x.user_id = a.user_id and x.client_id = a.client_id and x.valid_from <= a.d
                           order by x.user_id, x.valid_from desc) asg
                         where asg.valid_to is null or asg.valid_to >= a.d) then 1
            when exists (select 1 from enrolled e join own o on o.seq_id = e.seq_id and o.unit_id = e.unit_id
                         where e.seq_id = a.seq_id) then 2
            when exists (select 1 from enrolled e join {_s}.lc_ref_shifts s on s.unit_id = e.unit_id
                         where e.seq_id = a.seq_id and s.user_id = a.user_id
                           and s.start_at - interval '30 minutes' <= a.occurred_at
                           and (s.end_at is null or s.end_at + interval '30 minutes' >= a.occurred_at)) then 3
            when exists (select 1 from enrolled e
                         join own o on o.seq_id = e.seq_id
                         join {_s}.lc_ref_units u on u.unit_id = o.unit_id
                         where e.seq_id = a.seq_id and e.unit_id = any(u.covers_units)) then 4
          end
        from acc a
        order by a.seq_id
        """;

    /// <summary>Explains every access in the timeline with a sequence number in [from, to].</summary>
    public Task<List<AccessExplanation>> ExplainAsync(long from, long to, CancellationToken ct = default) =>
        StoreSql.QueryAsync(store, Sql, r => new AccessExplanation(r.GetInt64(0), r.IsDBNull(1) ? null : (ExplanationKind)r.GetInt32(1)),
            ct, from, to);
}
