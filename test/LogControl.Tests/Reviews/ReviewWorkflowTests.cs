using LogControl.Hosting.Detection;
using LogControl.Server;
using LogControl.Tests.Detection;
using LogControl.Tests.Support;
using LogControl.Workflow;
using LogControl.Workflow.Reviews;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Wolverine;
using static LogControl.Tests.Detection.DetectionKit;

namespace LogControl.Tests.Reviews;

/// <summary>
/// The review workflow through the real host: Wolverine handlers in the aggregate handler workflow over
/// Marten, a clock the test controls, detection's anomalies and the access timeline as the scope.
/// </summary>
public sealed class ReviewWorkflowTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private readonly TestClock _clock = new(Instant.FromUtc(2026, 7, 2, 7, 0));
    private WebApplication _app = null!;
    private IMessageBus _bus = null!;
    private IDocumentStore _store = null!;
    private static readonly string C1 = Pnr("19300101", 1), CSyd = Pnr("19300102", 2), CProt = Pnr("19300103", 3);

    public async Task InitializeAsync()
    {
        _app = LogControlServer.Build(db.ConnectionString, args: ["--Reviews:Sweep=false"], urls: "http://127.0.0.1:0",
            configure: b => b.Services.AddSingleton<IClock>(_clock));
        await _app.StartAsync();
        _bus = _app.Services.GetRequiredService<IMessageBus>();
        _store = _app.Services.GetRequiredService<IDocumentStore>();
    }

    public async Task DisposeAsync() { await _app.StopAsync(); await _app.DisposeAsync(); }

    private async Task<string[]> SeedUnitAsync(string unit)
    {
        var k = new DetectionKit(_store, unit);
        var users = Enumerable.Range(1, 12).Select(i => $"{unit}-U{i}").ToArray();
        k.Fact($$"""{"type":"unit","unit_id":"{{unit}}","name":"{{unit}}","kind":"hemtjanst","manager_user_id":"{{unit}}-M","covers_units":[]}""");
        foreach (var u in users)
            k.Fact($$"""{"type":"staff","user_id":"{{u}}","name":"{{u}}","surname":"S","role":"underskoterska","unit_id":"{{unit}}","from":"2024-01-01","to":null}""");
        k.Fact($$"""{"type":"enrollment","client_id":"{{C1}}","unit_id":"{{unit}}","from":"2025-01-01","to":null}""")
         .Fact($$"""{"type":"enrollment","client_id":"{{CProt}}","unit_id":"{{unit}}","from":"2025-01-01","to":null}""")
         .Fact($$"""{"type":"client","client_id":"{{CProt}}","surname":"G","address_key":"X","protected_identity":true,"deceased_on":null}""");
        for (var d = 0; d < 5; d++)
            foreach (var u in users) k.Access(u, C1, $"2026-03-{2 + d:D2} 10:00:00", unit: unit);
        k.Access(users[0], CSyd, "2026-03-03 11:00:00", unit: unit);                         // unexplained: an anomaly
        k.Access(users[1], C1, "2026-03-04 12:00:00", purpose: "emergency", unit: unit);     // emergency access
        k.Access(users[2], CProt, "2026-03-05 13:00:00", unit: unit);                        // protected identity
        await k.RunAsync();
        return users;
    }

    private Task<Review> LoadAsync(Guid id) { using var s = _store.QuerySession(); return s.LoadAsync<Review>(id)!; }

    private async Task<CommandRejected> Rejected(object command)
    {
        var ex = await Should.ThrowAsync<Exception>(() => _bus.InvokeAsync(command));
        return ex as CommandRejected ?? ex.InnerException as CommandRejected ?? throw ex;
    }

    [Fact]
    public async Task a_periodic_review_is_scheduled_started_judged_escalated_and_signed_off_by_a_delegate()
    {
        var users = await SeedUnitAsync("HT-A");
        _clock.SetLocal(2026, 7, 2);
        var result = await _bus.InvokeAsync<SchedulingResult>(new ScheduleReviews());
        result.Scheduled.ShouldBeGreaterThanOrEqualTo(1);
        (await _bus.InvokeAsync<SchedulingResult>(new ScheduleReviews())).Scheduled.ShouldBe(0, "the sweep is idempotent");

        var id = StableId.From("review:HT-A:2026-01-01:2026-06-30");
        var review = await LoadAsync(id);
        (review.Kind, review.PeriodFrom, review.PeriodTo, review.DueOn).ShouldBe((ReviewKind.Periodic, new LocalDate(2026, 1, 1), new LocalDate(2026, 6, 30), new LocalDate(2026, 7, 30)));

        (await Rejected(new JudgeItem(id, "x", Verdict.Justified, JustificationCategory.Care, null, "HT-A-M"))).Code.ShouldBe("review_not_started");
        await _bus.InvokeAsync(new StartReview(id, "HT-A-M", Seed: 42));
        (await Rejected(new StartReview(id, "HT-A-M"))).Code.ShouldBe("review_already_started");
        review = await LoadAsync(id);
        review.Items.Values.Select(i => i.Item.Kind).Distinct().Order().ShouldBe([ItemKind.Anomaly, ItemKind.EmergencyAccess, ItemKind.ProtectedIdentity, ItemKind.Sample]);
        review.Items.Values.Count(i => i.Item.Kind == ItemKind.Sample).ShouldBe(2, "10% of 12 users, rounded up");
        review.Sample!.Seed.ShouldBe(42);

        var anomaly = review.Items.Values.Single(i => i.Item.Kind == ItemKind.Anomaly && i.Item.SubjectUserId == users[0]).Item.ItemId;
        var others = review.Items.Keys.Where(k => k != anomaly).ToList();

        (await Rejected(new JudgeItem(id, others[0], Verdict.Justified, null, null, "HT-A-M"))).Code.ShouldBe("category_required");
        (await Rejected(new JudgeItem(id, anomaly, Verdict.Unjustified, null, " ", "HT-A-M"))).Code.ShouldBe("note_required");
        foreach (var item in others) await _bus.InvokeAsync(new JudgeItem(id, item, Verdict.Justified, JustificationCategory.Care, "ok", "HT-A-M"));

        // Ask the employee; only they can answer; the manager decides after the answer.
        await _bus.InvokeAsync(new AskEmployee(id, anomaly, "Varför öppnade du journalen?", "HT-A-M"));
        (await Rejected(new JudgeItem(id, anomaly, Verdict.Justified, JustificationCategory.Care, null, "HT-A-M"))).Code.ShouldBe("awaiting_employee");
        (await Rejected(new AnswerJustification(id, anomaly, users[5], "inte jag"))).Code.ShouldBe("forbidden");
        await _bus.InvokeAsync(new AnswerJustification(id, anomaly, users[0], "Jag var nyfiken."));
        await _bus.InvokeAsync(new JudgeItem(id, anomaly, Verdict.Unjustified, null, "Ingen vårdrelation.", "HT-A-M"));

        // Unjustified items must be escalated before sign-off; only the manager or a recorded delegate signs.
        (await Rejected(new SignOffReview(id, "HT-A-M"))).Code.ShouldBe("items_undecided");
        await _bus.InvokeAsync(new EscalateItem(id, anomaly, "Misstänkt dataintrång", "HT-A-M"));
        (await Rejected(new SignOffReview(id, "HT-A-DEP"))).Code.ShouldBe("forbidden");
        await _bus.InvokeAsync(new RecordDelegation("HT-A", "HT-A-M", "HT-A-DEP", new LocalDate(2026, 7, 1), new LocalDate(2026, 7, 31), "admin"));
        await _bus.InvokeAsync(new SignOffReview(id, "HT-A-DEP"));

        review = await LoadAsync(id);
        review.SignedOff!.AsDelegate.ShouldBeTrue();
        review.SignedOff.Digest.ShouldBe(review.Digest());
        (await Rejected(new JudgeItem(id, others[0], Verdict.Unjustified, null, "ändrat", "HT-A-M"))).Code.ShouldBe("review_closed");

        // A correction after sign-off is a new event with a reason; found unjustified, it is escalated too.
        (await Rejected(new CorrectItem(id, others[0], Verdict.Unjustified, null, "", "HT-A-M"))).Code.ShouldBe("reason_required");
        await _bus.InvokeAsync(new CorrectItem(id, others[0], Verdict.Unjustified, null, "Ny information från brukaren", "HT-A-M"));
        review = await LoadAsync(id);
        review.Items[others[0]].Escalated.ShouldBeTrue();
        review.Corrections.ShouldBe(1);

        // The whole history replays to the same state as the stored snapshot.
        await using var session = _store.QuerySession();
        var replayed = await session.Events.AggregateStreamAsync<Review>(id);
        ReviewJson.Normalised(_store, replayed!).ShouldBe(ReviewJson.Normalised(_store, review));
        var types = (await session.Events.FetchStreamAsync(id)).Select(e => e.EventTypeName).ToList();
        types.First().ShouldBe("review_scheduled");
        types.ShouldContain("review_signed_off");
        types.Last().ShouldBe("review_item_escalated");
    }

    [Fact]
    public async Task overdue_reviews_raise_an_event_once_and_a_suspicion_must_start_within_one_working_day()
    {
        await SeedUnitAsync("HT-B");
        _clock.SetLocal(2026, 7, 2);
        await _bus.InvokeAsync<SchedulingResult>(new ScheduleReviews());
        var periodic = StableId.From("review:HT-B:2026-01-01:2026-06-30");

        // Filed on the Thursday before midsommar: it must start by Monday 22 June.
        _clock.SetLocal(2026, 6, 18, 15);
        var immediate = await _bus.InvokeAsync<Guid>(new FileSuspicion("HT-B", "En kollega sa att U1 läser journaler hemifrån", "HT-B-U1", null, "HT-B-U7"));
        var review = await LoadAsync(immediate);
        (review.Kind, review.StartBy).ShouldBe((ReviewKind.Immediate, new LocalDate(2026, 6, 22)));
        review.Suspicion!.SuspectedUserId.ShouldBe("HT-B-U1");

        _clock.SetLocal(2026, 6, 22, 16);
        (await _bus.InvokeAsync<SchedulingResult>(new ScheduleReviews())).StartOverdue.ShouldBe(0, "22 June is still in time");
        _clock.SetLocal(2026, 6, 23);
        (await _bus.InvokeAsync<SchedulingResult>(new ScheduleReviews())).StartOverdue.ShouldBe(1);
        (await LoadAsync(immediate)).StartOverdueRaised.ShouldBeTrue();

        _clock.SetLocal(2026, 7, 31);
        var sweep = await _bus.InvokeAsync<SchedulingResult>(new ScheduleReviews());
        sweep.Overdue.ShouldBeGreaterThanOrEqualTo(2); // the periodic review (due 30 July) and the immediate one
        (await LoadAsync(periodic)).OverdueRaised.ShouldBeTrue();
        (await _bus.InvokeAsync<SchedulingResult>(new ScheduleReviews())).Overdue.ShouldBe(0, "raised once");
    }

    [Fact]
    public async Task a_critical_anomaly_opens_an_immediate_review_where_the_unit_asks_for_it()
    {
        var k = new DetectionKit(_store, "HT-D");
        k.Fact("""{"type":"unit","unit_id":"HT-D","name":"D","kind":"hemtjanst","manager_user_id":"HT-D-M","covers_units":[]}""")
         .Fact("""{"type":"unit","unit_id":"HT-E","name":"E","kind":"hemtjanst","manager_user_id":"HT-E-M","covers_units":[]}""")
         .Fact("""{"type":"staff","user_id":"HT-D-LEFT","name":"L","surname":"L","role":"underskoterska","unit_id":"HT-D","from":"2024-01-01","to":"2026-02-01"}""")
         .Fact("""{"type":"staff","user_id":"HT-E-LEFT","name":"L","surname":"L","role":"underskoterska","unit_id":"HT-E","from":"2024-01-01","to":"2026-02-01"}""");
        k.Access("HT-D-LEFT", C1, "2026-03-02 10:00:00", unit: "HT-D");   // AFTER_EMPLOYMENT: critical
        k.Access("HT-E-LEFT", C1, "2026-03-02 10:00:00", unit: "HT-E");
        await k.RunAsync();
        await _bus.InvokeAsync(new SetReviewPolicy("HT-D", ReviewFrequency.Quarterly, ImmediateReviewOnCritical: true, "admin"));

        _clock.SetLocal(2026, 3, 3);
        (await _bus.InvokeAsync<SchedulingResult>(new ScheduleReviews())).ImmediateOpened.ShouldBe(1, "HT-E did not ask for it");
        (await _bus.InvokeAsync<SchedulingResult>(new ScheduleReviews())).ImmediateOpened.ShouldBe(0);
        await using var session = _store.QuerySession();
        var immediate = (await session.Query<Review>().Where(r => r.UnitId == "HT-D").ToListAsync()).Single(r => r.Kind == ReviewKind.Immediate);
        immediate.Suspicion!.SuspectedUserId.ShouldBe("HT-D-LEFT");
        immediate.Suspicion.Text.ShouldContain("upphörde 2026-02-01");
        // Quarterly: the last complete period before 3 March is the fourth quarter of 2025.
        (await LoadAsync(StableId.From("review:HT-D:2025-10-01:2025-12-31"))).ShouldNotBeNull();
    }

    [Fact]
    public async Task the_recorded_seed_redraws_the_identical_sample_after_more_events_arrived()
    {
        await SeedUnitAsync("HT-C");
        var upTo = await LogControl.Projections.StoreSql.HighWaterAsync(_store, CancellationToken.None);
        var (first, rule) = await ReviewScope.DrawAsync(_store, "HT-C", new LocalDate(2026, 1, 1), new LocalDate(2026, 6, 30), 7, upTo);

        // More accesses, anomalies and staff in the same period arrive later.
        var k = new DetectionKit(_store, "HT-C-LATE");
        k.Fact("""{"type":"staff","user_id":"HT-C-LATE","name":"Late","surname":"L","role":"underskoterska","unit_id":"HT-C","from":"2024-01-01","to":null}""");
        for (var i = 0; i < 20; i++) k.Access($"HT-C-U{1 + i % 12}", Pnr("19310101", i + 1), $"2026-03-0{2 + i % 5} 14:{i:D2}:00", unit: "HT-C");
        k.Access("HT-C-LATE", C1, "2026-03-02 15:00:00", unit: "HT-C");
        await k.RunAsync();

        var (again, ruleAgain) = await ReviewScope.DrawAsync(_store, "HT-C", new LocalDate(2026, 1, 1), new LocalDate(2026, 6, 30), rule.Seed, rule.UpToSequence);
        System.Text.Json.JsonSerializer.Serialize(again).ShouldBe(System.Text.Json.JsonSerializer.Serialize(first));
        ruleAgain.StaffConsidered.ShouldBe(rule.StaffConsidered);
        // A fresh draw now sees the new data.
        var (now, _) = await ReviewScope.DrawAsync(_store, "HT-C", new LocalDate(2026, 1, 1), new LocalDate(2026, 6, 30), rule.Seed,
            await LogControl.Projections.StoreSql.HighWaterAsync(_store, CancellationToken.None));
        now.Count.ShouldBeGreaterThan(first.Count);
    }
}
