using NodaTime;

namespace LogControl.Workflow;

/// <summary>
/// A review item judged unjustified was escalated to security staff. The investigations slice handles it:
/// it opens an investigation of the user, or adds to the one already open (one case per user across units).
/// </summary>
public sealed record EscalationRaised(
    Guid ReviewId, string ItemId, string UnitId, string SubjectUserId, string? ClientId, IReadOnlyList<Guid> AnomalyIds,
    string Reason, string RaisedBy, Instant RaisedAt);
