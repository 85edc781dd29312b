using LogControl.Projections.Access;

namespace LogControl.Projections.Detection;

/// <summary>
/// The statements of one detection page, in order. They work on the page's temp tables (dropped at
/// commit): <c>lc_tmp_new</c> (this page's accesses) and <c>lc_tmp_dirty</c> (earlier accesses to judge
/// again). docs/DETECTION.md is the specification; keep the two in step.
/// </summary>
internal static class DetectionSql
{
    /// <summary>Deterministic anomaly id from (rule, user, client, local day).</summary>
    private static string AnomalyId(string rule, string user, string client, string day) =>
        $"md5({rule} || '|' || {user} || '|' || coalesce({client}, '') || '|' || {day}::text)::uuid";

    private const string KindName =
        "(array['Visit','Assignment','EnrollmentAtOwnUnit','EnrollmentAtShiftUnit','EnrollmentAtCoveredUnit'])[x.expl + 1]";

    /// <summary>A shift's window: 30 minutes either side; a shift without an end lasts 12 hours.</summary>
    private const string InShiftWindow =
        "sh.start_at > x.occurred_at - interval '36 hours' and sh.start_at - interval '30 minutes' <= x.occurred_at " +
        "and coalesce(sh.end_at, sh.start_at + interval '12 hours') + interval '30 minutes' >= x.occurred_at";

