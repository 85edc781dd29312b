using LogControl.Projections;
using LogControl.Workflow.Investigations;
using LogControl.Workflow.Reviews;
using Marten;
using NodaTime;

namespace LogControl.Reports;

/// <summary>A unit as the reference data last described it.</summary>
public sealed record UnitInfo(string UnitId, string? Name, string? Kind, string? ManagerUserId, string? ComparableGroup);

/// <summary>Shared reads of the reports: units, review summaries, investigations and the units they concern.</summary>
internal static class ReportData
{
    public static async Task<Dictionary<string, UnitInfo>> UnitsAsync(IDocumentStore store, CancellationToken ct)
    {
        var s = store.Options.Events.DatabaseSchemaName;
        var rows = await StoreSql.QueryAsync(store, $"select unit_id, name, kind, manager_user_id, comparable_group from {s}.lc_ref_units",
            r => new UnitInfo(r.GetString(0), Str(r, 1), Str(r, 2), Str(r, 3), Str(r, 4)), ct);
        return rows.ToDictionary(u => u.UnitId, StringComparer.Ordinal);
    }

    public static async Task<IReadOnlyList<ReviewSummary>> ReviewsAsync(IQuerySession session, IReadOnlyCollection<string>? units, CancellationToken ct)
    {
        var q = session.Query<ReviewSummary>().AsQueryable();
        if (units != null)
        {
            var list = units.ToArray();
            q = q.Where(r => list.Contains(r.UnitId));
        }
        return await q.ToListAsync(ct);
    }

    /// <summary>
    /// The units an investigation concerns: those of its escalations and attached anomalies; for a case opened
    /// directly about no anomaly, the subject's placement unit on the day it was opened.
    /// </summary>
    public static async Task<List<(Investigation Case, IReadOnlySet<string> Units)>> InvestigationsAsync(
        IDocumentStore store, IQuerySession session, bool openOnly, CancellationToken ct)
    {
        var q = session.Query<Investigation>().AsQueryable();
        if (openOnly) q = q.Where(x => x.Status == InvestigationStatus.Open);
        var cases = await q.ToListAsync(ct);
        var result = new List<(Investigation, IReadOnlySet<string>)>();
        var history = new Projections.Reference.ReferenceHistory(store);
        foreach (var c in cases)
        {
            var units = c.Escalations.Select(e => e.UnitId).Concat(c.Anomalies.Select(a => a.UnitId)).OfType<string>().ToHashSet(StringComparer.Ordinal);
            if (units.Count == 0 && await history.PlacementOnAsync(c.SubjectUserId, Domain.Time.SwedishTime.DateOf(c.OpenedAt), ct) is { UnitId: { } u })
                units.Add(u);
            result.Add((c, units));
        }
        return result;
    }

    private static string? Str(Npgsql.NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static int DaysBetween(LocalDate from, LocalDate to) => Period.Between(from, to, PeriodUnits.Days).Days;
}
