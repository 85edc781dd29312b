using LogControl.Server.Web;
using LogControl.Workflow.Reviews;
using LogControl.Workflow.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;

namespace LogControl.Server.Pages.Questions;

/// <summary>A manager's question to this employee about one of their accesses.</summary>
public sealed record OpenQuestion(Guid ReviewId, string UnitId, string ItemId, ReviewItem Item, string Question, string AskedBy);

/// <summary>
/// Mina frågor: the employee answers the manager's questions about their own accesses. The answer is the API's
/// command (<see cref="AnswerJustification"/>); the aggregate checks that only the employee who was asked answers.
/// </summary>
[Authorize(Policy = Policies.Write)]
public sealed class IndexModel(IDocumentStore store, IMessageBus bus) : UiPage
{
    public IReadOnlyList<OpenQuestion> Questions { get; private set; } = [];
    public string? ErrorFor { get; private set; }
    [TempData] public string? Done { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => Questions = await OpenQuestionsAsync(ct);

    public async Task<IActionResult> OnPostAsync(Guid reviewId, string itemId, string? text, CancellationToken ct)
    {
        try
        {
            await bus.InvokeAsync(new AnswerJustification(reviewId, itemId, Actor.UserId, text ?? ""), ct);
        }
        catch (Exception e) when (AsRejected(e) is { } rejected)
        {
            if (rejected.Status is 403 or 404) return Refused(rejected);
            (Error, ErrorFor) = (Sv.Rejection(rejected), $"{reviewId}|{itemId}");
            Questions = await OpenQuestionsAsync(ct);
            Response.StatusCode = rejected.Status;
            return Page();
        }
        Done = "Ditt svar är skickat till din chef.";
        return Redirect("/fragor");
    }

    private async Task<IReadOnlyList<OpenQuestion>> OpenQuestionsAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var me = Actor.UserId;
        var reviews = await session.Query<Review>().Where(r => r.SignedOff == null).ToListAsync(ct);
        var open = new List<OpenQuestion>();
        foreach (var r in reviews)
        {
            var pending = r.ItemOrder.Select(i => r.Items[i]).Where(i => i.AskedEmployee == me && i.EmployeeAnswer == null).ToList();
            if (pending.Count == 0) continue;
            // The question's text is in the event, not the snapshot.
            var asked = (await session.Events.FetchStreamAsync(r.Id, token: ct)).Select(e => e.Data).OfType<JustificationRequested>().ToList();
            foreach (var i in pending)
                if (asked.LastOrDefault(q => q.ItemId == i.Item.ItemId) is { } q)
                    open.Add(new OpenQuestion(r.Id, r.UnitId, i.Item.ItemId, i.Item, q.Question, q.By));
        }
        return open;
    }
}
