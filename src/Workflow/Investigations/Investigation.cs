using LogControl.Domain.Time;
using NodaTime;

namespace LogControl.Workflow.Investigations;

public enum InvestigationStatus { Open, Concluded }

public sealed record InvestigationNote(string Text, string By, Instant At);

public sealed record InvestigationInterview(string WithWhom, string Summary, LocalDate On, string By, Instant At);

public sealed record InvestigationDecision(DecisionKind Kind, LocalDate On, string? Reference, string By, Instant At);

/// <summary>The confirmed breach and where its IMY notification stands.</summary>
public sealed record BreachState(
    Instant AwareAt, Instant ImyDeadline, string? Description, string ConfirmedBy, Instant ConfirmedAt,
    Instant? ImyNotifiedAt = null, string? ImyReference = null, Instant? WarningRaisedAt = null, Instant? DeadlineMissedAt = null);

public sealed record InvestigationConclusion(InvestigationOutcome Outcome, string Summary, string By, Instant At);

/// <summary>
/// A misuse investigation of one user (the subject) across units. Self-aggregating: the Apply methods fold the
/// events into this state, and an inline snapshot keeps it queryable (the open case per user, open breaches).
/// The decision methods enforce the invariants and return the events to append; they never change the state
/// themselves, so the stream is the only truth and a replay gives the same state as the snapshot.
/// </summary>
public sealed class Investigation
{
    /// <summary>GDPR art. 33: notify the supervisory authority within 72 hours of becoming aware.</summary>
    public static readonly Duration ImyNotificationPeriod = Duration.FromHours(72);
    /// <summary>When the warning is raised: with this much time left.</summary>
    public static readonly Duration ImyWarningBefore = Duration.FromHours(24);

    public Guid Id { get; set; }
    public long Version { get; set; }
    public string SubjectUserId { get; set; } = "";
    public InvestigationStatus Status { get; set; }
    public InvestigationOrigin Origin { get; set; }
    public string? Reason { get; set; }
    public string OpenedBy { get; set; } = "";
    public Instant OpenedAt { get; set; }
    public List<EscalationRef> Escalations { get; set; } = [];
    public List<AnomalyRef> Anomalies { get; set; } = [];
    public List<InvestigationNote> Notes { get; set; } = [];
    public List<InvestigationInterview> Interviews { get; set; } = [];
    public BreachState? Breach { get; set; }
    public List<InvestigationDecision> Decisions { get; set; } = [];
    public InvestigationConclusion? Conclusion { get; set; }

    /// <summary>The clients the case is about: those of its anomalies and escalations.</summary>
    public IReadOnlyList<string> ClientsConcerned() =>
        Anomalies.Select(a => a.ClientId).Concat(Escalations.Select(e => e.ClientId))
            .OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    public bool HasEscalation(Guid reviewId, string itemId) =>
        Escalations.Any(e => e.ReviewId == reviewId && e.ItemId == itemId);

    // ---- Folding the events -------------------------------------------------------------------------------

    public void Apply(InvestigationOpened e)
    {
        SubjectUserId = e.SubjectUserId;
        Status = InvestigationStatus.Open;
        Origin = e.Origin;
        Reason = e.Reason;
        OpenedBy = e.OpenedBy;
        OpenedAt = e.OpenedAt;
        if (e.Escalation != null) Escalations.Add(e.Escalation);
        AddAnomalies(e.Anomalies);
    }

    public void Apply(EscalationAttached e)
    {
        Escalations.Add(e.Escalation);
        AddAnomalies(e.Anomalies);
    }

    public void Apply(AnomaliesAttached e) => AddAnomalies(e.Anomalies);

    public void Apply(NoteAdded e) => Notes.Add(new InvestigationNote(e.Text, e.By, e.At));

    public void Apply(InterviewRecorded e) => Interviews.Add(new InvestigationInterview(e.WithWhom, e.Summary, e.On, e.By, e.At));

    public void Apply(BreachConfirmed e) =>
        Breach = new BreachState(e.AwareAt, e.AwareAt + ImyNotificationPeriod, e.Description, e.By, e.At);

    public void Apply(ImyNotified e) => Breach = Breach! with { ImyNotifiedAt = e.NotifiedAt, ImyReference = e.Reference };

    public void Apply(ImyDeadlineWarningRaised e) => Breach = Breach! with { WarningRaisedAt = e.At };

    public void Apply(ImyDeadlineMissed e) => Breach = Breach! with { DeadlineMissedAt = e.At };

