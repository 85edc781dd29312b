using Marten;
using NodaTime;

namespace LogControl.Workflow.Audit;

/// <summary>What kind of personal data someone looked at (snake_case in the event, stable for reports).</summary>
public static class ViewKinds
{
    /// <summary>A review page with each item's evidence: accesses, enrollments, shifts.</summary>
    public const string ReviewEvidence = "review_evidence";
    /// <summary>A user's accesses across clients (security staff's timeline chart).</summary>
    public const string UserTimeline = "user_timeline";
    /// <summary>An investigation with the subject's timeline to the clients concerned.</summary>
    public const string InvestigationTimeline = "investigation_timeline";
    /// <summary>A client's log extract (loggutdrag): who accessed their record.</summary>
    public const string ClientLogExtract = "client_log_extract";
}

/// <summary>
/// Someone looked at personal data: reading the logs is itself logged ("the watchers are watched").
/// <see cref="What"/> names the page or document (e.g. the review id); <see cref="SubjectIds"/> the users and
/// clients whose data was shown.
/// </summary>
public sealed record PersonalDataViewed(
    string ViewerUserId, IReadOnlyList<string> ViewerRoles, string Kind, string What, IReadOnlyList<string> SubjectIds, Instant At);

/// <summary>
/// Appends <see cref="PersonalDataViewed"/>. One stream per viewer: a view is one fact about one person's
/// reading, whatever and however many subjects it shows, so it is appended once without being copied into every
/// subject's stream, and viewers never contend with each other. "Who looked at client C" is a query over the
/// event type's subject ids (<see cref="ViewsOfAsync"/>).
/// </summary>
public static class PersonalDataViews
{
    public static Guid StreamId(string viewerUserId) => StableId.From($"personal-data-views:{viewerUserId}");

    public static async Task RecordAsync(IDocumentStore store, string viewerUserId, IEnumerable<string> viewerRoles, string kind, string what,
        IEnumerable<string?> subjectIds, Instant at, CancellationToken ct = default)
    {
        var subjects = subjectIds.OfType<string>().Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        await using var session = store.LightweightSession();
        // Append without an expected version: two pages opened at once by one viewer are both recorded.
        session.Events.Append(StreamId(viewerUserId),
            new PersonalDataViewed(viewerUserId, viewerRoles.Order(StringComparer.Ordinal).ToList(), kind, what, subjects, at));
        await session.SaveChangesAsync(ct);
    }

    /// <summary>Everything one viewer looked at, in order.</summary>
    public static async Task<IReadOnlyList<PersonalDataViewed>> ByViewerAsync(IQuerySession session, string viewerUserId, CancellationToken ct = default) =>
        (await session.Events.FetchStreamAsync(StreamId(viewerUserId), token: ct)).Select(e => e.Data).OfType<PersonalDataViewed>().ToList();

    /// <summary>Every view that showed this subject (a user or a client), in order.</summary>
    public static async Task<IReadOnlyList<PersonalDataViewed>> ViewsOfAsync(IQuerySession session, string subjectId, CancellationToken ct = default)
    {
        var views = await session.Events.QueryRawEventDataOnly<PersonalDataViewed>().Where(v => v.SubjectIds.Contains(subjectId)).ToListAsync(ct);
        return views.OrderBy(v => v.At).ToList();
    }
}
