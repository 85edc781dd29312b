using LogControl.Server.Web;
using Marten;
using NodaTime;

namespace LogControl.Server.Pages.Reviews;

/// <summary>Mina granskningar: immediate, overdue, due and signed-off reviews of the units the actor may read.</summary>
public sealed class IndexModel(IQuerySession session, IClock clock) : UiPage
{
    public IReadOnlyList<ReviewRow> Immediate { get; private set; } = [];
    public IReadOnlyList<ReviewRow> Overdue { get; private set; } = [];
    public IReadOnlyList<ReviewRow> Due { get; private set; } = [];
    public IReadOnlyList<ReviewRow> Signed { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var rows = await ReviewLists.ReadableAsync(session, Actor, Sv.Today(clock), ct);
        var open = rows.Where(r => r.Open).ToList();
        Immediate = open.Where(r => r.Immediate).ToList();
        Overdue = open.Where(r => !r.Immediate && r.Overdue).ToList();
        Due = open.Where(r => !r.Immediate && !r.Overdue).ToList();
        Signed = rows.Where(r => !r.Open).OrderByDescending(r => r.Review.SignedOff!.At).ToList();
    }
}
