using System.Security.Claims;
using LogControl.Workflow.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using NodaTime;
using Wolverine;
using Wolverine.Http;

namespace LogControl.Workflow.Reviews;

public sealed record JudgementRequest(Verdict Verdict, JustificationCategory? Category, string? Note);
public sealed record QuestionRequest(string Question);
public sealed record AnswerRequest(string Text);
public sealed record EscalationRequest(string Reason);
public sealed record CorrectionRequest(Verdict Verdict, JustificationCategory? Category, string Reason);
public sealed record SuspicionRequest(string UnitId, string Text, string? UserId, string? ClientId);
public sealed record PolicyRequest(ReviewFrequency Frequency, bool ImmediateReviewOnCritical);
public sealed record DelegationRequest(string ManagerUserId, string DelegateUserId, LocalDate From, LocalDate To);
public sealed record ReviewCreated(Guid ReviewId);
public sealed record ReviewEvent(long Version, string Type, Instant Timestamp, object Data);

/// <summary>
/// The review workflow over HTTP. Each endpoint checks who acts (role and unit scope) and hands a command to
/// the aggregate's handler; refused commands come back as problem details.
/// </summary>
public static class ReviewEndpoints
{
    private static async Task<Review> LoadAsync(IQuerySession session, Guid reviewId) =>
        await session.LoadAsync<Review>(reviewId) ?? throw CommandRejected.NotFound($"Review {reviewId}");

    /// <summary>A manager of the review's unit acts: the command is built with their user id, and the review is answered fresh.</summary>
    private static async Task<Review> ActAsManagerAsync(ClaimsPrincipal user, IQuerySession session, IMessageBus bus, Guid reviewId, Func<string, object> command)
    {
        var actor = Actor.From(user);
        var review = await LoadAsync(session, reviewId);
        if (!actor.ManagesUnit(review.UnitId))
            throw CommandRejected.Forbidden($"Only a manager of unit {review.UnitId} may act on its reviews.");
        await bus.InvokeAsync(command(actor.UserId));
        return await Fresh(session, reviewId);
    }

    [Authorize(Policy = Policies.Read)]
    [WolverineGet("/api/reviews")]
    public static async Task<IReadOnlyList<Review>> List(ClaimsPrincipal user, IQuerySession session, string? unit, bool? open)
    {
        var actor = Actor.From(user);
        var reviews = await session.Query<Review>().ToListAsync();
        return reviews.Where(r => actor.MayRead(r.UnitId) && (unit == null || r.UnitId == unit) && (open == null || open == (r.SignedOff == null)))
            .OrderBy(r => r.DueOn).ThenBy(r => r.UnitId).ToList();
    }

    /// <summary>The review now, or with <paramref name="asOf"/> (an ISO instant) as it was known then: what the manager saw when signing.</summary>
    [Authorize(Policy = Policies.Read)]
    [WolverineGet("/api/reviews/{reviewId}")]
    public static async Task<Review> Get(Guid reviewId, ClaimsPrincipal user, IQuerySession session, string? asOf = null)
    {
        var at = Replay.Replay.ParseAsOf(asOf);
        var review = await LoadAsync(session, reviewId);
        // The unit never changes, so today's snapshot decides who may read any earlier state.
        if (!Actor.From(user).MayRead(review.UnitId)) throw CommandRejected.Forbidden($"Unit {review.UnitId} is not yours to read.");
        if (at == null) return review;
        return await Replay.Replay.ReviewAsync(session, reviewId, at.Value) ?? throw Replay.Replay.NotYet($"Review {reviewId}", at.Value);
    }

    /// <summary>Every event of the review, in order: what internal audit replays.</summary>
    [Authorize(Policy = Policies.Read)]
    [WolverineGet("/api/reviews/{reviewId}/history")]
    public static async Task<IReadOnlyList<ReviewEvent>> History(Guid reviewId, ClaimsPrincipal user, IQuerySession session)
    {
        await Get(reviewId, user, session, null);
        var events = await session.Events.FetchStreamAsync(reviewId);
        return events.Select(e => new ReviewEvent(e.Version, e.EventTypeName, Instant.FromDateTimeOffset(e.Timestamp), e.Data)).ToList();
    }

    [Authorize(Policy = Policies.Write)]
    [WolverinePost("/api/reviews/{reviewId}/start")]
    public static Task<Review> Start(Guid reviewId, ClaimsPrincipal user, IQuerySession session, IMessageBus bus) =>
        ActAsManagerAsync(user, session, bus, reviewId, by => new StartReview(reviewId, by));

    [Authorize(Policy = Policies.Write)]
    [WolverinePost("/api/reviews/{reviewId}/items/{itemId}/judgement")]
    public static Task<Review> Judge(Guid reviewId, string itemId, JudgementRequest body, ClaimsPrincipal user, IQuerySession session, IMessageBus bus) =>
        ActAsManagerAsync(user, session, bus, reviewId, by => new JudgeItem(reviewId, itemId, body.Verdict, body.Category, body.Note, by));

    [Authorize(Policy = Policies.Write)]
    [WolverinePost("/api/reviews/{reviewId}/items/{itemId}/question")]
    public static Task<Review> Ask(Guid reviewId, string itemId, QuestionRequest body, ClaimsPrincipal user, IQuerySession session, IMessageBus bus) =>
        ActAsManagerAsync(user, session, bus, reviewId, by => new AskEmployee(reviewId, itemId, body.Question, by));

