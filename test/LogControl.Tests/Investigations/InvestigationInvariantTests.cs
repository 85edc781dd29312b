using LogControl.Workflow.Investigations;
using Marten;
using NodaTime;

namespace LogControl.Tests.Investigations;

/// <summary>Every invariant of the Investigation aggregate, through the bus and the real store: refused with its code.</summary>
public sealed class InvestigationInvariantTests(InvestigationHost host) : IClassFixture<InvestigationHost>
{
    private const string By = InvestigationHost.Officer;
    private Instant Now => host.Now;
    private LocalDate Today => LogControl.Domain.Time.SwedishTime.DateOf(Now);

    [Fact]
    public async Task a_full_case_is_recorded_and_its_stream_replays_to_the_snapshot()
    {
        var id = await host.OpenAsync("U-FULL");
        await host.Invoke(new AddNote(id, "Looked at the unit's rota.", By, Now));
        await host.Invoke(new RecordInterview(id, "U-FULL", "Says she was asked by a colleague.", Today, By, Now));
        await host.Invoke(new ConfirmBreach(id, Now - Duration.FromHours(2), "Read a neighbour's record", By, Now));
        await host.Invoke(new RecordImyNotification(id, Now, "IMY-2026-123", By, Now));
        await host.Invoke(new RecordDecision(id, DecisionKind.LexSarah, Today, "LS-7", By, Now));
        await host.Invoke(new RecordDecision(id, DecisionKind.Hr, Today.PlusDays(-1), null, By, Now));
        await host.Invoke(new RecordDecision(id, DecisionKind.Police, Today, "K-12345-26", By, Now));
        await host.Invoke(new ConcludeInvestigation(id, InvestigationOutcome.MisuseConfirmed, "Snooping confirmed.", By, Now));

        var snapshot = await host.LoadAsync(id);
        snapshot.Status.ShouldBe(InvestigationStatus.Concluded);
        snapshot.Conclusion!.Outcome.ShouldBe(InvestigationOutcome.MisuseConfirmed);
        snapshot.Breach!.ImyDeadline.ShouldBe(Now - Duration.FromHours(2) + Duration.FromHours(72));
        snapshot.Breach.ImyReference.ShouldBe("IMY-2026-123");
        snapshot.Decisions.Select(d => d.Kind).ShouldBe([DecisionKind.LexSarah, DecisionKind.Hr, DecisionKind.Police]);
        snapshot.Notes.Count.ShouldBe(1);
        snapshot.Interviews.Single().On.ShouldBe(Today);
        snapshot.Version.ShouldBe(9);

        (await host.EventsAsync(id)).Select(e => e.GetType().Name).ShouldBe([
            nameof(InvestigationOpened), nameof(NoteAdded), nameof(InterviewRecorded), nameof(BreachConfirmed), nameof(ImyNotified),
            nameof(LexSarahReported), nameof(HrReferred), nameof(PoliceReported), nameof(InvestigationConcluded)]);

        await using var session = host.Store.QuerySession();
        var replayed = await session.Events.AggregateStreamAsync<Investigation>(id);
        var json = host.Store.Options.Serializer();
        json.ToJson(replayed).ShouldBe(json.ToJson(snapshot));
    }

    [Fact]
    public async Task nothing_can_be_changed_after_the_conclusion()
    {
        var id = await host.OpenAsync("U-DONE");
        await host.Invoke(new ConcludeInvestigation(id, InvestigationOutcome.NoMisuse, "Explained by a visit not yet registered.", By, Now));
        var before = await host.EventsAsync(id);

        object[] commands =
        [
            new AddNote(id, "late note", By, Now),
            new RecordInterview(id, "U-DONE", "late", Today, By, Now),
            new ConfirmBreach(id, Now, null, By, Now),
            new RecordImyNotification(id, Now, "IMY-1", By, Now),
            new RecordDecision(id, DecisionKind.Police, Today, null, By, Now),
            new ConcludeInvestigation(id, InvestigationOutcome.MisuseConfirmed, "changed my mind", By, Now),
            new AttachAnomalies(id, [Guid.NewGuid()], By, Now),
        ];
        foreach (var command in commands)
            (await host.Rejected(command)).Code.ShouldBe(InvestigationCodes.Concluded, command.GetType().Name);
        (await host.EventsAsync(id)).Count.ShouldBe(before.Count);
    }

    [Fact]
    public async Task a_breach_is_confirmed_only_once()
    {
        var id = await host.OpenAsync("U-TWICE");
        await host.Invoke(new ConfirmBreach(id, Now - Duration.FromHours(1), null, By, Now));
        (await host.Rejected(new ConfirmBreach(id, Now, null, By, Now))).Code.ShouldBe(InvestigationCodes.BreachAlreadyConfirmed);
        (await host.LoadAsync(id)).Breach!.AwareAt.ShouldBe(Now - Duration.FromHours(1));
    }

    [Fact]
    public async Task imy_is_notified_only_after_a_confirmed_breach_and_only_once()
    {
        var id = await host.OpenAsync("U-IMY");
        (await host.Rejected(new RecordImyNotification(id, Now, "IMY-1", By, Now))).Code.ShouldBe(InvestigationCodes.BreachNotConfirmed);

        await host.Invoke(new ConfirmBreach(id, Now - Duration.FromHours(5), null, By, Now));
        (await host.Rejected(new RecordImyNotification(id, Now - Duration.FromHours(6), "IMY-1", By, Now))).Code
            .ShouldBe(InvestigationCodes.NotifiedBeforeAwareness);
        (await host.Rejected(new RecordImyNotification(id, Now + Duration.FromMinutes(5), "IMY-1", By, Now))).Code
            .ShouldBe(InvestigationCodes.TimeInFuture);
        (await host.Rejected(new RecordImyNotification(id, Now, " ", By, Now))).Code.ShouldBe(InvestigationCodes.RequiredFieldMissing);

        await host.Invoke(new RecordImyNotification(id, Now, "IMY-1", By, Now));
        (await host.Rejected(new RecordImyNotification(id, Now, "IMY-2", By, Now))).Code.ShouldBe(InvestigationCodes.ImyAlreadyNotified);
    }

