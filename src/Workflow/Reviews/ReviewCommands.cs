using Marten;
using JasperFx.Events;
using Marten.Events;
using NodaTime;
using Wolverine;
using Wolverine.Marten;

namespace LogControl.Workflow.Reviews;

public sealed record StartReview(Guid ReviewId, string By, int? Seed = null);
public sealed record JudgeItem(Guid ReviewId, string ItemId, Verdict Verdict, JustificationCategory? Category, string? Note, string By);
public sealed record AskEmployee(Guid ReviewId, string ItemId, string Question, string By);
public sealed record AnswerJustification(Guid ReviewId, string ItemId, string EmployeeUserId, string Text);
public sealed record EscalateItem(Guid ReviewId, string ItemId, string Reason, string By);
public sealed record SignOffReview(Guid ReviewId, string By);
public sealed record CorrectItem(Guid ReviewId, string ItemId, Verdict Verdict, JustificationCategory? Category, string Reason, string By);

/// <summary>
/// The review's command handlers, in Wolverine's aggregate handler workflow: Wolverine loads the review's
/// stream for writing (optimistic concurrency), the aggregate decides, the events are appended and the
/// transaction (with any outgoing messages in the outbox) commits.
/// </summary>
[AggregateHandler]
public static class ReviewCommandHandler
{
    public static async Task Handle(StartReview cmd, IEventStream<Review> stream, IDocumentStore store, IClock clock, CancellationToken ct)
    {
        var review = Existing(stream);
        var upTo = await Projections.StoreSql.HighWaterAsync(store, ct);
        // The seed is drawn here and recorded: the sample is random for the reviewer, reproducible for the auditor.
        var seed = cmd.Seed ?? Random.Shared.Next(1, int.MaxValue);
        var (items, rule) = await ReviewScope.DrawAsync(store, review.UnitId, review.PeriodFrom, review.PeriodTo, seed, upTo, ct);
        stream.AppendMany(review.Start(cmd.By, clock.GetCurrentInstant(), items, rule).ToArray());
    }

    public static void Handle(JudgeItem cmd, IEventStream<Review> stream, IClock clock) =>
        stream.AppendMany(Existing(stream).Judge(cmd.ItemId, cmd.Verdict, cmd.Category, cmd.Note, cmd.By, clock.GetCurrentInstant()).ToArray());

    public static void Handle(AskEmployee cmd, IEventStream<Review> stream, IClock clock) =>
        stream.AppendMany(Existing(stream).AskEmployee(cmd.ItemId, cmd.Question, cmd.By, clock.GetCurrentInstant()).ToArray());

    public static void Handle(AnswerJustification cmd, IEventStream<Review> stream, IClock clock) =>
        stream.AppendMany(Existing(stream).Answer(cmd.ItemId, cmd.EmployeeUserId, cmd.Text, clock.GetCurrentInstant()).ToArray());

    public static async Task Handle(EscalateItem cmd, IEventStream<Review> stream, IMessageContext messages, IClock clock)
    {
        var review = Existing(stream);
        var now = clock.GetCurrentInstant();
        stream.AppendMany(review.Escalate(cmd.ItemId, cmd.Reason, cmd.By, now).ToArray());
        await messages.PublishAsync(Escalation(review, cmd.ItemId, cmd.Reason, cmd.By, now));
    }

    public static async Task Handle(SignOffReview cmd, IEventStream<Review> stream, IDocumentSession session, IDocumentStore store, IClock clock, CancellationToken ct)
    {
        var review = Existing(stream);
        var now = clock.GetCurrentInstant();
        var signers = await SignersAsync(store, session, review.UnitId, now.InZone(Domain.Time.SwedishTime.Zone).Date, ct);
        stream.AppendMany(review.SignOff(cmd.By, signers, now).ToArray());
    }

    public static async Task Handle(CorrectItem cmd, IEventStream<Review> stream, IMessageContext messages, IClock clock)
    {
        var review = Existing(stream);
        var now = clock.GetCurrentInstant();
        var events = review.Correct(cmd.ItemId, cmd.Verdict, cmd.Category, cmd.Reason, cmd.By, now).ToArray();
        stream.AppendMany(events);
        if (events.OfType<ReviewItemEscalated>().Any()) await messages.PublishAsync(Escalation(review, cmd.ItemId, cmd.Reason, cmd.By, now));
    }

    private static Review Existing(IEventStream<Review> stream) =>
        stream.Aggregate ?? throw CommandRejected.NotFound($"Review {stream.Id}");

    private static EscalationRaised Escalation(Review review, string itemId, string reason, string by, Instant now)
    {
        var item = review.Items[itemId].Item;
        return new EscalationRaised(review.Id, itemId, review.UnitId, item.SubjectUserId, item.ClientId,
            item.AnomalyId is { } a ? [a] : [], reason, by, now);
    }

    /// <summary>Who may sign off for the unit today: its manager (false) and the manager's recorded delegates (true).</summary>
    internal static async Task<IReadOnlyDictionary<string, bool>> SignersAsync(IDocumentStore store, IQuerySession session, string unitId, LocalDate today, CancellationToken ct)
    {
        var signers = new Dictionary<string, bool>();
        var managers = await Projections.StoreSql.QueryAsync(store,
            $"select manager_user_id from {store.Options.Events.DatabaseSchemaName}.lc_ref_units where unit_id = $1 and manager_user_id is not null",
            r => r.GetString(0), ct, unitId);
        var settings = await session.LoadAsync<UnitReviewSettings>(UnitReviewSettings.StreamId(unitId), ct);
        foreach (var manager in managers)
        {
            signers[manager] = false;
            foreach (var d in settings?.DelegatesOn(manager, today) ?? []) signers.TryAdd(d, true);
        }
        return signers;
    }
}
