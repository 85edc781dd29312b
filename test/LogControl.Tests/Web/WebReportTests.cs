using System.Net;
using LogControl.Domain.Audit;
using LogControl.Tests.Support;
using LogControl.Workflow.Security;
using Shouldly;

namespace LogControl.Tests.Web;

/// <summary>Report pages: printable HTML and CSV from src/Reports, a manager's scope, and the extract recorded as a view.</summary>
public sealed class WebReportTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private WebScenario _s = null!;

    public async Task InitializeAsync() => _s = await WebScenario.StartAsync(db.ConnectionString);
    public async Task DisposeAsync() => await _s.StopAsync();

    private async Task<(WebClient Browser, AuthKit.TestAccount Account)> AsAsync(string role, string? unit = null)
    {
        var account = await AuthKit.CreateAccountAsync(_s.Store, [role], unit == null ? null : [unit]);
        return (await WebClient.LoginAsync(_s.App, account), account);
    }

    [Fact]
    public async Task a_managers_reports_cover_only_their_units_and_an_auditors_cover_all()
    {
        var (north, _) = await AsAsync(Roles.UnitManager, WebScenario.NorthUnit);
        using var _n = north;
        var (form, formHtml) = await north.GetAsync("/rapporter");
        form.ShouldBe(HttpStatusCode.OK);
        formHtml.ShouldContain("Loggutdrag för en brukare");

        foreach (var format in new[] { "html", "csv" })
        {
            var (status, body) = await north.GetAsync($"/rapporter?rapport=efterlevnad&format={format}");
            status.ShouldBe(HttpStatusCode.OK);
            body.ShouldContain(WebScenario.NorthUnit);
            body.ShouldNotContain(WebScenario.SouthUnit);
        }

        var (auditor, _) = await AsAsync(Roles.Auditor);
        using var _a = auditor;
        var (ok, all) = await auditor.GetAsync("/rapporter?rapport=efterlevnad&format=html");
        ok.ShouldBe(HttpStatusCode.OK);
        all.ShouldContain(WebScenario.NorthUnit);
        all.ShouldContain(WebScenario.SouthUnit);
        (await auditor.GetAsync("/rapporter?rapport=okand")).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task a_client_log_extract_from_the_web_is_recorded_as_a_view_of_personal_data()
    {
        var (auditor, account) = await AsAsync(Roles.Auditor);
        using var _a = auditor;
        var (missing, page) = await auditor.GetAsync("/rapporter?rapport=loggutdrag&format=html");
        missing.ShouldBe(HttpStatusCode.OK);
        page.ShouldContain("Ange brukarens personnummer");
        (await _s.ViewsByAsync(account.UserId)).ShouldBeEmpty();

        var (status, _) = await auditor.GetAsync($"/rapporter?rapport=loggutdrag&format=csv&fran=2020-01-01&klient={WebScenario.North1}");
        status.ShouldBe(HttpStatusCode.OK);
        var view = (await _s.ViewsByAsync(account.UserId)).ShouldHaveSingleItem();
        (view.View, view.SubjectKind, view.Channel).ShouldBe((PersonalDataViews.ClientLogExtract, "client", "web"));
        view.SubjectIds!.ShouldHaveSingleItem().ShouldBe(view.SubjectId);
    }
}