    public static IEnumerable<string> PerAccess(string s, string severities)
    {
        var t = $"{s}.{AccessTimeline.TableName}";

        // 1. Context of every access to judge: the new ones and the marked earlier ones.
        yield return $"""
            create temp table lc_tmp_ctx on commit drop as
            with judged as (
              select n.seq_id, n.occurred_at, n.local_day, n.user_id, n.client_id, n.unit_id, n.action, n.purpose, n.failed, true as is_new
              from lc_tmp_new n
              union all
              select t.seq_id, t.occurred_at, t.local_day, t.user_id, t.client_id, t.unit_id, t.action, t.purpose, t.failed, false
              from lc_tmp_dirty d join {t} t on t.seq_id = d.seq_id
              where not exists (select 1 from lc_tmp_new n where n.seq_id = d.seq_id)
            )
            select j.*, j.local_day as d,
                   asof.unit_id as own_unit, asof.role, asof.valid_to as placement_to, asof.user_id is not null as has_asof,
                   (asof.user_id is not null and (asof.valid_to is null or asof.valid_to >= j.local_day)) as placed,
                   coalesce(asof.surname, first.surname) as user_surname, coalesce(asof.address_key, first.address_key) as user_addr,
                   coalesce(c.protected_identity, false) as protected_identity, c.surname as client_surname,
                   c.address_key as client_addr, c.deceased_on,
                   exists (select 1 from {s}.lc_ref_placements p where p.user_id = j.user_id and p.personnummer = j.client_id) as own_record,
                   null::smallint as expl
            from judged j
            left join lateral (select p.* from {s}.lc_ref_placements p where p.user_id = j.user_id and p.valid_from <= j.local_day
                               order by p.valid_from desc limit 1) asof on true
            left join lateral (select p.* from {s}.lc_ref_placements p where p.user_id = j.user_id
                               order by p.valid_from limit 1) first on true
            left join {s}.lc_ref_clients c on c.client_id = j.client_id
            """;

        // Temp tables have no statistics until analysed; without them the planner picks nested seq scans.
        yield return "create index on lc_tmp_ctx (seq_id)";
        yield return "analyze lc_tmp_ctx";

        // Enrollments as of the access's day, one per unit.
        yield return $"""
            create temp table lc_tmp_enrolled on commit drop as
            select x.seq_id, e.unit_id, e.valid_to, (e.valid_to is null or e.valid_to >= x.d - 30) as explains
            from lc_tmp_ctx x
            cross join lateral (select distinct on (e.unit_id) e.unit_id, e.valid_to from {s}.lc_ref_enrollments e
                                where e.client_id = x.client_id and e.valid_from <= x.d order by e.unit_id, e.valid_from desc) e
            """;

        yield return "create index on lc_tmp_enrolled (seq_id)";
        yield return "analyze lc_tmp_enrolled";

        // 2. Explanation first: the most specific relationship that holds.
        yield return $"""
            update lc_tmp_ctx x set expl = case
              when exists (select 1 from {s}.lc_ref_visits v
                           where v.user_id = x.user_id and v.client_id = x.client_id
                             and (v.start_at at time zone 'Europe/Stockholm')::date <= x.d
                             and (coalesce(v.end_at, v.start_at) at time zone 'Europe/Stockholm')::date >= x.d) then 0
              when exists (select 1 from (select a.valid_to from {s}.lc_ref_assignments a
                                          where a.user_id = x.user_id and a.client_id = x.client_id and a.valid_from <= x.d
                                          order by a.valid_from desc limit 1) a
                           where a.valid_to is null or a.valid_to >= x.d) then 1
              when x.placed and exists (select 1 from lc_tmp_enrolled e where e.seq_id = x.seq_id and e.explains and e.unit_id = x.own_unit) then 2
              when exists (select 1 from lc_tmp_enrolled e join {s}.lc_ref_shifts sh on sh.unit_id = e.unit_id and sh.user_id = x.user_id
                           where e.seq_id = x.seq_id and e.explains and {InShiftWindow}) then 3
              when x.placed and exists (select 1 from lc_tmp_enrolled e join {s}.lc_ref_units u on u.unit_id = x.own_unit
                                        where e.seq_id = x.seq_id and e.explains and e.unit_id = any(u.covers_units)) then 4
            end
            """;

        yield return "analyze lc_tmp_ctx";

        // The timeline gets the new accesses with their explanation, and the re-judged ones' new explanation.
        yield return $"""
            insert into {t} (seq_id, occurred_at, local_day, user_id, client_id, unit_id, action, purpose, failed, event_id, source_ref, explanation)
            select n.seq_id, n.occurred_at, n.local_day, n.user_id, n.client_id, n.unit_id, n.action, n.purpose, n.failed, n.event_id, n.source_ref, x.expl
            from lc_tmp_new n join lc_tmp_ctx x on x.seq_id = n.seq_id
            on conflict (seq_id) do update set explanation = excluded.explanation
            """;
        yield return $"""
            update {t} t set explanation = x.expl from lc_tmp_ctx x
            where t.seq_id = x.seq_id and not x.is_new and t.explanation is distinct from x.expl
            """;

        // 3. Per-access rules. Every anomaly whose hits change is noted in lc_tmp_touched.
        yield return "create temp table lc_tmp_touched (anomaly_id uuid primary key) on commit drop";
        yield return $"""
            with gone as (delete from {s}.{DetectionTables.Hits} h using lc_tmp_ctx x
                          where h.seq_id = x.seq_id and h.rule not in ('FAILED_ACCESS', 'VOLUME_SPIKE') returning h.anomaly_id)
            insert into lc_tmp_touched select distinct anomaly_id from gone on conflict do nothing
            """;
        yield return $"""
            with x as (select * from lc_tmp_ctx where not failed),
            hit as (
              select x.seq_id, 'NO_RELATIONSHIP' as rule, x.user_id, x.client_id, x.d,
                     jsonb_strip_nulls(jsonb_build_object('unit', x.own_unit)) as evidence
              from x where x.expl is null
              union all
              select x.seq_id, 'PROTECTED_IDENTITY', x.user_id, x.client_id, x.d,
                     jsonb_strip_nulls(jsonb_build_object('unit', x.own_unit, 'explanation', {KindName}))
              from x where x.protected_identity and (x.expl is null or x.expl > 1)
              union all
              select x.seq_id, 'OWN_RECORD', x.user_id, x.client_id, x.d, jsonb_strip_nulls(jsonb_build_object('unit', x.own_unit))
              from x where x.own_record
              union all
              select x.seq_id, 'RELATIVE_OR_NEIGHBOUR', x.user_id, x.client_id, x.d,
                     jsonb_strip_nulls(jsonb_build_object('unit', x.own_unit, 'relation', r.kind, 'explanation', {KindName}))
              from x left join lateral (select r.kind from {s}.lc_ref_relations r
                                        where r.user_id = x.user_id and r.client_id = x.client_id and r.valid_from <= x.d
                                        order by r.valid_from desc limit 1) r on true
              where not x.own_record
                and (r.kind is not null
                     or (lower(x.user_surname) = lower(x.client_surname) and x.user_addr = x.client_addr))
              union all
              select x.seq_id, 'COWORKER_RECORD', x.user_id, x.client_id, x.d, jsonb_build_object('unit', x.own_unit)
              from x where not x.own_record and x.expl is null and x.placed
                and exists (select 1 from {s}.lc_ref_placements q
                            where q.personnummer = x.client_id and q.user_id <> x.user_id and q.valid_from <= x.d
                              and (q.valid_to is null or q.valid_to >= x.d) and q.unit_id = x.own_unit
                              and not exists (select 1 from {s}.lc_ref_placements q2
                                              where q2.user_id = q.user_id and q2.valid_from > q.valid_from and q2.valid_from <= x.d))
              union all
              select x.seq_id, 'OFF_SHIFT', x.user_id, x.client_id, x.d,
                     jsonb_strip_nulls(jsonb_build_object('unit', x.own_unit,
                       'prev_end', (select to_jsonb(coalesce(sh.end_at, sh.start_at + interval '12 hours')) from {s}.lc_ref_shifts sh
                                    where sh.user_id = x.user_id and sh.start_at <= x.occurred_at order by sh.start_at desc limit 1),
                       'next_start', (select to_jsonb(sh.start_at) from {s}.lc_ref_shifts sh
                                      where sh.user_id = x.user_id and sh.start_at > x.occurred_at order by sh.start_at limit 1)))
              from x
              where exists (select 1 from {s}.lc_ref_shifts sh where sh.user_id = x.user_id
                              and sh.start_at between x.occurred_at - interval '31 days' and x.occurred_at + interval '31 days')
                and not exists (select 1 from {s}.lc_ref_shifts sh where sh.user_id = x.user_id and {InShiftWindow})
              union all
              select x.seq_id, 'AFTER_EMPLOYMENT', x.user_id, x.client_id, x.d,
                     jsonb_strip_nulls(jsonb_build_object('unit', x.own_unit, 'ended_on', x.placement_to))
              from x where x.has_asof and x.placement_to < x.d
              union all
              select x.seq_id, 'AFTER_CARE_ENDED', x.user_id, x.client_id, x.d,
                     jsonb_strip_nulls(jsonb_build_object('unit', x.own_unit, 'ended_on', e.last_end, 'deceased_on', x.deceased_on))
              from x left join lateral (select count(*) as n, bool_and(e.valid_to is not null and e.valid_to < x.d - 30) as all_ended,
                                               max(e.valid_to) as last_end
                                        from lc_tmp_enrolled e where e.seq_id = x.seq_id) e on true
              where (e.n > 0 and e.all_ended) or x.deceased_on + 30 < x.d
              union all
              select x.seq_id, 'EMERGENCY_ACCESS', x.user_id, x.client_id, x.d,
                     jsonb_strip_nulls(jsonb_build_object('unit', x.own_unit, 'explanation', {KindName}))
              from x where x.purpose = 'Emergency'
              union all
              select x.seq_id, 'PRINT_EXPORT', x.user_id, x.client_id, x.d,
                     jsonb_strip_nulls(jsonb_build_object('unit', x.own_unit, 'action', lower(x.action)))
              from x where x.action in ('Print', 'Export') and x.expl is null
            ),
            ins as (
              insert into {s}.{DetectionTables.Hits} (seq_id, rule, anomaly_id, user_id, client_id, local_day, evidence)
              select seq_id, rule, {AnomalyId("rule", "user_id", "client_id", "d")}, user_id, client_id, d, evidence from hit
              on conflict (seq_id, rule) do update set evidence = excluded.evidence
              returning anomaly_id)
            insert into lc_tmp_touched select distinct anomaly_id from ins on conflict do nothing
            """;

        // 4. FAILED_ACCESS: three or more failed attempts by one user on one client in one local day.
        yield return $"""
            create temp table lc_tmp_failed on commit drop as
            select distinct user_id, client_id, local_day from lc_tmp_new where failed
            """;
        yield return $"""
            with gone as (delete from {s}.{DetectionTables.Hits} h using lc_tmp_failed g
                          where h.rule = 'FAILED_ACCESS' and h.user_id = g.user_id and h.client_id = g.client_id and h.local_day = g.local_day
                          returning h.anomaly_id)
            insert into lc_tmp_touched select distinct anomaly_id from gone on conflict do nothing
            """;
        yield return $"""
            with f as (
              select t.seq_id, t.user_id, t.client_id, t.local_day, count(*) over (partition by t.user_id, t.client_id, t.local_day) as n
              from lc_tmp_failed g join {t} t on t.user_id = g.user_id and t.local_day = g.local_day and t.client_id = g.client_id
              where t.failed),
            ins as (
              insert into {s}.{DetectionTables.Hits} (seq_id, rule, anomaly_id, user_id, client_id, local_day, evidence)
              select f.seq_id, 'FAILED_ACCESS', {AnomalyId("'FAILED_ACCESS'", "f.user_id", "f.client_id", "f.local_day")},
                     f.user_id, f.client_id, f.local_day, jsonb_build_object('failed', f.n)
              from f where f.n >= 3
              on conflict (seq_id, rule) do update set evidence = excluded.evidence
              returning anomaly_id)
            insert into lc_tmp_touched select distinct anomaly_id from ins on conflict do nothing
            """;

        // 5. VOLUME_SPIKE input: distinct clients per user and local day, for the days that got accesses.
        yield return $"""
            insert into {s}.{DetectionTables.UserDays} (user_id, local_day, clients, accesses)
            select t.user_id, t.local_day, count(distinct t.client_id), count(*)
            from (select distinct user_id, local_day from lc_tmp_new where not failed) g
            join {t} t on t.user_id = g.user_id and t.local_day = g.local_day and not t.failed
            group by t.user_id, t.local_day
            on conflict (user_id, local_day) do update set clients = excluded.clients, accesses = excluded.accesses
            """;
        // A day's verdict depends on it and the 28 days before it.
        yield return "create temp table lc_tmp_days (d date primary key) on commit drop";
        yield return """
            insert into lc_tmp_days select distinct n.local_day + k
            from (select distinct local_day from lc_tmp_new where not failed) n cross join generate_series(0, 28) k
            on conflict do nothing
            """;
    }

