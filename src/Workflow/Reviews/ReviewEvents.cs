using NodaTime;

namespace LogControl.Workflow.Reviews;

public enum ReviewKind { Periodic, Immediate }
public enum ReviewFrequency { Monthly, Quarterly, HalfYearly }
public enum ItemKind { Anomaly, EmergencyAccess, ProtectedIdentity, Sample }
public enum Verdict { Justified, Unjustified }
/// <summary>Why an access was justified, for statistics and follow-up.</summary>
public enum JustificationCategory { Care, Administration, Emergency, Documentation, Other }

/// <summary>One thing the manager must judge: an anomaly, an emergency access, an access to protected identity, or a sampled day of a user.</summary>
public sealed record ReviewItem(
    string ItemId, ItemKind Kind, string SubjectUserId, string? ClientId, LocalDate Day, IReadOnlyList<string> SourceEventIds,
    Guid? AnomalyId, string Description);

/// <summary>How the random sample was drawn, so an auditor can redraw it from history.</summary>
public sealed record SampleRule(int Seed, int UserPercent, int MinUsers, int WindowHours, long UpToSequence, IReadOnlyList<string> StaffConsidered);

// ---- the unit's review settings (stream per unit) ----
public sealed record ReviewPolicySet(string UnitId, ReviewFrequency Frequency, bool ImmediateReviewOnCritical, string SetBy, Instant At);
public sealed record DelegationRecorded(string UnitId, string ManagerUserId, string DelegateUserId, LocalDate From, LocalDate To, string RecordedBy, Instant At);

// ---- a review (stream per review) ----
public sealed record SuspicionFiled(Guid ReviewId, string UnitId, string Text, string? SuspectedUserId, string? ClientId, string FiledBy, Instant At);
public sealed record ReviewScheduled(Guid ReviewId, string UnitId, ReviewKind Kind, LocalDate PeriodFrom, LocalDate PeriodTo, LocalDate StartBy, LocalDate DueOn, Instant At);
public sealed record ReviewStarted(Guid ReviewId, string StartedBy, Instant At);
public sealed record ReviewScopeDrawn(Guid ReviewId, IReadOnlyList<ReviewItem> Items, SampleRule Sample, Instant At);
public sealed record ReviewItemJudged(Guid ReviewId, string ItemId, Verdict Verdict, JustificationCategory? Category, string? Note, string By, Instant At);
public sealed record JustificationRequested(Guid ReviewId, string ItemId, string EmployeeUserId, string Question, string By, Instant At);
public sealed record JustificationGiven(Guid ReviewId, string ItemId, string EmployeeUserId, string Text, Instant At);
public sealed record ReviewItemEscalated(Guid ReviewId, string ItemId, string Reason, string By, Instant At);
public sealed record ReviewSignedOff(Guid ReviewId, string By, bool AsDelegate, string Digest, int Items, Instant At);
public sealed record ReviewItemCorrected(Guid ReviewId, string ItemId, Verdict Verdict, JustificationCategory? Category, string Reason, string By, Instant At);
public sealed record ReviewStartOverdue(Guid ReviewId, LocalDate StartBy, Instant At);
public sealed record ReviewOverdue(Guid ReviewId, LocalDate DueOn, Instant At);
