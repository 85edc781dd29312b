using LogControl.Domain.Time;
using NodaTime;

namespace LogControl.Workflow.Reviews;

/// <summary>
/// A small read model of one review (inline, beside the <see cref="Review"/> snapshot): its dates and counts,
/// without the scope items and their evidence. Compliance and trend reports read every review of every unit;
/// loading the full snapshots (each carries every item's source event ids) would cost far more than these rows.
/// </summary>
public sealed class ReviewSummary
{
    public Guid Id { get; set; }
    public string UnitId { get; set; } = "";
    public ReviewKind Kind { get; set; }
    public LocalDate PeriodFrom { get; set; }
    public LocalDate PeriodTo { get; set; }
    public LocalDate StartBy { get; set; }
    public LocalDate DueOn { get; set; }
    public Instant? OpenedAt { get; set; }
    public Instant? StartedAt { get; set; }
    public Instant? SignedOffAt { get; set; }
    /// <summary>The local day of sign-off in Sweden: on time means on or before <see cref="DueOn"/>.</summary>
    public LocalDate? SignedOffOn { get; set; }
    public int Items { get; set; }
    /// <summary>Items whose current verdict is unjustified (corrections after sign-off included): the review's findings.</summary>
    public int Findings { get; set; }
    public int Escalated { get; set; }
    public bool Overdue { get; set; }
    /// <summary>The items whose current verdict is unjustified (usually none), so a correction moves the count either way.
    /// Only these are kept: every report reads every summary, so the document stays a few hundred bytes.</summary>
    public List<string> UnjustifiedItems { get; set; } = [];

    public bool Open => SignedOffAt == null;
    public bool OnTime => SignedOffOn is { } d && d <= DueOn;

    public void Apply(SuspicionFiled e) { Id = e.ReviewId; UnitId = e.UnitId; Kind = ReviewKind.Immediate; OpenedAt ??= e.At; }
    public void Apply(ReviewScheduled e)
    {
        Id = e.ReviewId; UnitId = e.UnitId; Kind = e.Kind; PeriodFrom = e.PeriodFrom; PeriodTo = e.PeriodTo;
        StartBy = e.StartBy; DueOn = e.DueOn; OpenedAt ??= e.At;
    }
    public void Apply(ReviewStarted e) => StartedAt = e.At;
    public void Apply(ReviewScopeDrawn e) => Items = e.Items.Count;
    public void Apply(ReviewItemJudged e) => Judge(e.ItemId, e.Verdict);
    public void Apply(ReviewItemCorrected e) => Judge(e.ItemId, e.Verdict);
    public void Apply(ReviewItemEscalated e) => Escalated++;
    public void Apply(ReviewSignedOff e) { SignedOffAt = e.At; SignedOffOn = SwedishTime.DateOf(e.At); }
    public void Apply(ReviewOverdue e) => Overdue = true;

    private void Judge(string itemId, Verdict verdict)
    {
        UnjustifiedItems.Remove(itemId);
        if (verdict == Verdict.Unjustified) UnjustifiedItems.Add(itemId);
        Findings = UnjustifiedItems.Count;
    }
}

/// <summary>Fills in the summaries of reviews whose streams predate the read model (idempotent; cheap when nothing is missing).</summary>
public static class ReviewSummaries
{
    public static async Task<int> BackfillAsync(Marten.IDocumentStore store, CancellationToken ct = default)
    {
        await using var session = store.LightweightSession();
        var reviews = await Marten.QueryableExtensions.ToListAsync(session.Query<Review>().Select(r => r.Id), ct);
        var have = (await Marten.QueryableExtensions.ToListAsync(session.Query<ReviewSummary>().Select(r => r.Id), ct)).ToHashSet();
        var missing = reviews.Where(id => !have.Contains(id)).ToList();
        foreach (var id in missing)
            if (await session.Events.AggregateStreamAsync<ReviewSummary>(id, token: ct) is { } summary) session.Store(summary);
        if (missing.Count > 0) await session.SaveChangesAsync(ct);
        return missing.Count;
    }
}
