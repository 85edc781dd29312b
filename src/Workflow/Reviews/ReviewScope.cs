using LogControl.Projections;
using LogControl.Projections.Detection;
using Marten;
using NodaTime;

namespace LogControl.Workflow.Reviews;

/// <summary>
/// What a review covers (the item 3): every anomaly of the unit's staff in the period, every emergency
/// access, every access to a client with protected identity, and a reproducible random sample (a share of the
/// unit's users, one local day of each one's accesses). Everything is read up to a recorded event sequence
/// number, and the seed is recorded, so the same rule redraws the identical scope from history later.
/// </summary>
public static class ReviewScope
{
    public const int DefaultUserPercent = 10;
    public const int DefaultMinUsers = 1;
    public const int WindowHours = 24;

    public static async Task<(IReadOnlyList<ReviewItem> Items, SampleRule Rule)> DrawAsync(
        IDocumentStore store, string unitId, LocalDate from, LocalDate to, int seed, long upToSequence, CancellationToken ct = default)
    {
        var s = store.Options.Events.DatabaseSchemaName;
        var staff = await StoreSql.QueryAsync(store, $"""
            select distinct user_id from {s}.lc_ref_placements
            where unit_id = $1 and valid_from <= $3 and (valid_to is null or valid_to >= $2) and seq_id <= $4
            order by user_id
            """, r => r.GetString(0), ct, unitId, from, to, upToSequence);
        var staffArray = staff.ToArray();
        var items = new List<ReviewItem>();

        foreach (var a in await new AnomalyQueries(store).ListAsync(new AnomalyFilter(from, to), ct))
        {
            if (!staff.Contains(a.UserId) || a.Sequences.Max() > upToSequence) continue;
            items.Add(new ReviewItem($"A:{a.AnomalyId}", ItemKind.Anomaly, a.UserId, a.ClientId, a.Day, a.SourceEventIds, a.AnomalyId,
                $"{a.Rule} ({a.Severity}): {a.Explanation}"));
        }

        var special = await StoreSql.QueryAsync(store, $"""
            select t.source_ref, t.user_id, t.client_id, t.local_day, t.purpose = 'Emergency', coalesce(c.protected_identity, false)
            from {s}.lc_access_timeline t left join {s}.lc_ref_clients c on c.client_id = t.client_id
            where t.user_id = any($1) and t.local_day between $2 and $3 and t.seq_id <= $4 and not t.failed
              and (t.purpose = 'Emergency' or c.protected_identity)
            order by t.occurred_at, t.seq_id
            """, r => (Ref: r.GetString(0), User: r.GetString(1), Client: r.GetString(2), Day: r.GetFieldValue<LocalDate>(3),
                Emergency: r.GetBoolean(4), Protected: r.GetBoolean(5)), ct, staffArray, from, to, upToSequence);
        foreach (var x in special)
        {
            if (x.Emergency)
                items.Add(new ReviewItem($"E:{x.Ref}", ItemKind.EmergencyAccess, x.User, x.Client, x.Day, [x.Ref], null, "Nödåtkomst"));
            if (x.Protected)
                items.Add(new ReviewItem($"P:{x.Ref}", ItemKind.ProtectedIdentity, x.User, x.Client, x.Day, [x.Ref], null, "Åtkomst till brukare med skyddade personuppgifter"));
        }

        // The sample: a seeded shuffle of the sorted staff list, then one seeded local day per chosen user.
        var rng = new Random(seed);
        var order = staffArray.ToArray();
        for (var i = order.Length - 1; i > 0; i--) { var j = rng.Next(i + 1); (order[i], order[j]) = (order[j], order[i]); }
        var count = Math.Min(order.Length, Math.Max(DefaultMinUsers, (int)Math.Ceiling(order.Length * DefaultUserPercent / 100.0)));
        foreach (var user in order.Take(count))
        {
            var days = await StoreSql.QueryAsync(store, $"""
                select distinct local_day from {s}.lc_access_timeline
                where user_id = $1 and local_day between $2 and $3 and seq_id <= $4 order by local_day
                """, r => r.GetFieldValue<LocalDate>(0), ct, user, from, to, upToSequence);
            if (days.Count == 0) continue;
            var day = days[rng.Next(days.Count)];
            var refs = await StoreSql.QueryAsync(store, $"""
                select source_ref from {s}.lc_access_timeline
                where user_id = $1 and local_day = $2 and seq_id <= $3 order by occurred_at, seq_id
                """, r => r.GetString(0), ct, user, day, upToSequence);
            items.Add(new ReviewItem($"S:{user}:{day:uuuu-MM-dd}", ItemKind.Sample, user, null, day, refs, null,
                $"Stickprov: {refs.Count} åtkomster under {WindowHours} timmar"));
        }
        return (items, new SampleRule(seed, DefaultUserPercent, DefaultMinUsers, WindowHours, upToSequence, staffArray));
    }
}
