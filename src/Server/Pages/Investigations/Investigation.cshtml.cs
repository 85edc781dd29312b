using LogControl.Projections.Detection;
using LogControl.Server.Web;
using LogControl.Workflow.Audit;
using LogControl.Workflow.Investigations;
using LogControl.Workflow.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;

namespace LogControl.Server.Pages.Investigations;

/// <summary>One case: what it is about, its decisions and the IMY deadline, and the subject's accesses to the clients concerned (a recorded view).</summary>
[Authorize(Policy = Policies.Read)]
public sealed class InvestigationModel(IQuerySession session, IDocumentStore store, IClock clock) : UiPage
{
    public Investigation Case { get; private set; } = null!;
    public IReadOnlyList<TimelineAccess> Timeline { get; private set; } = [];
    public IReadOnlyList<AnomalyRow> Anomalies { get; private set; } = [];
    public Instant Now { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!Readers.MayReadInvestigations(Actor)) return StatusCode(403);
        var found = await session.LoadAsync<Investigation>(id, ct);
        if (found == null) return NotFound();
        Case = found;
        Now = clock.GetCurrentInstant();
        Timeline = await InvestigationQueries.TimelineAsync(store, found, ct);
        Anomalies = await InvestigationQueries.AnomaliesAsync(store, found, ct);
        await WebViews.RecordAsync(store, Actor.UserId, Actor.Roles, LogControl.Domain.Audit.PersonalDataViews.InvestigationTimeline, $"investigation:{id}",
            [found.SubjectUserId, .. found.ClientsConcerned()], Now, ct);
        return Page();
    }
}
