using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using LogControl.Tests.Support;
using LogControl.Workflow;
using LogControl.Workflow.Accounts;
using LogControl.Workflow.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LogControl.Tests.Security;

/// <summary>Who may do what: the admin endpoints by role, the policies of the running host, and unit scope.</summary>
public sealed class AuthorizationTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private WebApplication _app = null!;

    public async Task InitializeAsync() => _app = await AuthKit.StartServerAsync(db.ConnectionString);

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static object NewManager(string username) =>
        new { username, userId = "SE2321000032-U0042", name = "Maja Chef", roles = new[] { Roles.UnitManager }, units = new[] { "SB-ROSEN" } };

    [Fact]
    public async Task an_auditor_cannot_create_accounts_and_an_administrator_can()
    {
        using var auditor = await AuthKit.AsAuditorAsync(_app);
        var refused = await auditor.PostAsJsonAsync("/api/admin/accounts", NewManager("maja"));
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        refused.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");

        using var admin = await AuthKit.AsAdminAsync(_app);
        var created = await admin.PostAsJsonAsync("/api/admin/accounts", NewManager("maja"));
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        created.Headers.Location!.ToString().ShouldBe("/api/admin/accounts/maja");
        var body = (await created.Content.ReadFromJsonAsync<CreatedAccount>(ApiJson.Options))!;
        body.Account.ShouldSatisfyAllConditions(
            a => a.Username.ShouldBe("maja"), a => a.UserId.ShouldBe("SE2321000032-U0042"),
            a => a.Roles.ShouldBe([Roles.UnitManager]), a => a.Units.ShouldBe(["SB-ROSEN"]), a => a.Disabled.ShouldBeFalse());
        body.GeneratedPassword.ShouldNotBeNullOrEmpty();

        // The generated password works, once, for the new account.
        using var maja = AuthKit.Anonymous(_app);
        maja.DefaultRequestHeaders.Authorization = new("Bearer", await AuthKit.TokenAsync(maja, "maja", body.GeneratedPassword));
        (await maja.GetFromJsonAsync<LogControl.Server.Security.Me>("/api/me", ApiJson.Options))!.UserId.ShouldBe("SE2321000032-U0042");

        // The creation is an event, recorded with the administrator's user id.
        await using var session = _app.Services.GetRequiredService<Marten.IDocumentStore>().QuerySession();
        var events = await session.Events.FetchStreamAsync(Account.StreamId("maja"));
        var e = events.ShouldHaveSingleItem().Data.ShouldBeOfType<AccountCreated>();
        e.By.ShouldStartWith("SE-TEST-");
    }

    [Fact]
    public async Task invalid_or_duplicate_accounts_are_refused_with_the_reason()
    {
        using var admin = await AuthKit.AsAdminAsync(_app);
        var noUnit = await admin.PostAsJsonAsync("/api/admin/accounts", new { username = "nounit", userId = "U1", roles = new[] { Roles.UnitManager } });
        noUnit.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await noUnit.Content.ReadAsStringAsync()).ShouldContain("units_required");
        var badRole = await admin.PostAsJsonAsync("/api/admin/accounts", new { username = "badrole", userId = "U1", roles = new[] { "root" } });
        badRole.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await badRole.Content.ReadAsStringAsync()).ShouldContain("invalid_role");

        (await admin.PostAsJsonAsync("/api/admin/accounts", NewManager("twice"))).StatusCode.ShouldBe(HttpStatusCode.Created);
        var again = await admin.PostAsJsonAsync("/api/admin/accounts", NewManager("TWICE"));
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await again.Content.ReadAsStringAsync()).ShouldContain("account_exists");
    }

    [Fact]
    public async Task administrators_and_auditors_list_accounts_without_hashes_and_others_may_not()
    {
        using var admin = await AuthKit.AsAdminAsync(_app);
        using var auditor = await AuthKit.AsAuditorAsync(_app);
        using var manager = await AuthKit.AsManagerAsync(_app, "HT-NORR");
        using var security = await AuthKit.AsSecurityAsync(_app);

        foreach (var client in new[] { admin, auditor })
        {
            var response = await client.GetAsync("/api/admin/accounts");
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            var text = await response.Content.ReadAsStringAsync();
            text.ShouldNotContain("AQAAAA", Case.Sensitive); // the prefix of ASP.NET Core Identity's v3 hashes
            text.ShouldNotContain("passwordHash", Case.Insensitive);
            (await client.GetFromJsonAsync<List<AccountView>>("/api/admin/accounts", ApiJson.Options))!.Count.ShouldBeGreaterThanOrEqualTo(4);
        }
        (await manager.GetAsync("/api/admin/accounts")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await security.GetAsync("/api/admin/accounts")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task an_administrator_disables_an_account_and_its_token_stops_working()
    {
        using var admin = await AuthKit.AsAdminAsync(_app);
        var (victim, account) = await AuthKit.LoginAsync(_app, [Roles.Security]);
        using var _ = victim;
        (await victim.GetAsync("/api/me")).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var auditor = await AuthKit.AsAuditorAsync(_app);
        (await auditor.PostAsJsonAsync($"/api/admin/accounts/{account.Username}/disable", new { reason = "x" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var response = await admin.PostAsJsonAsync($"/api/admin/accounts/{account.Username}/disable", new { reason = "left" });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<AccountView>(ApiJson.Options))!.Disabled.ShouldBeTrue();
        (await victim.GetAsync("/api/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await admin.PostAsJsonAsync("/api/admin/accounts/nobody-here/disable", new { })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    public static TheoryData<string, string[], bool> PolicyCases => new()
    {
        // policy, the caller's roles, allowed
        { Policies.Read, [Roles.Auditor], true },
        { Policies.Read, [Roles.Employee], true },
        { Policies.Read, [], false },
        { Policies.Read, ["root"], false },
        { Policies.Write, [Roles.UnitManager], true },
        { Policies.Write, [Roles.Security], true },
        { Policies.Write, [Roles.Administrator], true },
        { Policies.Write, [Roles.Auditor], false },
        { Policies.Write, [Roles.Auditor, Roles.Security], false },
        { Policies.Write, [], false },
        { Policies.Manager, [Roles.UnitManager], true },
        { Policies.Manager, [Roles.Security], false },
        { Policies.Security, [Roles.Security], true },
        { Policies.Security, [Roles.Administrator], false },
        { Policies.Admin, [Roles.Administrator], true },
        { Policies.Admin, [Roles.Auditor], false },
        { Policies.AdminOrAuditor, [Roles.Auditor], true },
        { Policies.AdminOrAuditor, [Roles.UnitManager], false },
    };

    [Theory]
    [MemberData(nameof(PolicyCases))]
    public async Task the_hosts_policies_admit_exactly_their_roles(string policy, string[] roles, bool allowed)
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity(
            roles.Select(r => new Claim(ClaimNames.Role, r)).Append(new Claim(ClaimNames.UserId, "U1")), "test", ClaimNames.Name, ClaimNames.Role));
        var result = await _app.Services.GetRequiredService<IAuthorizationService>().AuthorizeAsync(user, policy);
        result.Succeeded.ShouldBe(allowed);
    }

    [Fact]
    public void unit_scope_lets_managers_see_and_act_on_their_own_units_only()
    {
        Actor Make(params string[] roles) => new("U1", null, roles.ToHashSet(), new HashSet<string> { "HT-NORR" });
        var manager = Make(Roles.UnitManager);
        manager.EnsureMayRead("HT-NORR");
        manager.EnsureMayAct("HT-NORR");
        Should.Throw<CommandRejected>(() => manager.EnsureMayRead("HT-SYD")).Status.ShouldBe(403);
        Should.Throw<CommandRejected>(() => manager.EnsureMayAct("HT-SYD")).Status.ShouldBe(403);

        foreach (var role in Roles.SeeAllUnits) Make(role).EnsureMayRead("HT-SYD");
        Make(Roles.Security).EnsureMayAct("HT-SYD");
        Should.Throw<CommandRejected>(() => Make(Roles.Auditor).EnsureMayAct("HT-NORR")).Code.ShouldBe("forbidden");
        Should.Throw<CommandRejected>(() => Make(Roles.Administrator).EnsureMayAct("HT-NORR"));
        Should.Throw<CommandRejected>(() => Make(Roles.Employee).EnsureMayRead("HT-NORR"));
    }
}
