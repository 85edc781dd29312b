using NodaTime;

namespace LogControl.Domain.Audit;

/// <summary>
/// Someone was shown personal data: a client's log extract, a user's access timeline, a review's evidence.
/// Reading the logs is itself logged (HSLF-FS 2016:40; "the watchers are watched"). One event per view,
/// each on a stream of its own (<see cref="StreamFor"/>): views have no invariant to protect and must never
/// contend with each other. Query them by <see cref="SubjectId"/> or <see cref="ViewerUserId"/>.
/// </summary>
/// <param name="ViewerUserId">Who looked: the signed-in user's id, or for the CLI the OS user or <c>--actor</c>.</param>
/// <param name="View">What was shown, a stable code: see <see cref="PersonalDataViews"/>.</param>
/// <param name="SubjectKind">Whose data: <c>client</c>, <c>user</c> or <c>review</c>.</param>
/// <param name="SubjectId">The client's personnummer (12 digits), the user's id or the review id.</param>
/// <param name="UnitScope">The unit the view was limited to, if any (a manager's scope).</param>
/// <param name="From">First local day shown, if the view had a range.</param>
/// <param name="To">Last local day shown (inclusive).</param>
/// <param name="Channel">Where: <c>cli</c>, <c>web</c> or <c>api</c>.</param>
/// <param name="Rows">How many rows were shown or exported.</param>
/// <param name="At">When.</param>
/// <param name="SubjectIds">Everyone whose data the view showed (a review page shows many users and clients), for "who looked at C".</param>
/// <param name="ViewerRoles">The viewer's roles at the time (web and API views).</param>
public sealed record PersonalDataViewed(
    string ViewerUserId, string View, string SubjectKind, string SubjectId, string? UnitScope,
    LocalDate? From, LocalDate? To, string Channel, int Rows, Instant At,
    IReadOnlyList<string>? SubjectIds = null, IReadOnlyList<string>? ViewerRoles = null)
{
    /// <summary>A fresh stream per view (time-ordered UUID).</summary>
    public static Guid StreamFor() => Guid.CreateVersion7();
}

/// <summary>The view codes of <see cref="PersonalDataViewed.View"/>.</summary>
public static class PersonalDataViews
{
    public const string ClientLogExtract = "client_log_extract";
    public const string UserTimeline = "user_timeline";
    public const string ReviewEvidence = "review_evidence";
    public const string InvestigationTimeline = "investigation_timeline";
}
