using LogControl.Projections;
using LogControl.Server.Web;
using LogControl.Workflow.Investigations;
using LogControl.Workflow.Reviews;
using LogControl.Workflow.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using NodaTime;

namespace LogControl.Server.Pages.Compliance;

/// <summary>One unit's standing: did its log reviews happen on time, and what is open.</summary>
public sealed record UnitCompliance(
    string UnitId, string? Name, Review? LastSigned, LocalDate? NextDue, int Overdue, int OpenImmediate, int OpenInvestigations)
{
    public bool InOrder => Overdue == 0;
}

/// <summary>
/// Efterlevnad: per unit the actor may read, the last signed-off periodic review, the next due date, overdue and open
/// immediate reviews, and open investigations that came from the unit. Read from the review and investigation snapshots.
/// </summary>
[Authorize(Policy = Policies.Read)]
public sealed class IndexModel(IQuerySession session, IDocumentStore store, IClock clock) : UiPage
{
    public IReadOnlyList<UnitCompliance> Units { get; private set; } = [];
    public LocalDate Today { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Today = Sv.Today(clock);
        var actor = Actor;
        var reviews = await ReviewLists.ReadableAsync(session, actor, Today, ct);
        var names = (await StoreSql.QueryAsync(store, $"select unit_id, name from {store.Options.Events.DatabaseSchemaName}.lc_ref_units",
                r => (Id: r.GetString(0), Name: r.IsDBNull(1) ? null : r.GetString(1)), ct))
            .Where(u => actor.MayRead(u.Id)).ToDictionary(u => u.Id, u => u.Name);
        // Investigations are read by security staff and internal audit only; a manager's overview leaves them out.
        var investigations = actor.Is(Roles.Security) || actor.Is(Roles.Auditor) || actor.Is(Roles.Administrator)
            ? await InvestigationQueries.ListAsync(session, InvestigationStatus.Open, null, ct) : [];
        Units = names.Keys.Union(reviews.Select(r => r.Review.UnitId)).Order(StringComparer.Ordinal).Select(unit =>
        {
            var mine = reviews.Where(r => r.Review.UnitId == unit).ToList();
            return new UnitCompliance(unit, names.GetValueOrDefault(unit),
                mine.Where(r => !r.Open && !r.Immediate).Select(r => r.Review).MaxBy(r => r.PeriodTo),
                mine.Where(r => r.Open && !r.Immediate).Select(r => (LocalDate?)r.Review.DueOn).Min(),
                mine.Count(r => r.Open && (r.Overdue || r.StartOverdue)),
                mine.Count(r => r.Open && r.Immediate),
                investigations.Count(i => i.Escalations.Any(e => e.UnitId == unit) || i.Anomalies.Any(a => a.UnitId == unit)));
        }).ToList();
    }
}
