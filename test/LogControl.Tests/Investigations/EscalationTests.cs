using LogControl.Workflow;
using LogControl.Workflow.Investigations;
using NodaTime;

namespace LogControl.Tests.Investigations;

/// <summary>One case per user across units: escalations from the review workflow open a case or join the user's open one.</summary>
public sealed class EscalationTests(InvestigationHost host) : IClassFixture<InvestigationHost>
{
    private EscalationRaised Escalation(string user, string unit, string? client = null, Guid? review = null, string item = "item-1") =>
        new(review ?? Guid.NewGuid(), item, unit, user, client, [Guid.NewGuid()], "no explanation given", $"MGR-{unit}", host.Now);

    [Fact]
    public async Task escalations_about_one_user_from_two_units_land_in_one_case()
    {
        var north = Escalation("U-ESC", "HT-NORR", "191212121212");
        var south = Escalation("U-ESC", "HT-SYD", "191010101010");
        await host.Invoke(north);
        await host.Invoke(south);

        var cases = await host.CasesOfAsync("U-ESC");
        var investigation = cases.ShouldHaveSingleItem();
        investigation.Origin.ShouldBe(InvestigationOrigin.Escalation);
        investigation.Escalations.Select(e => e.UnitId).ShouldBe(["HT-NORR", "HT-SYD"]);
        investigation.Escalations.SelectMany(e => e.AnomalyIds).ShouldBe(north.AnomalyIds.Concat(south.AnomalyIds));
        investigation.ClientsConcerned().ShouldBe(["191010101010", "191212121212"]);

        var events = await host.EventsAsync(investigation.Id);
        events[0].ShouldBeOfType<InvestigationOpened>().Escalation!.ReviewId.ShouldBe(north.ReviewId);
        events[1].ShouldBeOfType<EscalationAttached>().Escalation.ReviewId.ShouldBe(south.ReviewId);
    }

    [Fact]
    public async Task two_users_get_two_cases()
    {
        await host.Invoke(Escalation("U-A", "HT-NORR"));
        await host.Invoke(Escalation("U-B", "HT-NORR"));

        var a = (await host.CasesOfAsync("U-A")).ShouldHaveSingleItem();
        var b = (await host.CasesOfAsync("U-B")).ShouldHaveSingleItem();
        a.Id.ShouldNotBe(b.Id);
    }

    [Fact]
    public async Task an_escalation_delivered_twice_is_added_once()
    {
        var e = Escalation("U-DUP", "HT-NORR");
        await host.Invoke(e);
        await host.Invoke(e);
        await host.Invoke(Escalation("U-DUP", "HT-SYD"));
        await host.Invoke(e);

        var investigation = (await host.CasesOfAsync("U-DUP")).ShouldHaveSingleItem();
        investigation.Escalations.Count.ShouldBe(2);
        (await host.EventsAsync(investigation.Id)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task an_escalation_joins_a_directly_opened_case_and_a_direct_opening_is_refused_once_one_is_open()
    {
        var direct = await host.OpenAsync("U-MIX");
        await host.Invoke(Escalation("U-MIX", "HT-NORR"));
        var investigation = (await host.CasesOfAsync("U-MIX")).ShouldHaveSingleItem();
        investigation.Id.ShouldBe(direct);
        investigation.Origin.ShouldBe(InvestigationOrigin.Direct);
        investigation.Escalations.Count.ShouldBe(1);

        await host.Invoke(Escalation("U-MIX2", "HT-NORR"));
        var opened = (await host.CasesOfAsync("U-MIX2")).ShouldHaveSingleItem();
        var rejected = await host.Rejected(new OpenInvestigation(Guid.NewGuid(), "U-MIX2", "again", InvestigationHost.Officer, host.Now));
        rejected.Code.ShouldBe(InvestigationCodes.AlreadyOpen);
        rejected.Details["investigationId"].ShouldBe(opened.Id);
    }

    [Fact]
    public async Task after_the_conclusion_a_new_escalation_opens_a_new_case()
    {
        await host.Invoke(Escalation("U-AGAIN", "HT-NORR"));
        var first = (await host.CasesOfAsync("U-AGAIN")).ShouldHaveSingleItem();
        await host.Invoke(new ConcludeInvestigation(first.Id, InvestigationOutcome.NoMisuse, "visit not registered", InvestigationHost.Officer, host.Now));

        await host.Invoke(Escalation("U-AGAIN", "HT-SYD"));
        var cases = await host.CasesOfAsync("U-AGAIN");
        cases.Count.ShouldBe(2);
        cases.Count(c => c.Status == InvestigationStatus.Open).ShouldBe(1);
        (await host.EventsAsync(first.Id)).Last().ShouldBeOfType<InvestigationConcluded>();
    }

    [Fact]
    public async Task concurrent_escalations_about_one_user_still_make_one_case()
    {
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => host.Invoke(Escalation("U-BURST", $"UNIT-{i}"))));
        var investigation = (await host.CasesOfAsync("U-BURST")).ShouldHaveSingleItem();
        investigation.Escalations.Count.ShouldBe(8);
    }

    [Fact]
    public async Task a_published_escalation_reaches_its_case_through_the_durable_queue()
    {
        var e = Escalation("U-PUBLISHED", "HT-NORR");
        await host.Bus.PublishAsync(e);

        // Bounded wait for the local queue's listener; no assertion on how long it took.
        List<Investigation> cases = [];
        for (var i = 0; i < 1200 && cases.Count == 0; i++)
        {
            await Task.Delay(100);
            cases = await host.CasesOfAsync("U-PUBLISHED");
        }
        cases.ShouldHaveSingleItem().Escalations.ShouldHaveSingleItem().ReviewId.ShouldBe(e.ReviewId);
    }
}
