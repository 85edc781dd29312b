using LogControl.Workflow.Reviews;
using LogControl.Workflow.Security;
using Marten;
using NodaTime;

namespace LogControl.Server.Web;

/// <summary>A review as the lists show it: where it stands today.</summary>
public sealed record ReviewRow(Review Review, bool Overdue, bool StartOverdue, int Decided)
{
    public bool Open => Review.SignedOff == null;
    public bool Immediate => Review.Kind == ReviewKind.Immediate || Review.Suspicion != null;
}

/// <summary>The reviews an actor may read (unit scope as in the API: managers only their units), with today's standing.</summary>
public static class ReviewLists
{
    public static async Task<IReadOnlyList<ReviewRow>> ReadableAsync(IQuerySession session, Actor actor, LocalDate today, CancellationToken ct)
    {
        var reviews = await session.Query<Review>().ToListAsync(ct);
        return reviews.Where(r => actor.MayRead(r.UnitId))
            .Select(r => new ReviewRow(r,
                Overdue: r.SignedOff == null && (r.OverdueRaised || (r.DueOn != default && r.DueOn < today)),
                StartOverdue: !r.Started && (r.StartOverdueRaised || (r.StartBy != default && r.StartBy < today)),
                Decided: r.Items.Values.Count(i => i.Decided)))
            .OrderBy(r => r.Review.DueOn).ThenBy(r => r.Review.UnitId).ToList();
    }
}
