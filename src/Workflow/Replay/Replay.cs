using LogControl.Projections.Replay;
using LogControl.Workflow.Investigations;
using LogControl.Workflow.Reviews;
using Marten;
using NodaTime;

namespace LogControl.Workflow.Replay;

/// <summary>An investigation as known at an instant: the case then, its timeline of accesses stored by then, and the anomalies published by then.</summary>
public sealed record InvestigationAsOf(
    Investigation Investigation, IReadOnlyList<string> ClientsConcerned, IReadOnlyList<TimelineAccess> Timeline,
    IReadOnlyList<KnownAnomaly> Anomalies, Instant AsOf);

/// <summary>
/// Reviews and investigations as known at an instant (transaction time): Marten folds the stream's events stored at or
/// before it with the aggregate's own Apply methods, the same fold as the inline snapshot.
/// </summary>
public static class Replay
{
    /// <summary>The asOf query value, or null when absent; unparseable is a 400 with the reason.</summary>
    public static Instant? ParseAsOf(string? asOf)
    {
        if (asOf == null) return null;
        return AsOf.TryParseInstant(asOf, out var instant, out var error) ? instant : throw new CommandRejected("invalid_as_of", error, 400);
    }

    public static async Task<Review?> ReviewAsync(IQuerySession session, Guid id, Instant asOf, CancellationToken ct = default) =>
        await session.Events.AggregateStreamAsync<Review>(id, timestamp: asOf.ToDateTimeOffset(), token: ct);

    public static async Task<Investigation?> InvestigationAsync(IQuerySession session, Guid id, Instant asOf, CancellationToken ct = default) =>
        await session.Events.AggregateStreamAsync<Investigation>(id, timestamp: asOf.ToDateTimeOffset(), token: ct);

    public static async Task<InvestigationAsOf?> InvestigationDetailsAsync(IQuerySession session, IDocumentStore store, Guid id, Instant asOf, CancellationToken ct = default)
    {
        var investigation = await InvestigationAsync(session, id, asOf, ct);
        if (investigation == null) return null;
        return new InvestigationAsOf(investigation, investigation.ClientsConcerned(),
            await InvestigationQueries.TimelineAsync(store, investigation, ct, knownAt: asOf),
            await new AnomalyHistory(store).ListAsync(asOf, new Projections.Detection.AnomalyFilter(UserId: investigation.SubjectUserId), ct: ct),
            asOf);
    }

    public static CommandRejected NotYet(string what, Instant asOf) =>
        new("not_found", $"{what} did not exist yet at {asOf}", 404);
}
