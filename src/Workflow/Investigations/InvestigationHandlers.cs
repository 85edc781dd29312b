using JasperFx;
using Marten;
using Marten.Exceptions;
using Microsoft.Extensions.Logging;
using NodaTime;
using Npgsql;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Marten;
using Wolverine.Runtime.Handlers;

namespace LogControl.Workflow.Investigations;

/// <summary>
/// The commands to an investigation, in Wolverine's aggregate handler workflow: Wolverine loads the aggregate
/// (FetchForWriting on the stream named by the command's InvestigationId), the aggregate decides, and the returned
/// events are appended and committed together with the inline snapshot and any outgoing (scheduled) messages.
/// </summary>
public static class InvestigationCommandHandler
{
    /// <summary>
    /// Two openings for the same user can race past the open-case query; the unique index on the snapshot lets only
    /// one commit. Running the loser again turns it into the proper rejection (or, for escalations, an attachment).
    /// </summary>
    public static void Configure(HandlerChain chain)
    {
        InvestigationRetries.Apply(chain);
        // A refused command is an answer to its caller (problem details), not a fault of the system.
        chain.FailureLogLevel = LogLevel.Information;
    }

    public static async Task<IStartStream> Handle(OpenInvestigation cmd, IDocumentSession session, CancellationToken ct)
    {
        var opened = Investigation.OpenDirectly(cmd.SubjectUserId, cmd.Reason, cmd.By, cmd.At);
        var open = await InvestigationQueries.OpenForUserAsync(session, opened.SubjectUserId, ct);
        if (open != null) throw Reject.AlreadyOpen(opened.SubjectUserId, open.Id);
        return MartenOps.StartStream<Investigation>(cmd.InvestigationId, opened);
    }

    [AggregateHandler]
    public static async Task<Events> Handle(AttachAnomalies cmd, Investigation? investigation, IDocumentStore store, IDocumentSession session, CancellationToken ct)
    {
        Found(investigation, cmd.InvestigationId).EnsureOpen();
        var anomalies = await AnomalyLookup.FindAsync(store, session, cmd.AnomalyIds ?? [], ct);
        var missing = (cmd.AnomalyIds ?? []).Where(id => anomalies.All(a => a.AnomalyId != id)).ToList();
        if (missing.Count > 0)
            throw Reject.Rule(InvestigationCodes.AnomalyNotFound, $"No anomaly {string.Join(", ", missing)} was ever detected.", 400);
        return Optional(investigation!.AttachAnomalies(anomalies, cmd.By, cmd.At));
    }

    [AggregateHandler]
    public static NoteAdded Handle(AddNote cmd, Investigation? investigation) =>
        Found(investigation, cmd.InvestigationId).AddNote(cmd.Text, cmd.By, cmd.At);

    [AggregateHandler]
    public static InterviewRecorded Handle(RecordInterview cmd, Investigation? investigation) =>
        Found(investigation, cmd.InvestigationId).RecordInterview(cmd.WithWhom, cmd.Summary, cmd.On, cmd.By, cmd.At);

    /// <summary>
    /// Confirms the breach and schedules the two IMY deadline checks in the same transaction (Wolverine's outbox
    /// on the Marten session): there is never a confirmed breach without its checks, nor checks without a breach.
    /// The times are absolute (awareness + 48 h and + 72 h), so a late confirmation schedules them in the past and
    /// they run at once.
    /// </summary>
    [AggregateHandler]
    public static (Events, OutgoingMessages) Handle(ConfirmBreach cmd, Investigation? investigation)
    {
        var confirmed = Found(investigation, cmd.InvestigationId).ConfirmBreach(cmd.AwareAt, cmd.Description, cmd.By, cmd.At);
        var deadline = confirmed.AwareAt + Investigation.ImyNotificationPeriod;
        var checks = new OutgoingMessages();
        checks.Schedule(new ImyDeadlineWarningDue(cmd.InvestigationId), (deadline - Investigation.ImyWarningBefore).ToDateTimeOffset());
        checks.Schedule(new ImyDeadlineDue(cmd.InvestigationId), deadline.ToDateTimeOffset());
        return ([confirmed], checks);
    }

    [AggregateHandler]
    public static ImyNotified Handle(RecordImyNotification cmd, Investigation? investigation) =>
        Found(investigation, cmd.InvestigationId).NotifyImy(cmd.NotifiedAt, cmd.Reference, cmd.By, cmd.At);

    [AggregateHandler]
    public static Events Handle(RecordDecision cmd, Investigation? investigation) =>
        [Found(investigation, cmd.InvestigationId).RecordDecision(cmd.Kind, cmd.On, cmd.Reference, cmd.By, cmd.At)];

    [AggregateHandler]
    public static InvestigationConcluded Handle(ConcludeInvestigation cmd, Investigation? investigation) =>
        Found(investigation, cmd.InvestigationId).Conclude(cmd.Outcome, cmd.Summary, cmd.By, cmd.At);

    /// <summary>A command to a stream that does not exist must not start one.</summary>
    internal static Investigation Found(Investigation? investigation, Guid id) => investigation ?? throw Reject.NotFound(id);

    internal static Events Optional(object? e) => e == null ? [] : [e];
}

/// <summary>
/// One case per user across units: an escalation joins the user's open investigation, or opens one. Idempotent:
/// an escalation (review, item) already in one of the user's cases, open or concluded, is not added again.
/// </summary>
public static class EscalationRaisedHandler
{
    public static void Configure(HandlerChain chain) => InvestigationRetries.Apply(chain);

    public static async Task Handle(EscalationRaised e, IDocumentSession session, IDocumentStore store, IClock clock, CancellationToken ct)
    {
        var cases = await session.Query<Investigation>().Where(x => x.SubjectUserId == e.SubjectUserId).ToListAsync(ct);
        if (cases.Any(c => c.HasEscalation(e.ReviewId, e.ItemId))) return;

        var anomalies = await AnomalyLookup.FindAsync(store, session, e.AnomalyIds, ct);
        var now = clock.GetCurrentInstant();
        var open = cases.FirstOrDefault(c => c.Status == InvestigationStatus.Open);
        if (open == null)
        {
            session.Events.StartStream<Investigation>(Guid.CreateVersion7(), Investigation.OpenFromEscalation(e, anomalies, now));
        }
        else
        {
            var stream = await session.Events.FetchForWriting<Investigation>(open.Id, ct);
            if (stream.Aggregate!.AttachEscalation(e, anomalies, now) is { } attached) stream.AppendOne(attached);
        }
        await session.SaveChangesAsync(ct);
    }
}

internal static class InvestigationRetries
{
    /// <summary>
    /// Retry on lost races: the open-case unique index, or another writer on the same stream. Each round of a race
    /// has exactly one winner, so N simultaneous escalations about one user need N-1 retries for the last of them;
    /// the growing cooldown spreads the losers out. Eight retries cover a burst of nine (a whole review's worth
    /// of escalations about one user arriving at once is far rarer than that).
    /// </summary>
    public static void Apply(HandlerChain chain) =>
        chain.OnException<MartenCommandException>(IsUniqueViolation)
            .Or<DocumentAlreadyExistsException>()
            .Or<ConcurrencyException>()
            .RetryWithCooldown(Cooldowns);

    private static readonly TimeSpan[] Cooldowns =
        [.. new[] { 5, 10, 20, 40, 80, 160, 320, 640 }.Select(ms => TimeSpan.FromMilliseconds(ms))];

    private static bool IsUniqueViolation(MartenCommandException ex) =>
        ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}
