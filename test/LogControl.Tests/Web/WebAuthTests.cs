using System.Net;
using System.Net.Http.Headers;
using LogControl.Tests.Support;
using LogControl.Workflow.Accounts;
using LogControl.Workflow.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LogControl.Tests.Web;

/// <summary>Browsers log in with a cookie, the API keeps its bearer tokens, and neither credential works where the other belongs.</summary>
public sealed class WebAuthTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private WebApplication _app = null!;

    public async Task InitializeAsync() => _app = await AuthKit.StartServerAsync(db.ConnectionString, "--Reviews:Sweep=false");
    public async Task DisposeAsync() { await _app.StopAsync(); await _app.DisposeAsync(); }

    [Fact]
    public async Task a_page_without_a_session_sends_the_browser_to_log_in_while_the_api_answers_401()
    {
        using var anonymous = WebClient.Anonymous(_app);
        using var page = await anonymous.Http.GetAsync("/granskningar");
        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page.Headers.Location!.ToString().ShouldContain("/logga-in?returnUrl=%2Fgranskningar");

        using var api = await anonymous.Http.GetAsync("/api/reviews");
        api.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        api.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");

        var (status, html) = await anonymous.GetAsync("/logga-in");
        status.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("<label for=\"username\">Användarnamn</label>");
        html.ShouldContain("lang=\"sv\"");
    }

    [Fact]
    public async Task a_wrong_password_is_refused_in_swedish_and_the_right_one_opens_the_start_page_for_the_role()
    {
        var store = _app.Services.GetRequiredService<Marten.IDocumentStore>();
        var manager = await AuthKit.CreateAccountAsync(store, [Roles.UnitManager], ["HT-X"], name: "Karin Ek");
        using var browser = WebClient.Anonymous(_app);
        var wrong = await browser.PostFormAsync("/logga-in", null, new() { ["username"] = manager.Username, ["password"] = "fel-lösenord-123" });
        wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await wrong.Content.ReadAsStringAsync()).ShouldContain("Fel användarnamn eller lösenord");

        using var signedIn = await WebClient.LoginAsync(_app, manager);
        var (status, html) = await signedIn.GetAsync("/");
        status.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("Välkommen, Karin Ek");
        html.ShouldContain("Mina granskningar");
        html.ShouldNotContain("href=\"/utredningar\"", customMessage: "a unit manager has no investigations menu");

        // The cookie is not a credential for the API (no cross-site requests against the JSON API).
        (await signedIn.Http.GetAsync("/api/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        // ... and a bearer token still is.
        using var api = AuthKit.Anonymous(_app);
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AuthKit.TokenAsync(api, manager.Username, manager.Password));
        (await api.GetAsync("/api/me")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Logging out ends the session.
        var logout = await signedIn.PostFormAsync("/logga-ut", null, new());
        logout.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await signedIn.Http.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task disabling_an_account_ends_its_browser_session_at_once()
    {
        var store = _app.Services.GetRequiredService<Marten.IDocumentStore>();
        var auditor = await AuthKit.CreateAccountAsync(store, [Roles.Auditor]);
        using var browser = await WebClient.LoginAsync(_app, auditor);
        (await browser.GetAsync("/efterlevnad")).Status.ShouldBe(HttpStatusCode.OK);
        await using (var session = store.LightweightSession())
            await AccountCommands.DisableAsync(session, auditor.Username, "slutat", "admin", NodaTime.SystemClock.Instance.GetCurrentInstant());
        using var after = await browser.Http.GetAsync("/efterlevnad");
        after.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        after.Headers.Location!.ToString().ShouldContain("/logga-in");
    }

    [Fact]
    public async Task a_role_without_access_gets_a_swedish_403_page_not_a_redirect()
    {
        var store = _app.Services.GetRequiredService<Marten.IDocumentStore>();
        using var manager = await WebClient.LoginAsync(_app, await AuthKit.CreateAccountAsync(store, [Roles.UnitManager], ["HT-X"]));
        var (status, html) = await manager.GetAsync("/utredningar");
        status.ShouldBe(HttpStatusCode.Forbidden);
        html.ShouldContain("Ej behörig");
        (await manager.GetAsync("/integritet")).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await manager.GetAsync($"/granskningar/{Guid.NewGuid()}")).Status.ShouldBe(HttpStatusCode.NotFound);
    }
}
