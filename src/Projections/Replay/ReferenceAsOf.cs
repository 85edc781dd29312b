using JasperFx.Events;
using LogControl.Domain.Reference;
using LogControl.Projections.Reference;
using Marten;
using NodaTime;

namespace LogControl.Projections.Replay;

public enum ReferenceSubject { User, Client, Unit }

/// <summary>One reference fact in force as known at the instant, with when it was stored.</summary>
public sealed record KnownFact(string Type, long Sequence, Instant StoredAt, object Fact);

/// <summary>A user's, client's or unit's reference data as known at <see cref="AsOf"/> (null: everything stored).</summary>
public sealed record ReferenceView(ReferenceSubject Subject, string Id, Instant? AsOf, IReadOnlyList<KnownFact> Facts)
{
    /// <summary>Every unit the facts name: who may read them (the managers of these units, besides the roles that see all units).</summary>
    public IReadOnlyList<string> Units => Facts.Select(f => f.Fact switch
        {
            StaffPlacementRecorded s => s.UnitId, EnrollmentRecorded e => e.UnitId, ShiftRecorded sh => sh.UnitId,
            VisitRecorded v => v.UnitId, UnitDescribed u => u.UnitId, _ => null,
        }).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
}

/// <summary>
/// Reference data as known at an instant, folded from the fact events stored at or before it.
/// <para>
/// Why events and not the <c>lc_ref_*</c> tables: the tables keep one row per fact key (a unit, a user's placement
/// from a date, ...) and a later fact for the same key overwrites the row, and they record no time of storage. So a
/// corrected placement or a unit's new manager leaves no trace of what was known before. The events do. The fold
/// applies the tables' rule: for each key the fact stored last (highest sequence) holds.
/// </para>
/// </summary>
public sealed class ReferenceAsOf(IDocumentStore store)
{
    private readonly string _s = store.Options.Events.DatabaseSchemaName;

    /// <param name="asOf">Null: every fact stored so far.</param>
    public async Task<ReferenceView> GetAsync(ReferenceSubject subject, string id, Instant? asOf, CancellationToken ct = default)
    {
        static string Name<T>() => typeof(T).GetEventTypeName();
        // The candidate facts, found by their JSON in SQL; Marten reads the ones found back as events.
        var (types, where) = subject switch
        {
            ReferenceSubject.User => (new[] { Name<StaffPlacementRecorded>(), Name<ShiftRecorded>(), Name<AssignmentRecorded>(), Name<VisitRecorded>(), Name<RelationDeclared>() },
                "data ->> 'userId' = $3"),
            ReferenceSubject.Client => (new[] { Name<ClientDescribed>(), Name<EnrollmentRecorded>(), Name<AssignmentRecorded>(), Name<VisitRecorded>(), Name<RelationDeclared>() },
                "data ->> 'clientId' = $3"),
            // A unit's staff: every placement fact of anyone ever placed there, since a later fact for the same key may move them away.
            _ => (new[] { Name<UnitDescribed>(), Name<StaffPlacementRecorded>(), Name<EnrollmentRecorded>() },
                $"""
                data ->> 'unitId' = $3 or (type = '{Name<StaffPlacementRecorded>()}' and data ->> 'userId' in
                  (select p.data ->> 'userId' from {_s}.mt_events p where p.type = '{Name<StaffPlacementRecorded>()}' and p.data ->> 'unitId' = $3 and ($2::timestamptz is null or p.timestamp <= $2)))
                """),
        };
        var sequences = await StoreSql.QueryAsync(store, $"""
            select seq_id from {_s}.mt_events where type = any($1) and ($2::timestamptz is null or timestamp <= $2) and ({where})
            """, r => r.GetInt64(0), ct, types, asOf is { } at ? at.ToDateTimeOffset() : DBNull.Value, id);

        var events = new List<IEvent>();
        await using (var session = store.QuerySession())
            foreach (var chunk in sequences.Chunk(1000))
                events.AddRange(await session.Events.QueryAllRawEvents().Where(e => chunk.Contains(e.Sequence)).ToListAsync(ct));

        // For each fact key, the fact stored last holds (ReferenceHistoryWriter's rule).
        var latest = new Dictionary<string, IEvent>();
        foreach (var e in events.OrderBy(e => e.Sequence))
            if (Key(e.Data) is { } key) latest[key] = e;

        var facts = latest.Values
            .Where(e => subject != ReferenceSubject.Unit || e.Data switch
            {
                StaffPlacementRecorded s => s.UnitId == id,
                EnrollmentRecorded en => en.UnitId == id,
                UnitDescribed u => u.UnitId == id,
                _ => false,
            })
            .OrderBy(e => Order(e.Data)).ThenBy(e => ValidFrom(e.Data)).ThenBy(e => e.Sequence)
            .Select(e => new KnownFact(e.EventTypeName, e.Sequence, Instant.FromDateTimeOffset(e.Timestamp), e.Data))
            .ToList();
        return new ReferenceView(subject, id, asOf, facts);
    }

    private static string? Key(object fact)
    {
        static string D(LocalDate? d) => (d ?? ReferenceHistoryWriter.OpenStart).ToString("uuuu-MM-dd", null);
        return fact switch
        {
            UnitDescribed u => $"unit|{u.UnitId}",
            ClientDescribed c => $"client|{c.ClientId}",
            StaffPlacementRecorded s => $"placement|{s.UserId}|{D(s.From)}",
            EnrollmentRecorded e => $"enrollment|{e.ClientId}|{e.UnitId}|{D(e.From)}",
            AssignmentRecorded a => $"assignment|{a.UserId}|{a.ClientId}|{D(a.From)}",
            ShiftRecorded sh => $"shift|{sh.UserId}|{sh.Start}",
            VisitRecorded v => $"visit|{v.VisitId}",
            RelationDeclared r => $"relation|{r.UserId}|{r.ClientId}|{D(r.From)}",
            _ => null,
        };
    }

    private static int Order(object fact) => fact switch
    {
        UnitDescribed or ClientDescribed => 0, StaffPlacementRecorded => 1, EnrollmentRecorded => 2, AssignmentRecorded => 3,
        RelationDeclared => 4, ShiftRecorded => 5, _ => 6,
    };

    private static Instant ValidFrom(object fact)
    {
        static Instant Day(LocalDate? d) => (d ?? ReferenceHistoryWriter.OpenStart).AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();
        return fact switch
        {
            StaffPlacementRecorded s => Day(s.From), EnrollmentRecorded e => Day(e.From), AssignmentRecorded a => Day(a.From),
            RelationDeclared r => Day(r.From), ShiftRecorded sh => sh.Start, VisitRecorded v => v.Start, _ => Instant.MinValue,
        };
    }
}