    /// <summary>Days whose peer groups changed because a staff fact covers them (bounded by the days that have accesses).</summary>
    public static string SpikeDaysFromFacts(string s) => $"""
        insert into lc_tmp_days
        select g::date from unnest(?::text[], ?::text[]) r(f, e)
        cross join (select min(local_day) as lo, max(local_day) as hi from {s}.{DetectionTables.UserDays}) b
        cross join generate_series(greatest(coalesce(r.f::date, b.lo), b.lo), least(coalesce(r.e::date, b.hi), b.hi), interval '1 day') g
        where b.lo is not null
        on conflict do nothing
        """;

    public static IEnumerable<string> GroupsAndAnomalies(string s, string severities)
    {
        var t = $"{s}.{AccessTimeline.TableName}";
        var ud = $"{s}.{DetectionTables.UserDays}";

        // 6. VOLUME_SPIKE for every user active on a day to judge: own trailing baseline and same-day peers.
        // Cheap filters first: only the rare user-days far above their own baseline need peers looked up.
        // N >= 8 follows from the rule (a baseline of 7 active days has a median of at least 1).
        yield return $"""
            create temp table lc_tmp_spikes on commit drop as
            with cand as (
              select u.user_id, u.local_day as d, u.clients, b.m
              from lc_tmp_days x join {ud} u on u.local_day = x.d and u.clients >= 8
              cross join lateral (select percentile_cont(0.5) within group (order by h.clients) as m, count(*) as n
                                  from {ud} h where h.user_id = u.user_id and h.local_day between u.local_day - 28 and u.local_day - 1) b
              cross join lateral (select percentile_cont(0.5) within group (order by abs(h.clients - b.m)) as mad
                                  from {ud} h where h.user_id = u.user_id and h.local_day between u.local_day - 28 and u.local_day - 1) md
              where b.n >= 7 and u.clients >= 2 * b.m and u.clients > b.m + greatest(6, 5 * 1.4826 * coalesce(md.mad, 0))
            ),
            placed as (
              select c.*, p.unit_id, p.role from cand c
              left join lateral (select p.unit_id, p.role, p.valid_to from {s}.lc_ref_placements p
                                 where p.user_id = c.user_id and p.valid_from <= c.d order by p.valid_from desc limit 1) p
                on p.valid_to is null or p.valid_to >= c.d
            ),
            peer as (
              select pl.user_id, pl.d, u.clients as pc
              from placed pl
              join {ud} u on u.local_day = pl.d and u.user_id <> pl.user_id
              join lateral (select p.unit_id, p.role, p.valid_to from {s}.lc_ref_placements p
                            where p.user_id = u.user_id and p.valid_from <= pl.d order by p.valid_from desc limit 1) pp
                on (pp.valid_to is null or pp.valid_to >= pl.d) and pp.unit_id = pl.unit_id and pp.role = pl.role
            ),
            peer_median as (
              select user_id, d, percentile_cont(0.5) within group (order by pc) as pm, count(*) as pn from peer group by user_id, d
            ),
            peer_mad as (
              select p.user_id, p.d, percentile_cont(0.5) within group (order by abs(p.pc - m.pm)) as pmad
              from peer p join peer_median m on m.user_id = p.user_id and m.d = p.d group by p.user_id, p.d
            )
            select pl.user_id, pl.d, pl.clients, pl.unit_id, pl.m, m.pm, coalesce(m.pn, 0) as pn
            from placed pl
            left join peer_median m on m.user_id = pl.user_id and m.d = pl.d
            left join peer_mad md on md.user_id = pl.user_id and md.d = pl.d
            where coalesce(m.pn, 0) < 3 or pl.clients > m.pm + greatest(6, 5 * 1.4826 * coalesce(md.pmad, 0))
            """;
        yield return $"""
            with gone as (delete from {s}.{DetectionTables.Hits} h using lc_tmp_days x
                          where h.rule = 'VOLUME_SPIKE' and h.local_day = x.d
                            and not exists (select 1 from lc_tmp_spikes p where p.user_id = h.user_id and p.d = h.local_day)
                          returning h.anomaly_id)
            insert into lc_tmp_touched select distinct anomaly_id from gone on conflict do nothing
            """;
        yield return $"""
            with ins as (
              insert into {s}.{DetectionTables.Hits} (seq_id, rule, anomaly_id, user_id, client_id, local_day, evidence)
              select t.seq_id, 'VOLUME_SPIKE', {AnomalyId("'VOLUME_SPIKE'", "p.user_id", "null", "p.d")}, p.user_id, null, p.d,
                     jsonb_strip_nulls(jsonb_build_object('unit', p.unit_id, 'clients', p.clients, 'own_median', round(p.m::numeric, 1),
                                                          'peer_median', case when p.pn >= 3 then round(p.pm::numeric, 1) end))
              from lc_tmp_spikes p join {t} t on t.user_id = p.user_id and t.local_day = p.d and not t.failed
              on conflict (seq_id, rule) do update set evidence = excluded.evidence
                where {s}.{DetectionTables.Hits}.evidence is distinct from excluded.evidence
              returning anomaly_id)
            insert into lc_tmp_touched select distinct anomaly_id from ins on conflict do nothing
            """;

        // 7. Regroup the touched anomalies; one without hits is no longer an anomaly.
        yield return $"""
            delete from {s}.{DetectionTables.Anomalies} a using lc_tmp_touched x
            where a.anomaly_id = x.anomaly_id and not exists (select 1 from {s}.{DetectionTables.Hits} h where h.anomaly_id = x.anomaly_id)
            """;
        yield return $"""
            insert into {s}.{DetectionTables.Anomalies} (anomaly_id, rule, severity, user_id, user_name, client_id, unit_id, local_day,
                first_access_at, last_access_at, access_count, source_event_ids, seq_ids, evidence, last_seq, first_stored_at, stored_at)
            select h.anomaly_id, min(h.rule), min(sev.severity), min(h.user_id),
                   (select p.name from {s}.lc_ref_placements p where p.user_id = min(h.user_id) order by p.valid_from desc limit 1),
                   min(h.client_id),
                   coalesce((array_agg(t.unit_id order by t.occurred_at, t.seq_id) filter (where t.unit_id is not null))[1],
                            (array_agg(h.evidence->>'unit' order by t.occurred_at, t.seq_id))[1]),
                   min(h.local_day), min(t.occurred_at), max(t.occurred_at), count(*),
                   array_agg(t.source_ref order by t.occurred_at, t.seq_id),
                   array_agg(t.seq_id order by t.occurred_at, t.seq_id),
                   (array_agg(h.evidence order by t.occurred_at, t.seq_id))[1], max(h.seq_id), clock_timestamp(), clock_timestamp()
            from lc_tmp_touched x
            join {s}.{DetectionTables.Hits} h on h.anomaly_id = x.anomaly_id
            join {t} t on t.seq_id = h.seq_id
            join {severities} as sev(rule, severity) on sev.rule = h.rule
            group by h.anomaly_id
            on conflict (anomaly_id) do update set
              severity = excluded.severity, unit_id = excluded.unit_id, first_access_at = excluded.first_access_at,
              last_access_at = excluded.last_access_at, access_count = excluded.access_count,
              source_event_ids = excluded.source_event_ids, seq_ids = excluded.seq_ids, evidence = excluded.evidence, last_seq = excluded.last_seq,
              user_name = excluded.user_name, stored_at = excluded.stored_at
            where (a_old.access_count, a_old.source_event_ids, a_old.evidence, a_old.unit_id, a_old.severity, a_old.user_name)
                  is distinct from (excluded.access_count, excluded.source_event_ids, excluded.evidence, excluded.unit_id, excluded.severity, excluded.user_name)
            """.Replace("a_old.", $"{s}.{DetectionTables.Anomalies}.");
        // Wake the publisher (delivered at commit).
        yield return "select pg_notify('lc_anomalies', count(*)::text) from lc_tmp_touched having count(*) > 0";
    }
}
