using System.Net;
using LogControl.Tests.Support;
using LogControl.Workflow.Audit;
using LogControl.Workflow.Investigations;
using LogControl.Workflow.Reviews;
using LogControl.Workflow.Security;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace LogControl.Tests.Web;

/// <summary>
/// The manager's and the auditor's pages over real data, at the HTTP level: unit scope holds on every page, forms send the
/// workflow's commands and show its refusals in Swedish, and every view of personal data appends a PersonalDataViewed.
/// </summary>
public sealed class WebReviewTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private WebScenario _s = null!;

    public async Task InitializeAsync() => _s = await WebScenario.StartAsync(db.ConnectionString);
    public async Task DisposeAsync() => await _s.StopAsync();

    private async Task<(WebClient Browser, AuthKit.TestAccount Account)> AsAsync(string role, string? unit = null, string? userId = null)
    {
        var account = await AuthKit.CreateAccountAsync(_s.Store, [role], unit == null ? null : [unit], userId);
        return (await WebClient.LoginAsync(_s.App, account), account);
    }

    private async Task StartNorthReviewAsync() =>
        await _s.App.Services.GetRequiredService<IMessageBus>().InvokeAsync(new StartReview(_s.NorthReview, WebScenario.NorthManager, Seed: 7));

    [Fact]
    public async Task a_manager_never_sees_another_units_reviews_people_or_clients()
    {
        await StartNorthReviewAsync();
        await _s.App.Services.GetRequiredService<IMessageBus>().InvokeAsync(new StartReview(_s.SouthReview, WebScenario.SouthManager, Seed: 7));
        // Any manager of the unit (their own user id, so this test's views are theirs alone).
        var (north, northAccount) = await AsAsync(Roles.UnitManager, WebScenario.NorthUnit);
        using var _n = north;

        string[] south = [WebScenario.SouthUnit, WebScenario.SouthEmployee, WebScenario.SouthSecret, _s.SouthReview.ToString(), "Hemtjänst Syd", "Misstanke i Syd"];
        foreach (var page in new[] { "/", "/granskningar", "/efterlevnad", $"/granskningar/{_s.NorthReview}", $"/granskningar/{_s.NorthReview}/historik" })
        {
            var (status, html) = await north.GetAsync(page);
            status.ShouldBe(HttpStatusCode.OK, page);
            foreach (var secret in south) html.ShouldNotContain(secret, Case.Sensitive, $"{page} shows {secret}");
        }
        // The own unit is there (so the checks above are not vacuous).
        (await north.GetAsync("/granskningar")).Html.ShouldContain(_s.NorthReview.ToString());
        (await north.GetAsync($"/granskningar/{_s.NorthReview}")).Html.ShouldContain(WebScenario.Stranger);

        foreach (var page in new[] { $"/granskningar/{_s.SouthReview}", $"/granskningar/{_s.SouthReview}/historik",
                     "/utredningar", $"/anvandare/{WebScenario.SouthEmployee}/tidslinje" })
        {
            var (status, html) = await north.GetAsync(page);
            status.ShouldBe(HttpStatusCode.Forbidden, page);
            foreach (var secret in south.Skip(1)) html.ShouldNotContain(secret, Case.Sensitive, $"{page} shows {secret}");
        }
        // Acting on the other unit's review is refused too, and changes nothing.
        // (The token comes from the manager's own review page; the form is sent to the other unit's.)
        var html0 = (await north.GetAsync($"/granskningar/{_s.NorthReview}")).Html;
        var token = System.Text.RegularExpressions.Regex.Match(html0, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var refused = await north.Http.PostAsync($"/granskningar/{_s.SouthReview}?handler=SignOff",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["confirm"] = "true", ["__RequestVerificationToken"] = System.Net.WebUtility.HtmlDecode(token) }));
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        await using var session = _s.Store.QuerySession();
        (await session.LoadAsync<Review>(_s.SouthReview))!.SignedOff.ShouldBeNull();
        (await _s.ViewsByAsync(northAccount.UserId)).ShouldAllBe(v => v.SubjectKind == "review" && v.SubjectId == _s.NorthReview.ToString(), "the refused pages recorded no view");
    }

    [Fact]
    public async Task the_manager_starts_judges_asks_escalates_and_signs_off_through_the_forms_with_refusals_in_swedish()
    {
        var (manager, _) = await AsAsync(Roles.UnitManager, WebScenario.NorthUnit, WebScenario.NorthManager);
        using var _m = manager;
        var page = $"/granskningar/{_s.NorthReview}";
        (await manager.GetAsync(page)).Html.ShouldContain("Påbörja granskningen");
        (await manager.PostFormAsync(page, "Start", new())).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        Review review;
        await using (var session = _s.Store.QuerySession()) review = (await session.LoadAsync<Review>(_s.NorthReview))!;
        review.Started.ShouldBeTrue();
        var anomaly = review.ItemOrder.Single(i => review.Items[i].Item.ClientId == WebScenario.Stranger && review.Items[i].Item.Kind == ItemKind.Anomaly);

        // The evidence: the accesses with what failed to explain them, the client's enrollment, the user's shifts.
        var (_, html) = await manager.GetAsync(page);
        html.ShouldContain("Ingen vårdrelation förklarar åtkomsten");
        html.ShouldContain("Brukaren har insats på egen enhet");
        html.ShouldContain("HT-N: 2026-03-02 07:00 – 2026-03-02 16:00", customMessage: "the shift, in Swedish time");

        // A refusal is shown in Swedish next to the form, with the command's status.
        var bad = await manager.PostFormAsync(page, "Judge", new() { ["itemId"] = anomaly, ["verdict"] = "Justified" });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync()).ShouldContain("Välj en kategori för varför åtkomsten var motiverad.");

        (await manager.PostFormAsync(page, "Ask", new() { ["itemId"] = anomaly, ["question"] = "Varför öppnade du journalen?" })).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var waiting = await manager.PostFormAsync(page, "Judge", new() { ["itemId"] = anomaly, ["verdict"] = "Justified", ["category"] = "Care" });
        waiting.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await waiting.Content.ReadAsStringAsync()).ShouldContain("väntar på medarbetarens förklaring");
        await _s.App.Services.GetRequiredService<IMessageBus>().InvokeAsync(new AnswerJustification(_s.NorthReview, anomaly, WebScenario.NorthEmployee, "Fel brukare i sökningen."));
        (await manager.GetAsync(page)).Html.ShouldContain("Fel brukare i sökningen.");

        (await manager.PostFormAsync(page, "Judge", new() { ["itemId"] = anomaly, ["verdict"] = "Unjustified", ["note"] = "Ingen vårdrelation." })).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var early = await manager.PostFormAsync(page, "SignOff", new() { ["confirm"] = "true" });
        early.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await early.Content.ReadAsStringAsync()).ShouldContain("Alla poster är inte avgjorda");
        (await manager.PostFormAsync(page, "Escalate", new() { ["itemId"] = anomaly, ["reason"] = "Misstänkt dataintrång" })).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        foreach (var item in review.ItemOrder.Where(i => i != anomaly))
            (await manager.PostFormAsync(page, "Judge", new() { ["itemId"] = item, ["verdict"] = "Justified", ["category"] = "Care" })).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        (await manager.GetAsync(page)).Html.ShouldContain("Ej motiverade och eskalerade");
        var unconfirmed = await manager.PostFormAsync(page, "SignOff", new());
        unconfirmed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await manager.PostFormAsync(page, "SignOff", new() { ["confirm"] = "true" })).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        await using (var session = _s.Store.QuerySession()) review = (await session.LoadAsync<Review>(_s.NorthReview))!;
        review.SignedOff!.By.ShouldBe(WebScenario.NorthManager);
        review.Items[anomaly].Escalated.ShouldBeTrue();
        (await manager.GetAsync(page)).Html.ShouldContain(review.SignedOff.Digest);

        // The auditor reads the whole history, in order, with who did what, and can change nothing.
        var (auditor, _) = await AsAsync(Roles.Auditor);
        using var _a = auditor;
        var history = (await auditor.GetAsync($"{page}/historik")).Html;
        string[] order = ["Misstanke anmäld", "Påbörjad", "Urval draget", "Medarbetaren tillfrågad", "Medarbetaren svarade", "Eskalerad till informationssäkerhet", "Signerad"];
        var positions = order.Select(t => history.IndexOf(t, StringComparison.Ordinal)).ToList();
        positions.ShouldAllBe(p => p >= 0);
        positions.ShouldBeInOrder();
        history.ShouldContain(WebScenario.NorthManager);
        var (_, auditorView) = await auditor.GetAsync(page);
        auditorView.ShouldNotContain("Spara bedömning");
        var compliance = (await auditor.GetAsync("/efterlevnad")).Html;
        compliance.ShouldContain("data-unit=\"HT-S\"");
    }

    [Fact]
    public async Task viewing_personal_data_appends_who_looked_at_what_and_when()
    {
        await StartNorthReviewAsync();
        var (manager, managerAccount) = await AsAsync(Roles.UnitManager, WebScenario.NorthUnit);
        using var _m = manager;
        (await _s.ViewsByAsync(managerAccount.UserId)).ShouldBeEmpty();
        (await manager.GetAsync("/granskningar")).Status.ShouldBe(HttpStatusCode.OK); // a list, no personal data: nothing recorded
        (await _s.ViewsByAsync(managerAccount.UserId)).ShouldBeEmpty();

        (await manager.GetAsync($"/granskningar/{_s.NorthReview}")).Status.ShouldBe(HttpStatusCode.OK);
        var view = (await _s.ViewsByAsync(managerAccount.UserId)).ShouldHaveSingleItem();
        (view.View, $"{view.SubjectKind}:{view.SubjectId}", view.At).ShouldBe((LogControl.Domain.Audit.PersonalDataViews.ReviewEvidence, $"review:{_s.NorthReview}", _s.Clock.Now));
        view.ViewerRoles.ShouldBe([Roles.UnitManager]);
        view.SubjectIds.ShouldContain(WebScenario.NorthEmployee);
        view.SubjectIds.ShouldContain(WebScenario.Stranger);

        // Security staff's timeline of a user across clients, and an investigation's page.
        var (security, account) = await AsAsync(Roles.Security);
        using var _sec = security;
        var (status, html) = await security.GetAsync($"/anvandare/{WebScenario.NorthEmployee}/tidslinje");
        status.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("<img src=\"data:image/svg");
        html.ShouldContain("Diagram: 2 åtkomster till 2 brukare");
        var investigation = Guid.NewGuid();
        await _s.App.Services.GetRequiredService<IMessageBus>().InvokeAsync(
            new OpenInvestigation(investigation, WebScenario.NorthEmployee, "Tips från kollega", account.UserId, _s.Clock.Now));
        (await security.GetAsync($"/utredningar/{investigation}")).Status.ShouldBe(HttpStatusCode.OK);

        var views = await _s.ViewsByAsync(account.UserId);
        views.Select(v => v.View).ShouldBe([LogControl.Domain.Audit.PersonalDataViews.UserTimeline, LogControl.Domain.Audit.PersonalDataViews.InvestigationTimeline]);
        views[0].SubjectIds.ShouldBe(new[] { WebScenario.NorthEmployee, WebScenario.North1, WebScenario.Stranger }.Order(StringComparer.Ordinal));
        views.ShouldAllBe(v => v.ViewerUserId == account.UserId && v.ViewerRoles.SequenceEqual(new[] { Roles.Security }));

        // Who looked at the client: both the manager's review page and the security timeline.
        await using var session = _s.Store.QuerySession();
        var ofClient = await WebViews.ViewsOfAsync(session, WebScenario.Stranger);
        ofClient.Select(v => v.ViewerUserId).ShouldContain(managerAccount.UserId);
        ofClient.Select(v => v.ViewerUserId).ShouldContain(account.UserId);
        (await WebViews.ViewsOfAsync(session, WebScenario.SouthSecret)).ShouldNotContain(v => v.ViewerUserId == managerAccount.UserId || v.ViewerUserId == account.UserId);
    }
}