    /// <summary>The employee answers the manager's question about their own access.</summary>
    [Authorize(Policy = Policies.Write)]
    [WolverinePost("/api/reviews/{reviewId}/items/{itemId}/answer")]
    public static async Task<IResult> Answer(Guid reviewId, string itemId, AnswerRequest body, ClaimsPrincipal user, IMessageBus bus)
    {
        var actor = Actor.From(user);
        if (actor.Is(Roles.Auditor)) throw CommandRejected.Forbidden("Internal audit reads; it does not act.");
        await bus.InvokeAsync(new AnswerJustification(reviewId, itemId, actor.UserId, body.Text));
        return Results.NoContent();
    }

    [Authorize(Policy = Policies.Write)]
    [WolverinePost("/api/reviews/{reviewId}/items/{itemId}/escalation")]
    public static Task<Review> Escalate(Guid reviewId, string itemId, EscalationRequest body, ClaimsPrincipal user, IQuerySession session, IMessageBus bus) =>
        ActAsManagerAsync(user, session, bus, reviewId, by => new EscalateItem(reviewId, itemId, body.Reason, by));

    /// <summary>Sign-off needs the unit's manager (or a recorded delegate), who need not hold the manager role's unit claim as a delegate.</summary>
    [Authorize(Policy = Policies.Write)]
    [WolverinePost("/api/reviews/{reviewId}/sign-off")]
    public static async Task<Review> SignOff(Guid reviewId, ClaimsPrincipal user, IQuerySession session, IMessageBus bus)
    {
        var actor = Actor.From(user);
        if (actor.Is(Roles.Auditor)) throw CommandRejected.Forbidden("Internal audit reads; it does not act.");
        await LoadAsync(session, reviewId);
        await bus.InvokeAsync(new SignOffReview(reviewId, actor.UserId));
        return await Fresh(session, reviewId);
    }

    [Authorize(Policy = Policies.Write)]
    [WolverinePost("/api/reviews/{reviewId}/items/{itemId}/correction")]
    public static Task<Review> Correct(Guid reviewId, string itemId, CorrectionRequest body, ClaimsPrincipal user, IQuerySession session, IMessageBus bus) =>
        ActAsManagerAsync(user, session, bus, reviewId, by => new CorrectItem(reviewId, itemId, body.Verdict, body.Category, body.Reason, by));

    /// <summary>Anyone with a role (except read-only internal audit) can file a suspicion; it opens an immediate review.</summary>
    [Authorize(Policy = Policies.Write)]
    [WolverinePost("/api/suspicions")]
    public static async Task<ReviewCreated> FileSuspicion(SuspicionRequest body, ClaimsPrincipal user, IMessageBus bus)
    {
        var actor = Actor.From(user);
        if (actor.Roles.Count == 0 || actor.Is(Roles.Auditor)) throw CommandRejected.Forbidden("Filing a suspicion needs a role that acts.");
        var id = await bus.InvokeAsync<Guid>(new FileSuspicion(body.UnitId, body.Text, body.UserId, body.ClientId, actor.UserId));
        return new ReviewCreated(id);
    }

    [Authorize(Policy = Policies.Write)]
    [WolverinePut("/api/units/{unitId}/review-policy")]
    public static async Task<IResult> SetPolicy(string unitId, PolicyRequest body, ClaimsPrincipal user, IMessageBus bus)
    {
        var actor = Actor.From(user);
        if (!actor.Is(Roles.Administrator)) throw CommandRejected.Forbidden("Review policies are set by an administrator.");
        await bus.InvokeAsync(new SetReviewPolicy(unitId, body.Frequency, body.ImmediateReviewOnCritical, actor.UserId));
        return Results.NoContent();
    }

    [Authorize(Policy = Policies.Write)]
    [WolverinePost("/api/units/{unitId}/delegations")]
    public static async Task<IResult> Delegate(string unitId, DelegationRequest body, ClaimsPrincipal user, IMessageBus bus)
    {
        var actor = Actor.From(user);
        if (!actor.Is(Roles.Administrator) && !(actor.ManagesUnit(unitId) && actor.UserId == body.ManagerUserId))
            throw CommandRejected.Forbidden("A manager delegates their own sign-off; an administrator may record any delegation.");
        await bus.InvokeAsync(new RecordDelegation(unitId, body.ManagerUserId, body.DelegateUserId, body.From, body.To, actor.UserId));
        return Results.NoContent();
    }

    /// <summary>Runs the scheduling sweep now (it also runs in the background).</summary>
    [Authorize(Policy = Policies.Write)]
    [WolverinePost("/api/reviews/schedule")]
    public static async Task<SchedulingResult> Schedule(ClaimsPrincipal user, IMessageBus bus)
    {
        if (!Actor.From(user).Is(Roles.Administrator)) throw CommandRejected.Forbidden("Only an administrator runs the scheduler by hand.");
        return await bus.InvokeAsync<SchedulingResult>(new ScheduleReviews());
    }

    private static async Task<Review> Fresh(IQuerySession session, Guid reviewId)
    {
        // The query session may have cached the document before the command ran.
        await using var fresh = session.DocumentStore.QuerySession();
        return await LoadAsync(fresh, reviewId);
    }
}
