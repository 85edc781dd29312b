using LogControl.Server.Web;
using LogControl.Workflow;
using LogControl.Workflow.Audit;
using LogControl.Workflow.Reviews;
using LogControl.Workflow.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine;

namespace LogControl.Server.Pages.Reviews;

/// <summary>
/// One review: each item's evidence and the manager's forms (start, judge, ask the employee, escalate, sign off).
/// Every form sends the same command as the API (<see cref="ReviewEndpoints"/>) through the bus; the aggregate decides,
/// and a refusal comes back in Swedish next to the form that sent it. Showing the evidence is recorded as a view.
/// </summary>
[Authorize(Policy = Policies.Read)]
public sealed class ReviewModel(IDocumentStore store, IMessageBus bus, IClock clock, IAuthorizationService authorization) : UiPage
{
    public Review Review { get; private set; } = null!;
    public IReadOnlyDictionary<string, ItemEvidence> Evidence { get; private set; } = new Dictionary<string, ItemEvidence>();
    /// <summary>The item whose form the <see cref="UiPage.Error"/> belongs to; "review" for start and sign-off.</summary>
    public string? ErrorFor { get; private set; }
    [TempData] public string? Done { get; set; }
    public bool MayAct { get; private set; }
    public bool MaySignOff { get; private set; }

    public ItemState Item(string id) => Review.Items[id];
    public int Index(string itemId) => Review.ItemOrder.IndexOf(itemId) + 1;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await ShowAsync(id, ct) ?? Page();

    public Task<IActionResult> OnPostStartAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, "review", by => new StartReview(id, by), "Granskningen är påbörjad och urvalet draget.", ct);

    public Task<IActionResult> OnPostJudgeAsync(Guid id, string itemId, Verdict? verdict, JustificationCategory? category, string? note, CancellationToken ct) =>
        verdict == null
            ? FailAsync(id, itemId, "Välj om åtkomsten var motiverad eller inte.", 400, ct)
            : ActAsync(id, itemId, by => new JudgeItem(id, itemId, verdict.Value, category, note, by), "Bedömningen är sparad.", ct);

    public Task<IActionResult> OnPostAskAsync(Guid id, string itemId, string? question, CancellationToken ct) =>
        ActAsync(id, itemId, by => new AskEmployee(id, itemId, question ?? "", by), "Frågan är skickad till medarbetaren.", ct);

    public Task<IActionResult> OnPostEscalateAsync(Guid id, string itemId, string? reason, CancellationToken ct) =>
        ActAsync(id, itemId, by => new EscalateItem(id, itemId, reason ?? "", by), "Posten är eskalerad till informationssäkerhet.", ct);

    public Task<IActionResult> OnPostSignOffAsync(Guid id, bool confirm, CancellationToken ct) =>
        !confirm
            ? FailAsync(id, "review", "Bekräfta att du har granskat sammanställningen innan du signerar.", 400, ct)
            // Sign-off is decided by the aggregate (the unit's manager or a recorded delegate), as in the API.
            : ActAsync(id, "review", by => new SignOffReview(id, by), "Granskningen är signerad.", ct, managerOnly: false);

    private async Task<IActionResult> ActAsync(Guid id, string form, Func<string, object> command, string done, CancellationToken ct, bool managerOnly = true)
    {
        await using (var session = store.QuerySession())
        {
            var review = await session.LoadAsync<Review>(id, ct);
            if (review == null) return NotFound();
            if (!(await authorization.AuthorizeAsync(User, Policies.Write)).Succeeded) return StatusCode(403);
            if (managerOnly && !Actor.ManagesUnit(review.UnitId)) return StatusCode(403);
            Review = review; // for the anchor to return to
        }
        try
        {
            await bus.InvokeAsync(command(Actor.UserId), ct);
        }
        catch (Exception e) when (AsRejected(e) is { } rejected)
        {
            if (rejected.Status is 403 or 404) return Refused(rejected);
            return await FailAsync(id, form, Sv.Rejection(rejected), rejected.Status, ct);
        }
        Done = done;
        return Redirect($"/granskningar/{id}#{Anchor(form)}");
    }

    private async Task<IActionResult> FailAsync(Guid id, string form, string message, int status, CancellationToken ct)
    {
        if (await ShowAsync(id, ct) is { } refused) return refused;
        (Error, ErrorFor) = (message, form);
        Response.StatusCode = status;
        return Page();
    }

    public string Anchor(string form) => form == "review" ? "signering" : $"post-{Index(form)}";

    private async Task<IActionResult?> ShowAsync(Guid id, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var review = await session.LoadAsync<Review>(id, ct);
        if (review == null) return NotFound();
        if (!Actor.MayRead(review.UnitId)) return StatusCode(403);
        Review = review;
        MayAct = Actor.ManagesUnit(review.UnitId) && (await authorization.AuthorizeAsync(User, Policies.Write)).Succeeded;
        MaySignOff = (await authorization.AuthorizeAsync(User, Policies.Write)).Succeeded && !Actor.Is(Roles.Auditor);
        Evidence = await ReviewEvidence.LoadAsync(store, review, ct);
        if (review.Items.Count > 0)
        {
            var subjects = review.Items.Values.SelectMany(i => new[] { i.Item.SubjectUserId, i.Item.ClientId });
            await WebViews.RecordAsync(store, Actor.UserId, Actor.Roles, LogControl.Domain.Audit.PersonalDataViews.ReviewEvidence, $"review:{id}", subjects,
                clock.GetCurrentInstant(), ct);
        }
        return null;
    }

    /// <summary>What sign-off covers, counted from the review's own state.</summary>
    public IEnumerable<(string Label, int Count)> Summary()
    {
        var items = Review.Items.Values.ToList();
        foreach (var g in items.GroupBy(i => i.Item.Kind).OrderBy(g => g.Key)) yield return ($"{Sv.Kind(g.Key)}", g.Count());
        yield return ("Motiverade", items.Count(i => i.Verdict == Verdict.Justified));
        yield return ("Ej motiverade och eskalerade", items.Count(i => i.Verdict == Verdict.Unjustified && i.Escalated));
        yield return ("Medarbetaren tillfrågad", items.Count(i => i.AskedEmployee != null));
        yield return ("Ej avgjorda", items.Count(i => !i.Decided));
    }
}