    [Fact]
    public async Task a_confirmed_breach_means_misuse_and_keeps_the_case_open_until_imy_is_notified()
    {
        var id = await host.OpenAsync("U-BREACH");
        await host.Invoke(new ConfirmBreach(id, Now, null, By, Now));

        (await host.Rejected(new ConcludeInvestigation(id, InvestigationOutcome.NoMisuse, "no", By, Now))).Code
            .ShouldBe(InvestigationCodes.BreachImpliesMisuse);
        (await host.Rejected(new ConcludeInvestigation(id, InvestigationOutcome.MisuseConfirmed, "yes", By, Now))).Code
            .ShouldBe(InvestigationCodes.ImyNotificationPending);

        await host.Invoke(new RecordImyNotification(id, Now, "IMY-9", By, Now));
        (await host.Rejected(new ConcludeInvestigation(id, InvestigationOutcome.NoMisuse, "no", By, Now))).Code
            .ShouldBe(InvestigationCodes.BreachImpliesMisuse);
        await host.Invoke(new ConcludeInvestigation(id, InvestigationOutcome.MisuseConfirmed, "yes", By, Now));
    }

    [Fact]
    public async Task awareness_cannot_lie_in_the_future()
    {
        var id = await host.OpenAsync("U-AWARE");
        (await host.Rejected(new ConfirmBreach(id, Now + Duration.FromSeconds(1), null, By, Now))).Code.ShouldBe(InvestigationCodes.TimeInFuture);
        (await host.LoadAsync(id)).Breach.ShouldBeNull();
    }

    [Theory]
    [InlineData(DecisionKind.LexSarah)]
    [InlineData(DecisionKind.LexMaria)]
    [InlineData(DecisionKind.Hr)]
    [InlineData(DecisionKind.Police)]
    public async Task decisions_need_a_date_that_is_not_in_the_future(DecisionKind kind)
    {
        var id = await host.OpenAsync($"U-DATE-{kind}");
        (await host.Rejected(new RecordDecision(id, kind, Today.PlusDays(1), null, By, Now))).Code.ShouldBe(InvestigationCodes.DateInFuture);
        await host.Invoke(new RecordDecision(id, kind, Today, null, By, Now));
        (await host.LoadAsync(id)).Decisions.Single().ShouldSatisfyAllConditions(d => d.Kind.ShouldBe(kind), d => d.On.ShouldBe(Today));
    }

    [Fact]
    public async Task an_interview_date_is_not_in_the_future_either()
    {
        var id = await host.OpenAsync("U-INTERVIEW");
        (await host.Rejected(new RecordInterview(id, "U-INTERVIEW", "x", Today.PlusDays(1), By, Now))).Code.ShouldBe(InvestigationCodes.DateInFuture);
        (await host.Rejected(new RecordInterview(id, "", "x", Today, By, Now))).Code.ShouldBe(InvestigationCodes.RequiredFieldMissing);
    }

    [Fact]
    public async Task a_command_to_an_unknown_investigation_is_not_found_and_starts_no_stream()
    {
        var id = Guid.NewGuid();
        var rejected = await host.Rejected(new AddNote(id, "hello", By, Now));
        rejected.Code.ShouldBe("not_found");
        rejected.Status.ShouldBe(404);
        (await host.EventsAsync(id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task a_user_has_at_most_one_open_investigation_and_the_refusal_names_it()
    {
        var first = await host.OpenAsync("U-ONE");
        var rejected = await host.Rejected(new OpenInvestigation(Guid.NewGuid(), "U-ONE", "again", By, Now));
        rejected.Code.ShouldBe(InvestigationCodes.AlreadyOpen);
        rejected.Details["investigationId"].ShouldBe(first);

        await host.Invoke(new ConcludeInvestigation(first, InvestigationOutcome.NoMisuse, "explained", By, Now));
        var second = await host.OpenAsync("U-ONE");
        second.ShouldNotBe(first);
    }

    [Fact]
    public async Task racing_openings_for_one_user_leave_one_open_case()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            try { await host.OpenAsync("U-RACE"); return "opened"; }
            catch (Exception ex) when ((ex as Workflow.CommandRejected ?? ex.InnerException as Workflow.CommandRejected)?.Code == InvestigationCodes.AlreadyOpen)
            {
                return "rejected";
            }
        }));
        results.Count(r => r == "opened").ShouldBe(1);
        (await host.CasesOfAsync("U-RACE")).Count.ShouldBe(1);
    }

    [Fact]
    public async Task opening_needs_a_subject_and_a_reason()
    {
        (await host.Rejected(new OpenInvestigation(Guid.NewGuid(), " ", "why", By, Now))).Code.ShouldBe(InvestigationCodes.RequiredFieldMissing);
        (await host.Rejected(new OpenInvestigation(Guid.NewGuid(), "U-X", "", By, Now))).Code.ShouldBe(InvestigationCodes.RequiredFieldMissing);
    }
}