    public void Apply(LexSarahReported e) => Decisions.Add(new InvestigationDecision(DecisionKind.LexSarah, e.On, e.Reference, e.By, e.At));
    public void Apply(LexMariaReported e) => Decisions.Add(new InvestigationDecision(DecisionKind.LexMaria, e.On, e.Reference, e.By, e.At));
    public void Apply(HrReferred e) => Decisions.Add(new InvestigationDecision(DecisionKind.Hr, e.On, e.Reference, e.By, e.At));
    public void Apply(PoliceReported e) => Decisions.Add(new InvestigationDecision(DecisionKind.Police, e.On, e.Reference, e.By, e.At));

    public void Apply(InvestigationConcluded e)
    {
        Status = InvestigationStatus.Concluded;
        Conclusion = new InvestigationConclusion(e.Outcome, e.Summary, e.By, e.At);
    }

    private void AddAnomalies(IEnumerable<AnomalyRef> anomalies)
    {
        foreach (var a in anomalies)
            if (Anomalies.All(x => x.AnomalyId != a.AnomalyId)) Anomalies.Add(a);
    }

    // ---- Deciding: invariants in, events out --------------------------------------------------------------

    public static InvestigationOpened OpenDirectly(string subjectUserId, string reason, string by, Instant at) =>
        new(Required(subjectUserId, "subjectUserId"), InvestigationOrigin.Direct, Required(reason, "reason"), null, [], by, at);

    public static InvestigationOpened OpenFromEscalation(EscalationRaised e, IReadOnlyList<AnomalyRef> anomalies, Instant at) =>
        new(Required(e.SubjectUserId, "subjectUserId"), InvestigationOrigin.Escalation, null, ToRef(e), anomalies, e.RaisedBy, at);

    /// <summary>Null when this escalation is already part of the case (a message delivered twice).</summary>
    public EscalationAttached? AttachEscalation(EscalationRaised e, IReadOnlyList<AnomalyRef> anomalies, Instant at)
    {
        EnsureOpen();
        EnsureSubject(e.SubjectUserId);
        return HasEscalation(e.ReviewId, e.ItemId) ? null : new EscalationAttached(ToRef(e), anomalies, at);
    }

    /// <summary>Null when every anomaly is attached already.</summary>
    public AnomaliesAttached? AttachAnomalies(IReadOnlyList<AnomalyRef> anomalies, string by, Instant at)
    {
        EnsureOpen();
        if (anomalies.Count == 0) throw Reject.Required("anomalyIds");
        var other = anomalies.FirstOrDefault(a => a.UserId != SubjectUserId);
        if (other != null)
            throw Reject.Rule(InvestigationCodes.AnomalyOfOtherUser,
                $"Anomaly {other.AnomalyId} concerns user {other.UserId}, not the subject {SubjectUserId}; open a case for that user instead.", 400);
        var added = anomalies.Where(a => Anomalies.All(x => x.AnomalyId != a.AnomalyId)).DistinctBy(a => a.AnomalyId).ToList();
        return added.Count == 0 ? null : new AnomaliesAttached(added, by, at);
    }

    public NoteAdded AddNote(string text, string by, Instant at)
    {
        EnsureOpen();
        return new NoteAdded(Required(text, "text"), by, at);
    }

    public InterviewRecorded RecordInterview(string withWhom, string summary, LocalDate on, string by, Instant at)
    {
        EnsureOpen();
        EnsureNotFuture(on, at, "interview");
        return new InterviewRecorded(Required(withWhom, "withWhom"), Required(summary, "summary"), on, by, at);
    }

    public BreachConfirmed ConfirmBreach(Instant awareAt, string? description, string by, Instant at)
    {
        EnsureOpen();
        if (Breach != null)
            throw Reject.Rule(InvestigationCodes.BreachAlreadyConfirmed,
                $"A breach was already confirmed (aware {SwedishTime.FormatIso(Breach.AwareAt)}); its IMY deadline stands.");
        if (awareAt > at)
            throw Reject.Rule(InvestigationCodes.TimeInFuture, "The organisation cannot have become aware of the breach in the future.", 400);
        return new BreachConfirmed(awareAt, string.IsNullOrWhiteSpace(description) ? null : description.Trim(), by, at);
    }

