using LogControl.Domain.Detection;
using LogControl.Projections.Detection;
using Marten;
using Marten.Events;
using NodaTime;

namespace LogControl.Projections.Replay;

/// <summary>An anomaly as it was published: what a reviewer could see of it at some instant.</summary>
public sealed record KnownAnomaly(
    Guid AnomalyId, string Rule, string Severity, string UserId, string? ClientId, string? UnitId, LocalDate Day,
    Instant FirstAccessAt, Instant LastAccessAt, int AccessCount, IReadOnlyList<string> SourceEventIds, string Explanation,
    Instant? DetectedAt)
{
    public static KnownAnomaly From(Guid id, AnomalySnapshot a, Instant? detectedAt) =>
        new(id, a.Rule, a.Severity, a.UserId, a.ClientId, a.UnitId, a.Day, a.FirstAccessAt, a.LastAccessAt, a.AccessCount,
            a.SourceEventIds, a.Explanation, detectedAt);

    /// <summary>A current row of detection's table in the same shape.</summary>
    public static KnownAnomaly From(AnomalyRow row) => From(row.AnomalyId, row.Snapshot(), row.DetectedAt);
}

/// <summary>
/// The anomaly list as known at an instant: the fold of the published anomaly events (<see cref="AnomalyDetected"/>,
/// <see cref="AnomalyEvidenceChanged"/>, <see cref="AnomalyRetracted"/>) stored at or before it. Detection's own
/// table keeps only the present, so the past comes from these events; an anomaly retracted later is still listed,
/// and one found later is not.
/// </summary>
public sealed class AnomalyHistory(IDocumentStore store)
{
    private static readonly Type[] EventTypes = [typeof(AnomalyDetected), typeof(AnomalyEvidenceChanged), typeof(AnomalyRetracted)];

    /// <param name="filter">The current list's filters, applied to each anomaly as it stood then (local day of access, unit, user).</param>
    public async Task<List<KnownAnomaly>> ListAsync(Instant asOf, AnomalyFilter? filter = null, string? rule = null, CancellationToken ct = default)
    {
        filter ??= new AnomalyFilter();
        var at = asOf.ToDateTimeOffset();
        await using var session = store.QuerySession();
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.Timestamp <= at && e.EventTypesAre(EventTypes))
            .OrderBy(e => e.Sequence)
            .ToListAsync(ct);

        var known = new Dictionary<Guid, KnownAnomaly>();
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case AnomalyDetected d: known[d.AnomalyId] = KnownAnomaly.From(d.AnomalyId, d.Anomaly, d.DetectedAt); break;
                case AnomalyEvidenceChanged c:
                    known[c.AnomalyId] = KnownAnomaly.From(c.AnomalyId, c.Anomaly, known.GetValueOrDefault(c.AnomalyId)?.DetectedAt);
                    break;
                case AnomalyRetracted r: known.Remove(r.AnomalyId); break;
            }
        }

        return known.Values
            .Where(a => (filter.From == null || a.Day >= filter.From) && (filter.To == null || a.Day <= filter.To)
                        && (filter.UnitId == null || a.UnitId == filter.UnitId) && (filter.UserId == null || a.UserId == filter.UserId)
                        && (rule == null || a.Rule == rule))
            // The order of the current list (AnomalyQueries.ListAsync).
            .OrderBy(a => a.FirstAccessAt).ThenBy(a => a.Rule, StringComparer.Ordinal).ThenBy(a => a.UserId, StringComparer.Ordinal)
            .ThenBy(a => a.ClientId, StringComparer.Ordinal)
            .ToList();
    }
}
