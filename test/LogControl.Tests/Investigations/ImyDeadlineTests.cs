using LogControl.Projections;
using LogControl.Workflow.Investigations;
using Marten;
using NodaTime;

namespace LogControl.Tests.Investigations;

/// <summary>
/// The IMY 72-hour deadline: confirming a breach schedules two durable checks (24 hours left, and the deadline);
/// they record a warning and a miss unless IMY was notified, once, whenever and however often they arrive.
/// Time is the test clock; the checks are invoked directly instead of waiting for days.
/// </summary>
public sealed class ImyDeadlineTests : IClassFixture<InvestigationHost>
{
    private readonly InvestigationHost host;

    public ImyDeadlineTests(InvestigationHost host)
    {
        this.host = host;
        host.ResetClock();
    }

    private const string By = InvestigationHost.Officer;
    private static readonly Duration H = Duration.FromHours(1);

    private async Task<(Guid Id, Instant Deadline)> BreachAsync(string user, Instant awareAt)
    {
        var id = await host.OpenAsync(user);
        await host.Invoke(new ConfirmBreach(id, awareAt, "records read without reason", By, host.Now));
        return (id, awareAt + 72 * H);
    }

    private async Task<List<T>> EventsOf<T>(Guid id) => (await host.EventsAsync(id)).OfType<T>().ToList();

    /// <summary>Wolverine's scheduled envelopes for this investigation, as the message store keeps them.</summary>
    private Task<List<(string Type, string Status, Instant ExecuteAt)>> ScheduledChecksAsync(Guid id) =>
        StoreSql.QueryAsync(host.Store, """
            select message_type, status, execution_time from lc.wolverine_incoming_envelopes
            where position(convert_to($1, 'UTF8') in body) > 0 order by execution_time
            """, r => (r.GetString(0), r.GetString(1), r.GetFieldValue<Instant>(2)), default, id.ToString());

    [Fact]
    public async Task confirming_a_breach_schedules_both_checks_in_the_message_store()
    {
        var awareAt = host.Now - 3 * H;
        var (id, deadline) = await BreachAsync("U-SCHEDULED", awareAt);

        var scheduled = await ScheduledChecksAsync(id);
        scheduled.ShouldBe([
            (typeof(ImyDeadlineWarningDue).FullName!, "Scheduled", deadline - 24 * H),
            (typeof(ImyDeadlineDue).FullName!, "Scheduled", deadline),
        ]);
    }

    [Fact]
    public async Task the_warning_and_the_miss_are_recorded_when_imy_is_not_notified()
    {
        var awareAt = host.Now;
        var (id, deadline) = await BreachAsync("U-SILENT-ORG", awareAt);

        host.Clock.Now = deadline - 24 * H + Duration.FromMinutes(1);
        await host.Invoke(new ImyDeadlineWarningDue(id));
        var warning = (await EventsOf<ImyDeadlineWarningRaised>(id)).ShouldHaveSingleItem();
        warning.Deadline.ShouldBe(deadline);

        await using (var session = host.Store.QuerySession())
        {
            var open = (await InvestigationQueries.OpenBreachesAsync(session, host.Now, default)).Single(b => b.InvestigationId == id);
            open.ShouldSatisfyAllConditions(
                b => b.Deadline.ShouldBe(deadline), b => b.HoursLeft.ShouldBe(24.0, 0.05), b => b.WarningRaised.ShouldBeTrue(), b => b.DeadlineMissed.ShouldBeFalse());
        }

        host.Clock.Now = deadline + Duration.FromSeconds(1);
        await host.Invoke(new ImyDeadlineDue(id));
        (await EventsOf<ImyDeadlineMissed>(id)).ShouldHaveSingleItem().Deadline.ShouldBe(deadline);

        await using (var session = host.Store.QuerySession())
        {
            var open = (await InvestigationQueries.OpenBreachesAsync(session, host.Now, default)).Single(b => b.InvestigationId == id);
            open.DeadlineMissed.ShouldBeTrue();
            open.HoursLeft.ShouldBeLessThanOrEqualTo(0);
        }

        // Notifying late is still possible (and required); the miss stays in the history.
        await host.Invoke(new RecordImyNotification(id, host.Now, "IMY-LATE", By, host.Now));
        (await host.LoadAsync(id)).Breach!.DeadlineMissedAt.ShouldNotBeNull();
    }

