using NodaTime;

namespace LogControl.Domain.Detection;

/// <summary>
/// The published life of an anomaly, on its own stream (id = the anomaly id). Detection's projection
/// keeps only the current set of anomalies; these events keep what was known when: when an anomaly
/// was first found, how its evidence grew, and when and why it stopped being one.
/// </summary>
public interface IAnomalyEvent
{
    Guid AnomalyId { get; }
}

/// <summary>What the anomaly says at the moment it is published.</summary>
public sealed record AnomalySnapshot(
    string Rule, string Severity, string UserId, string? ClientId, string? UnitId, LocalDate Day,
    Instant FirstAccessAt, Instant LastAccessAt, int AccessCount, IReadOnlyList<string> SourceEventIds, string Explanation);

public sealed record AnomalyDetected(Guid AnomalyId, AnomalySnapshot Anomaly, Instant DetectedAt) : IAnomalyEvent;

public sealed record AnomalyEvidenceChanged(Guid AnomalyId, AnomalySnapshot Anomaly, Instant ChangedAt) : IAnomalyEvent;

/// <summary>
/// The accesses no longer match the rule, typically because reference data arrived late (a visit, an
/// assignment). <paramref name="NowExplainedBy"/> lists how the former evidence is explained now.
/// </summary>
public sealed record AnomalyRetracted(Guid AnomalyId, string Rule, IReadOnlyList<string> NowExplainedBy, string Reason, Instant RetractedAt)
    : IAnomalyEvent;
