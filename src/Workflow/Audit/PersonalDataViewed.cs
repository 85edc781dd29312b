using LogControl.Domain.Audit;
using Marten;
using NodaTime;

namespace LogControl.Workflow.Audit;

/// <summary>
/// Records what the web pages show of personal data as <see cref="PersonalDataViewed"/> (the one event for every
/// channel; the CLI's log extract records it too), one stream per view so viewers never contend. "What a viewer
/// looked at" and "who looked at subject C" are queries over the event type.
/// </summary>
public static class WebViews
{
    /// <param name="what">"kind:id" of the page's main subject, e.g. "review:…", "user:…", "investigation:…".</param>
    public static async Task RecordAsync(IDocumentStore store, string viewerUserId, IEnumerable<string> viewerRoles, string view, string what,
        IEnumerable<string?> subjectIds, Instant at, CancellationToken ct = default)
    {
        var subjects = subjectIds.OfType<string>().Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var colon = what.IndexOf(':');
        var (kind, id) = colon > 0 ? (what[..colon], what[(colon + 1)..]) : (what, what);
        await using var session = store.LightweightSession();
        session.Events.StartStream(PersonalDataViewed.StreamFor(), new PersonalDataViewed(viewerUserId, view, kind, id, null, null, null, "web",
            subjects.Count, at, subjects, viewerRoles.Order(StringComparer.Ordinal).ToList()));
        await session.SaveChangesAsync(ct);
    }

    /// <summary>Everything one viewer looked at, in order.</summary>
    public static async Task<IReadOnlyList<PersonalDataViewed>> ByViewerAsync(IQuerySession session, string viewerUserId, CancellationToken ct = default) =>
        (await session.Events.QueryRawEventDataOnly<PersonalDataViewed>().Where(v => v.ViewerUserId == viewerUserId).ToListAsync(ct))
        .OrderBy(v => v.At).ToList();

    /// <summary>Every view that showed this subject (a user or a client), in order.</summary>
    public static async Task<IReadOnlyList<PersonalDataViewed>> ViewsOfAsync(IQuerySession session, string subjectId, CancellationToken ct = default)
    {
        var views = await session.Events.QueryRawEventDataOnly<PersonalDataViewed>()
            .Where(v => v.SubjectId == subjectId || v.SubjectIds!.Contains(subjectId)).ToListAsync(ct);
        return views.OrderBy(v => v.At).ToList();
    }
}