    public ImyNotified NotifyImy(Instant notifiedAt, string reference, string by, Instant at)
    {
        EnsureOpen();
        if (Breach == null)
            throw Reject.Rule(InvestigationCodes.BreachNotConfirmed, "IMY is notified of a confirmed personal-data breach; confirm the breach first.");
        if (Breach.ImyNotifiedAt != null)
            throw Reject.Rule(InvestigationCodes.ImyAlreadyNotified, $"IMY was already notified ({Breach.ImyReference}).");
        if (notifiedAt > at)
            throw Reject.Rule(InvestigationCodes.TimeInFuture, "A notification cannot be recorded before it was made.", 400);
        if (notifiedAt < Breach.AwareAt)
            throw Reject.Rule(InvestigationCodes.NotifiedBeforeAwareness, "IMY cannot have been notified before the organisation became aware of the breach.", 400);
        return new ImyNotified(notifiedAt, Required(reference, "reference"), by, at);
    }

    public object RecordDecision(DecisionKind kind, LocalDate on, string? reference, string by, Instant at)
    {
        EnsureOpen();
        EnsureNotFuture(on, at, "decision");
        reference = string.IsNullOrWhiteSpace(reference) ? null : reference.Trim();
        return kind switch
        {
            DecisionKind.LexSarah => new LexSarahReported(on, reference, by, at),
            DecisionKind.LexMaria => new LexMariaReported(on, reference, by, at),
            DecisionKind.Hr => new HrReferred(on, reference, by, at),
            DecisionKind.Police => new PoliceReported(on, reference, by, at),
            _ => throw Reject.Rule(InvestigationCodes.UnknownDecisionKind, $"Unknown decision kind {kind}.", 400),
        };
    }

    public InvestigationConcluded Conclude(InvestigationOutcome outcome, string summary, string by, Instant at)
    {
        EnsureOpen();
        if (!Enum.IsDefined(outcome)) throw Reject.Rule(InvestigationCodes.UnknownOutcome, $"Unknown outcome {outcome}.", 400);
        if (Breach != null && outcome == InvestigationOutcome.NoMisuse)
            throw Reject.Rule(InvestigationCodes.BreachImpliesMisuse,
                "A personal-data breach was confirmed, which confirms misuse: the outcome can only be MisuseConfirmed.");
        if (Breach is { ImyNotifiedAt: null })
            throw Reject.Rule(InvestigationCodes.ImyNotificationPending,
                $"IMY has not been notified of the confirmed breach (deadline {SwedishTime.FormatIso(Breach.ImyDeadline)}); record the notification first.");
        return new InvestigationConcluded(outcome, Required(summary, "summary"), by, at);
    }

    /// <summary>
    /// The "24 hours left" check, whenever it runs: nothing when IMY was notified, the warning or the miss is already
    /// recorded, or the case is concluded (a duplicate or a late delivery); nothing before the warning time (early);
    /// nothing once the deadline has passed (the deadline check records the miss, and a warning then would be noise).
    /// </summary>
    public ImyDeadlineWarningRaised? CheckImyWarning(Instant now)
    {
        if (Status != InvestigationStatus.Open || Breach is not { ImyNotifiedAt: null, WarningRaisedAt: null, DeadlineMissedAt: null } b) return null;
        if (now < b.ImyDeadline - ImyWarningBefore || now >= b.ImyDeadline) return null;
        return new ImyDeadlineWarningRaised(b.ImyDeadline, now);
    }

    /// <summary>The deadline check, whenever it runs: the miss is recorded once, only when the deadline has passed without a notification.</summary>
    public ImyDeadlineMissed? CheckImyDeadline(Instant now)
    {
        if (Status != InvestigationStatus.Open || Breach is not { ImyNotifiedAt: null, DeadlineMissedAt: null } b) return null;
        return now >= b.ImyDeadline ? new ImyDeadlineMissed(b.ImyDeadline, now) : null;
    }

    public void EnsureOpen()
    {
        if (Status == InvestigationStatus.Concluded) throw Reject.Concluded(Id);
    }

    private void EnsureSubject(string userId)
    {
        if (userId != SubjectUserId)
            throw Reject.Rule(InvestigationCodes.SubjectMismatch, $"Investigation {Id} is about {SubjectUserId}, not {userId}.");
    }

    /// <summary>A date is in the future when it is after the command's own day in Sweden.</summary>
    private static void EnsureNotFuture(LocalDate on, Instant at, string what)
    {
        var today = SwedishTime.DateOf(at);
        if (on > today)
            throw Reject.Rule(InvestigationCodes.DateInFuture, $"The {what} date {on:uuuu-MM-dd} is after today ({today:uuuu-MM-dd}).", 400);
    }

    private static string Required(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw Reject.Required(field) : value.Trim();

    private static EscalationRef ToRef(EscalationRaised e) =>
        new(e.ReviewId, e.ItemId, e.UnitId, e.ClientId, e.AnomalyIds, e.Reason, e.RaisedBy, e.RaisedAt);
}
