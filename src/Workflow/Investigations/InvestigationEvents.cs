using NodaTime;

namespace LogControl.Workflow.Investigations;

// The facts of an investigation, one stream per investigation (Guid). Past tense, immutable, and only
// ever appended by the Investigation aggregate's decisions (Investigation.cs) or the IMY deadline checks.

public enum InvestigationOrigin { Direct, Escalation }

public enum InvestigationOutcome { NoMisuse, MisuseConfirmed }

public enum DecisionKind { LexSarah, LexMaria, Hr, Police }

/// <summary>An anomaly as the investigation captured it when attached: enough to find the client's accesses later,
/// even after detection retracts the anomaly.</summary>
public sealed record AnomalyRef(Guid AnomalyId, string Rule, string UserId, string? ClientId, string? UnitId, LocalDate Day);

/// <summary>A unit manager's escalation of a review item, as the investigation keeps it.</summary>
public sealed record EscalationRef(
    Guid ReviewId, string ItemId, string UnitId, string? ClientId, IReadOnlyList<Guid> AnomalyIds, string Reason,
    string RaisedBy, Instant RaisedAt);

/// <summary>
/// The case was opened: directly by security staff (with <paramref name="Reason"/>) or from a unit manager's
/// escalation (<paramref name="Escalation"/>, with the anomalies it named in <paramref name="Anomalies"/>).
/// </summary>
public sealed record InvestigationOpened(
    string SubjectUserId, InvestigationOrigin Origin, string? Reason, EscalationRef? Escalation, IReadOnlyList<AnomalyRef> Anomalies,
    string OpenedBy, Instant OpenedAt);

/// <summary>A later escalation about the same user landed in this case (one case per user across units).</summary>
public sealed record EscalationAttached(EscalationRef Escalation, IReadOnlyList<AnomalyRef> Anomalies, Instant AttachedAt);

public sealed record AnomaliesAttached(IReadOnlyList<AnomalyRef> Anomalies, string By, Instant At);

public sealed record NoteAdded(string Text, string By, Instant At);

public sealed record InterviewRecorded(string WithWhom, string Summary, LocalDate On, string By, Instant At);

/// <summary>
/// A personal-data breach is confirmed. <paramref name="AwareAt"/> is when the organisation became aware of it
/// (GDPR art. 33): IMY must be notified within 72 hours of that instant, not of this event.
/// </summary>
public sealed record BreachConfirmed(Instant AwareAt, string? Description, string By, Instant At);

/// <summary>IMY was notified at <paramref name="NotifiedAt"/>; <paramref name="Reference"/> is IMY's case reference.</summary>
public sealed record ImyNotified(Instant NotifiedAt, string Reference, string By, Instant At);

// Decisions, each with the date it was made or filed (On) and an optional reference (a case or report number).
public sealed record LexSarahReported(LocalDate On, string? Reference, string By, Instant At);
public sealed record LexMariaReported(LocalDate On, string? Reference, string By, Instant At);
public sealed record HrReferred(LocalDate On, string? Reference, string By, Instant At);
public sealed record PoliceReported(LocalDate On, string? Reference, string By, Instant At);

/// <summary>24 hours (or less) were left of the IMY deadline and IMY had not been notified.</summary>
public sealed record ImyDeadlineWarningRaised(Instant Deadline, Instant At);

/// <summary>The IMY deadline passed without a notification. Notifying late stays possible (and necessary).</summary>
public sealed record ImyDeadlineMissed(Instant Deadline, Instant At);

public sealed record InvestigationConcluded(InvestigationOutcome Outcome, string Summary, string By, Instant At);
