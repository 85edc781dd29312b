using LogControl.Server.Web;
using LogControl.Workflow.Investigations;
using LogControl.Workflow.Reviews;
using LogControl.Workflow.Security;
using Marten;
using NodaTime;

namespace LogControl.Server.Pages;

/// <summary>The start page: what needs attention for each of the actor's roles.</summary>
public sealed class IndexModel(IQuerySession session, IClock clock) : UiPage
{
    public IReadOnlyList<ReviewRow> Reviews { get; private set; } = [];
    public IReadOnlyList<OpenBreach> Breaches { get; private set; } = [];
    public int OpenInvestigations { get; private set; }
    /// <summary>Items where someone asked this user to explain an access and the answer is still missing.</summary>
    public IReadOnlyList<(Review Review, ItemState Item)> Questions { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var actor = Actor;
        Reviews = (await ReviewLists.ReadableAsync(session, actor, Sv.Today(clock), ct)).Where(r => r.Open).ToList();
        if (actor.Is(Roles.Security) || actor.Is(Roles.Auditor))
        {
            Breaches = await InvestigationQueries.OpenBreachesAsync(session, clock.GetCurrentInstant(), ct);
            OpenInvestigations = (await InvestigationQueries.ListAsync(session, InvestigationStatus.Open, null, ct)).Count;
        }
        if (actor.Is(Roles.Employee))
        {
            var all = await session.Query<Review>().Where(r => r.SignedOff == null).ToListAsync(ct);
            Questions = all.SelectMany(r => r.Items.Values.Where(i => i.AskedEmployee == actor.UserId && i.EmployeeAnswer == null).Select(i => (r, i))).ToList();
        }
    }
}
