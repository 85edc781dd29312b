using LogControl.Server.Web;
using LogControl.Workflow.Investigations;
using LogControl.Workflow.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;

namespace LogControl.Server.Pages.Investigations;

/// <summary>Utredningar: open IMY deadlines first (72 hours from awareness), then every case.</summary>
[Authorize(Policy = Policies.Read)]
public sealed class IndexModel(IQuerySession session, IClock clock) : UiPage
{
    public IReadOnlyList<OpenBreach> Breaches { get; private set; } = [];
    public IReadOnlyList<Investigation> Cases { get; private set; } = [];
    public Instant Now { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!Readers.MayReadInvestigations(Actor)) return StatusCode(403);
        Now = clock.GetCurrentInstant();
        Breaches = await InvestigationQueries.OpenBreachesAsync(session, Now, ct);
        Cases = await InvestigationQueries.ListAsync(session, null, null, ct);
        return Page();
    }

    /// <summary>How urgent an IMY deadline is: missed, under 24 hours (the warning), or running.</summary>
    public static (string Css, string Text) Urgency(OpenBreach b) =>
        b.DeadlineMissed || b.HoursLeft < 0 ? ("danger", "Fristen har passerat")
        : b.HoursLeft < 24 ? ("danger", $"{b.HoursLeft:0.#} timmar kvar")
        : ("todo", $"{b.HoursLeft:0} timmar kvar");
}
