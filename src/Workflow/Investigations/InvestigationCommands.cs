using NodaTime;

namespace LogControl.Workflow.Investigations;

// Commands to an investigation. Each carries who acted (Actor.UserId) and when (IClock, at the edge), so the
// aggregate's decisions are deterministic. "InvestigationId" names the stream (Wolverine's aggregate convention).

public sealed record OpenInvestigation(Guid InvestigationId, string SubjectUserId, string Reason, string By, Instant At);

public sealed record AttachAnomalies(Guid InvestigationId, IReadOnlyList<Guid> AnomalyIds, string By, Instant At);

public sealed record AddNote(Guid InvestigationId, string Text, string By, Instant At);

public sealed record RecordInterview(Guid InvestigationId, string WithWhom, string Summary, LocalDate On, string By, Instant At);

public sealed record ConfirmBreach(Guid InvestigationId, Instant AwareAt, string? Description, string By, Instant At);

public sealed record RecordImyNotification(Guid InvestigationId, Instant NotifiedAt, string Reference, string By, Instant At);

public sealed record RecordDecision(Guid InvestigationId, DecisionKind Kind, LocalDate On, string? Reference, string By, Instant At);

public sealed record ConcludeInvestigation(Guid InvestigationId, InvestigationOutcome Outcome, string Summary, string By, Instant At);

/// <summary>Scheduled when a breach is confirmed, for 24 hours before the IMY deadline.</summary>
public sealed record ImyDeadlineWarningDue(Guid InvestigationId);

/// <summary>Scheduled when a breach is confirmed, for the IMY deadline itself.</summary>
public sealed record ImyDeadlineDue(Guid InvestigationId);
