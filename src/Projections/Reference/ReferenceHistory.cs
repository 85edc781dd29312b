using Marten;
using NodaTime;
using Npgsql;

namespace LogControl.Projections.Reference;

public sealed record Placement(string UserId, string? UnitId, string? Role, LocalDate From, LocalDate? To);
public sealed record Enrollment(string ClientId, string UnitId, LocalDate From, LocalDate? To);
public sealed record Shift(string UserId, string? UnitId, Instant Start, Instant? End);

/// <summary>
/// "As of" questions over the reference history kept by <see cref="ReferenceHistoryWriter"/>: who worked
/// where, which clients a unit served, who was on shift, on any date in the past. For each fact key the
/// fact with the latest start on or before the date holds; it applies when the date is not after its end.
/// </summary>
public sealed class ReferenceHistory(IDocumentStore store)
{
    private readonly string _schema = store.Options.Events.DatabaseSchemaName;

    /// <summary>The user's placement (unit, role) on <paramref name="date"/>, or null when not employed then.</summary>
    public async Task<Placement?> PlacementOnAsync(string userId, LocalDate date, CancellationToken ct = default)
    {
        var rows = await QueryAsync($"""
            select user_id, unit_id, role, valid_from, valid_to from {_schema}.lc_ref_placements
            where user_id = $1 and valid_from <= $2 order by valid_from desc limit 1
            """, r => new Placement(r.GetString(0), Str(r, 1), Str(r, 2), r.GetFieldValue<LocalDate>(3), DateOrNull(r, 4)), ct, userId, date);
        return rows.SingleOrDefault(p => p.To == null || p.To >= date);
    }

    /// <summary>The client's enrollments in force on <paramref name="date"/>, one per unit.</summary>
    public Task<List<Enrollment>> EnrollmentsOnAsync(string clientId, LocalDate date, CancellationToken ct = default) =>
        QueryAsync($"""
            select client_id, unit_id, valid_from, valid_to from (
              select distinct on (unit_id) client_id, unit_id, valid_from, valid_to from {_schema}.lc_ref_enrollments
              where client_id = $1 and valid_from <= $2 order by unit_id, valid_from desc) latest
            where valid_to is null or valid_to >= $2 order by unit_id
            """, r => new Enrollment(r.GetString(0), r.GetString(1), r.GetFieldValue<LocalDate>(2), DateOrNull(r, 3)), ct, clientId, date);

    /// <summary>The clients a unit served on <paramref name="date"/> (an enrollment at the unit in force that day).</summary>
    public Task<List<string>> ClientsServedAsync(string unitId, LocalDate date, CancellationToken ct = default) =>
        QueryAsync($"""
            select client_id from (
              select distinct on (client_id) client_id, valid_to from {_schema}.lc_ref_enrollments
              where unit_id = $1 and valid_from <= $2 order by client_id, valid_from desc) latest
            where valid_to is null or valid_to >= $2 order by client_id
            """, r => r.GetString(0), ct, unitId, date);

    /// <summary>The staff placed at a unit on <paramref name="date"/>.</summary>
    public Task<List<string>> StaffOfUnitAsync(string unitId, LocalDate date, CancellationToken ct = default) =>
        QueryAsync($"""
            select user_id from (
              select distinct on (user_id) user_id, unit_id, valid_to from {_schema}.lc_ref_placements
              where valid_from <= $2 and user_id in (select user_id from {_schema}.lc_ref_placements where unit_id = $1)
              order by user_id, valid_from desc) latest
            where unit_id = $1 and (valid_to is null or valid_to >= $2) order by user_id
            """, r => r.GetString(0), ct, unitId, date);

    /// <summary>The user's shifts that cover <paramref name="at"/> give or take <paramref name="margin"/> (an open shift has no end).</summary>
    public Task<List<Shift>> ShiftsAroundAsync(string userId, Instant at, Duration margin, CancellationToken ct = default) =>
        QueryAsync($"""
            select user_id, unit_id, start_at, end_at from {_schema}.lc_ref_shifts
            where user_id = $1 and start_at - $3 <= $2 and (end_at is null or end_at + $3 >= $2) order by start_at
            """, r => new Shift(r.GetString(0), Str(r, 1), r.GetFieldValue<Instant>(2), r.IsDBNull(3) ? null : r.GetFieldValue<Instant>(3)),
            ct, userId, at, margin.ToTimeSpan());

    /// <summary>Who was on shift at a unit at <paramref name="at"/>.</summary>
    public Task<List<string>> OnShiftAsync(string unitId, Instant at, CancellationToken ct = default) =>
        QueryAsync($"""
            select distinct user_id from {_schema}.lc_ref_shifts
            where unit_id = $1 and start_at <= $2 and (end_at is null or end_at >= $2) order by user_id
            """, r => r.GetString(0), ct, unitId, at);

    /// <summary>The units a unit covers (e.g. a night patrol's areas), as last described.</summary>
    public async Task<IReadOnlyList<string>> CoveredUnitsAsync(string unitId, CancellationToken ct = default) =>
        (await QueryAsync($"select coalesce(covers_units, '{{}}') from {_schema}.lc_ref_units where unit_id = $1",
            r => r.GetFieldValue<string[]>(0), ct, unitId)).SingleOrDefault() ?? [];

    private static string? Str(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    private static LocalDate? DateOrNull(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<LocalDate>(i);

    private Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> map, CancellationToken ct, params object[] args) =>
        StoreSql.QueryAsync(store, sql, map, ct, args);
}
