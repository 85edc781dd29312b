using System.Net.Http.Headers;
using System.Net.Http.Json;
using LogControl.Server;
using LogControl.Server.Security;
using LogControl.Workflow.Accounts;
using LogControl.Workflow.Security;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace LogControl.Tests.Support;

/// <summary>
/// Acting as someone against the real host. Accounts are created through <see cref="AccountCommands"/>, the code path of
/// `logctl users add`, and log in through POST /api/auth/token, so a test's client carries a real bearer token:
/// <code>
/// var app = await AuthKit.StartServerAsync(db.ConnectionString);
/// using var manager = await AuthKit.ClientAsync(app, Roles.UnitManager, "HT-NORR");
/// using var auditor = await AuthKit.ClientAsync(app, Roles.Auditor);
/// </code>
/// </summary>
public static class AuthKit
{
    public sealed record TestAccount(string Username, string Password, string UserId, IReadOnlyList<string> Roles, IReadOnlyList<string> Units);

    /// <summary>Builds and starts the real host on a free loopback port; extra args are configuration (e.g. "--Auth:TokenLifetime=00:10:00").</summary>
    public static async Task<WebApplication> StartServerAsync(string connectionString, params string[] args)
    {
        var app = LogControlServer.Build(connectionString, args, urls: "http://127.0.0.1:0");
        await app.StartAsync();
        return app;
    }

    public static Uri BaseAddress(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>A client without credentials.</summary>
    public static HttpClient Anonymous(WebApplication app) => new() { BaseAddress = BaseAddress(app) };

    /// <summary>Creates an enabled local account with a generated password. Unit managers get their units; others none.</summary>
    public static async Task<TestAccount> CreateAccountAsync(IDocumentStore store, IReadOnlyList<string> roles, IReadOnlyList<string>? units = null,
        string? userId = null, string? name = null, string? username = null)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var password = Passwords.Generate();
        var created = await AccountCommands.CreateAsync(store, new NewAccount(
            username ?? $"t-{string.Join('-', roles).Replace('_', '-')}-{suffix}", userId ?? $"SE-TEST-{suffix}", name, roles, units, password), "test");
        var a = created.Account;
        return new TestAccount(a.Username, password, a.UserId, a.Roles, a.Units);
    }

    public static Task<TestAccount> CreateAccountAsync(WebApplication app, string role, params string[] units) =>
        CreateAccountAsync(app.Services.GetRequiredService<IDocumentStore>(), [role], units);

    /// <summary>POST /api/auth/token; fails the test unless a token is issued.</summary>
    public static async Task<string> TokenAsync(HttpClient http, string username, string password)
    {
        var response = await http.PostAsJsonAsync("/api/auth/token", new { username, password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenResponse>())!.AccessToken;
    }

    /// <summary>A client acting as a new account with these roles and units (and user id, e.g. a unit's manager_user_id).</summary>
    public static async Task<(HttpClient Http, TestAccount Account)> LoginAsync(WebApplication app, IReadOnlyList<string> roles,
        IReadOnlyList<string>? units = null, string? userId = null, string? name = null)
    {
        var account = await CreateAccountAsync(app.Services.GetRequiredService<IDocumentStore>(), roles, units, userId, name);
        var http = Anonymous(app);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(http, account.Username, account.Password));
        return (http, account);
    }

    /// <summary>A client acting as a new account with one role; <paramref name="units"/> for unit managers.</summary>
    public static async Task<HttpClient> ClientAsync(WebApplication app, string role, params string[] units) =>
        (await LoginAsync(app, [role], units)).Http;

    public static Task<HttpClient> AsManagerAsync(WebApplication app, params string[] units) => ClientAsync(app, Roles.UnitManager, units);
    public static Task<HttpClient> AsSecurityAsync(WebApplication app) => ClientAsync(app, Roles.Security);
    public static Task<HttpClient> AsAuditorAsync(WebApplication app) => ClientAsync(app, Roles.Auditor);
    public static Task<HttpClient> AsAdminAsync(WebApplication app) => ClientAsync(app, Roles.Administrator);
}