    [Fact]
    public async Task the_checks_stay_silent_when_imy_was_notified()
    {
        var awareAt = host.Now;
        var (id, deadline) = await BreachAsync("U-NOTIFIED", awareAt);
        await host.Invoke(new RecordImyNotification(id, host.Now, "IMY-2026-1", By, host.Now));
        var before = (await host.EventsAsync(id)).Count;

        host.Clock.Now = deadline - 23 * H;
        await host.Invoke(new ImyDeadlineWarningDue(id));
        host.Clock.Now = deadline + 5 * H;
        await host.Invoke(new ImyDeadlineDue(id));
        await host.Invoke(new ImyDeadlineWarningDue(id));

        (await host.EventsAsync(id)).Count.ShouldBe(before);
        await using var session = host.Store.QuerySession();
        (await InvestigationQueries.OpenBreachesAsync(session, host.Now, default)).ShouldNotContain(b => b.InvestigationId == id);
    }

    [Fact]
    public async Task checks_delivered_twice_record_once()
    {
        var (id, deadline) = await BreachAsync("U-TWICE-CHECKED", host.Now);

        host.Clock.Now = deadline - 10 * H;
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => host.Invoke(new ImyDeadlineWarningDue(id))));
        await host.Invoke(new ImyDeadlineWarningDue(id));
        host.Clock.Now = deadline + H;
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => host.Invoke(new ImyDeadlineDue(id))));
        await host.Invoke(new ImyDeadlineDue(id));

        (await EventsOf<ImyDeadlineWarningRaised>(id)).Count.ShouldBe(1);
        (await EventsOf<ImyDeadlineMissed>(id)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task a_warning_arriving_after_the_deadline_is_not_raised_and_the_miss_is()
    {
        var (id, deadline) = await BreachAsync("U-LATE-WARNING", host.Now);

        host.Clock.Now = deadline + 30 * H;
        await host.Invoke(new ImyDeadlineWarningDue(id));
        await host.Invoke(new ImyDeadlineDue(id));

        (await EventsOf<ImyDeadlineWarningRaised>(id)).ShouldBeEmpty();
        (await EventsOf<ImyDeadlineMissed>(id)).ShouldHaveSingleItem().At.ShouldBe(deadline + 30 * H);
    }

    [Fact]
    public async Task an_early_check_records_nothing()
    {
        var (id, deadline) = await BreachAsync("U-EARLY", host.Now);
        var before = (await host.EventsAsync(id)).Count;

        host.Clock.Now = deadline - 24 * H - Duration.FromSeconds(1);
        await host.Invoke(new ImyDeadlineWarningDue(id));
        await host.Invoke(new ImyDeadlineDue(id));

        (await host.EventsAsync(id)).Count.ShouldBe(before);
    }

    [Fact]
    public async Task a_check_for_a_case_without_a_breach_or_for_no_case_at_all_records_nothing()
    {
        var id = await host.OpenAsync("U-NO-BREACH");
        host.Clock.Advance(100 * H);
        await host.Invoke(new ImyDeadlineWarningDue(id));
        await host.Invoke(new ImyDeadlineDue(id));
        (await host.EventsAsync(id)).ShouldHaveSingleItem().ShouldBeOfType<InvestigationOpened>();

        var unknown = Guid.NewGuid();
        await host.Invoke(new ImyDeadlineDue(unknown));
        (await host.EventsAsync(unknown)).ShouldBeEmpty();
    }

    [Fact]
    public async Task a_breach_confirmed_after_its_deadline_is_marked_missed_by_the_scheduled_check_itself()
    {
        // Awareness four days ago: both checks are due at once, so Wolverine's durability agent delivers them
        // for real. The warning comes too late to mean anything; the miss is recorded.
        var (id, _) = await BreachAsync("U-KNEW-LONG-AGO", host.Now - 96 * H);

        async Task<int> Pending() => (await ScheduledChecksAsync(id)).Count(e => e.Status != "Handled");
        for (var i = 0; i < 600 && await Pending() > 0; i++) await Task.Delay(100);
        (await Pending()).ShouldBe(0);

        (await EventsOf<ImyDeadlineMissed>(id)).ShouldHaveSingleItem();
        (await EventsOf<ImyDeadlineWarningRaised>(id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task open_breaches_list_the_nearest_deadline_first_with_hours_left()
    {
        var (later, laterDeadline) = await BreachAsync("U-LIST-1", host.Now - 2 * H);
        var (sooner, soonerDeadline) = await BreachAsync("U-LIST-2", host.Now - 10 * H);

        await using var session = host.Store.QuerySession();
        var open = (await InvestigationQueries.OpenBreachesAsync(session, host.Now, default))
            .Where(b => b.InvestigationId == later || b.InvestigationId == sooner).ToList();
        open.Select(b => b.InvestigationId).ShouldBe([sooner, later]);
        open[0].Deadline.ShouldBe(soonerDeadline);
        open[0].HoursLeft.ShouldBe(62.0);
        open[1].Deadline.ShouldBe(laterDeadline);
        open[1].HoursLeft.ShouldBe(70.0);
        open[0].SubjectUserId.ShouldBe("U-LIST-2");
    }
}
