using System.Net;
using LogControl.Cli;
using LogControl.Tests.Support;
using LogControl.Workflow.Security;

namespace LogControl.Tests.Web;

/// <summary>`logctl demo` serves the UI with one login per role; the manager's is the busiest unit's manager, so they can sign off.</summary>
public sealed class DemoLoginTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private WebScenario _s = null!;

    public async Task InitializeAsync() => _s = await WebScenario.StartAsync(db.ConnectionString);
    public async Task DisposeAsync() => await _s.StopAsync();

    [Fact]
    public async Task demo_logins_exist_for_every_role_and_open_their_start_pages()
    {
        var logins = await LogCtl.CreateDemoLoginsAsync(_s.Store, CancellationToken.None);
        logins.Select(l => l.Role).ShouldBe([Roles.UnitManager, Roles.Security, Roles.Auditor, Roles.Administrator]);
        var manager = logins[0];
        // Both units have one anomaly; the tie goes to the first unit id.
        (manager.UserId, manager.Units.Single()).ShouldBe((WebScenario.NorthManager, WebScenario.NorthUnit));

        // Running it again (a demo on an explicit --db) keeps the printed passwords valid.
        logins = await LogCtl.CreateDemoLoginsAsync(_s.Store, CancellationToken.None);
        foreach (var l in logins)
        {
            using var browser = await WebClient.LoginAsync(_s.App, new AuthKit.TestAccount(l.Username, l.Password, l.UserId, [l.Role], l.Units));
            var (status, html) = await browser.GetAsync("/");
            status.ShouldBe(HttpStatusCode.OK);
            html.ShouldContain($"Välkommen, {l.Name}");
        }
    }
}
