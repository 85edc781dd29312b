using LogControl.Domain.Time;
using LogControl.Projections.Detection;
using LogControl.Workflow.Calendar;
using Marten;
using NodaTime;
using Wolverine.Attributes;

namespace LogControl.Workflow.Reviews;

public sealed record SetReviewPolicy(string UnitId, ReviewFrequency Frequency, bool ImmediateReviewOnCritical, string By);
public sealed record RecordDelegation(string UnitId, string ManagerUserId, string DelegateUserId, LocalDate From, LocalDate To, string By);
public sealed record FileSuspicion(string UnitId, string Text, string? SuspectedUserId, string? ClientId, string By, Guid? ReviewId = null);
/// <summary>The sweep: schedules the periodic reviews that are due, raises overdue events, opens immediate reviews on critical anomalies.</summary>
public sealed record ScheduleReviews;
public sealed record SchedulingResult(int Scheduled, int Overdue, int StartOverdue, int ImmediateOpened);

/// <summary>Review policies, delegations, suspicions and the scheduling sweep.</summary>
public static class ReviewSchedulingHandler
{
    /// <summary>Days after a period ends by which its review must be signed off.</summary>
    public const int DaysToComplete = 30;
    /// <summary>How far back an immediate review looks.</summary>
    public const int ImmediateLookbackDays = 30;

    [Transactional]
    public static async Task Handle(SetReviewPolicy cmd, IDocumentSession session, IClock clock, CancellationToken ct) =>
        await AppendSettingsAsync(session, cmd.UnitId, new ReviewPolicySet(cmd.UnitId, cmd.Frequency, cmd.ImmediateReviewOnCritical, cmd.By, clock.GetCurrentInstant()), ct);

    [Transactional]
    public static async Task Handle(RecordDelegation cmd, IDocumentSession session, IClock clock, CancellationToken ct)
    {
        if (cmd.To < cmd.From) throw new CommandRejected("bad_period", "A delegation ends on or after it starts.", 400);
        if (cmd.DelegateUserId == cmd.ManagerUserId) throw new CommandRejected("self_delegation", "A manager cannot delegate to themselves.", 400);
        await AppendSettingsAsync(session, cmd.UnitId,
            new DelegationRecorded(cmd.UnitId, cmd.ManagerUserId, cmd.DelegateUserId, cmd.From, cmd.To, cmd.By, clock.GetCurrentInstant()), ct);
    }

    private static async Task AppendSettingsAsync(IDocumentSession session, string unitId, object e, CancellationToken ct)
    {
        var id = UnitReviewSettings.StreamId(unitId);
        var stream = await session.Events.FetchForWriting<UnitReviewSettings>(id, ct);
        if (stream.Aggregate == null) session.Events.StartStream<UnitReviewSettings>(id, e);
        else stream.AppendOne(e);
    }

    /// <summary>A suspicion opens an immediate review of the unit that must start within one working day.</summary>
    [Transactional]
    public static async Task<Guid> Handle(FileSuspicion cmd, IDocumentSession session, IClock clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(cmd.Text)) throw new CommandRejected("text_required", "Describe the suspicion.", 400);
        var now = clock.GetCurrentInstant();
        var id = cmd.ReviewId ?? Guid.CreateVersion7();
        if (await session.Events.FetchStreamStateAsync(id, ct) != null) return id; // the same suspicion filed twice
        session.Events.StartStream<Review>(id, ImmediateReview(id, cmd.UnitId, cmd.Text, cmd.SuspectedUserId, cmd.ClientId, cmd.By, now));
        return id;
    }

    /// <summary>
    /// The opening of an immediate review: the suspicion, and a review of the 30 days before it that must start by the
    /// next working day and end within 14 days. Filed by a person or by the sweep for a critical anomaly.
    /// </summary>
    private static object[] ImmediateReview(Guid id, string unitId, string text, string? userId, string? clientId, string by, Instant now)
    {
        var today = SwedishTime.DateOf(now);
        return
        [
            new SuspicionFiled(id, unitId, text, userId, clientId, by, now),
            new ReviewScheduled(id, unitId, ReviewKind.Immediate, today.PlusDays(-ImmediateLookbackDays), today,
                SwedishCalendar.NextWorkingDay(today), today.PlusDays(14), now),
        ];
    }

    [Transactional]
    public static async Task<SchedulingResult> Handle(ScheduleReviews _, IDocumentSession session, IDocumentStore store, IClock clock, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        var today = SwedishTime.DateOf(now);
        var s = store.Options.Events.DatabaseSchemaName;
        int scheduled = 0, overdue = 0, startOverdue = 0, immediate = 0;

        var units = await Projections.StoreSql.QueryAsync(store, $"select unit_id from {s}.lc_ref_units order by unit_id", r => r.GetString(0), ct);
        foreach (var unit in units)
        {
            var settings = await session.LoadAsync<UnitReviewSettings>(UnitReviewSettings.StreamId(unit), ct);
            var frequency = settings?.Frequency ?? ReviewFrequency.HalfYearly;
            // The period that ended most recently: its review is due DaysToComplete days after its end.
            var current = UnitReviewSettings.PeriodContaining(frequency, today);
            var (from, to) = UnitReviewSettings.PeriodContaining(frequency, current.From.PlusDays(-1));
            var id = StableId.From($"review:{unit}:{from:uuuu-MM-dd}:{to:uuuu-MM-dd}");
            if (await session.Events.FetchStreamStateAsync(id, ct) == null)
            {
                session.Events.StartStream<Review>(id, new ReviewScheduled(id, unit, ReviewKind.Periodic, from, to,
                    SwedishCalendar.NextWorkingDay(to), to.PlusDays(DaysToComplete), now));
                scheduled++;
            }

            if (settings?.ImmediateReviewOnCritical == true)
                foreach (var a in (await new AnomalyQueries(store).ListAsync(new AnomalyFilter(UnitId: unit), ct)).Where(a => a.Severity == "critical"))
                {
                    var reviewId = StableId.From($"critical:{a.AnomalyId}");
                    if (await session.Events.FetchStreamStateAsync(reviewId, ct) != null) continue;
                    session.Events.StartStream<Review>(reviewId,
                        ImmediateReview(reviewId, unit, $"Kritisk avvikelse: {a.Explanation}", a.UserId, a.ClientId, "system", now));
                    immediate++;
                }
        }

        foreach (var review in await session.Query<Review>().Where(r => r.SignedOff == null).ToListAsync(ct))
        {
            if (review.Kind == ReviewKind.Immediate && !review.Started && today > review.StartBy && !review.StartOverdueRaised)
            {
                session.Events.Append(review.Id, new ReviewStartOverdue(review.Id, review.StartBy, now));
                startOverdue++;
            }
            if (today > review.DueOn && !review.OverdueRaised)
            {
                session.Events.Append(review.Id, new ReviewOverdue(review.Id, review.DueOn, now));
                overdue++;
            }
        }
        return new SchedulingResult(scheduled, overdue, startOverdue, immediate);
    }
}
