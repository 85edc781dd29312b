using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using LogControl.Server.Security;
using LogControl.Tests.Support;
using LogControl.Workflow.Accounts;
using LogControl.Workflow.Security;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using NodaTime;

namespace LogControl.Tests.Security;

/// <summary>Local accounts and tokens through the real host: issue, refuse, present, revoke.</summary>
public sealed class AuthenticationTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _anonymous = null!;
    private IDocumentStore Store => _app.Services.GetRequiredService<IDocumentStore>();

    public async Task InitializeAsync()
    {
        _app = await AuthKit.StartServerAsync(db.ConnectionString);
        _anonymous = AuthKit.Anonymous(_app);
    }

    public async Task DisposeAsync()
    {
        _anonymous.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private Task<HttpResponseMessage> RequestToken(string username, string password) =>
        _anonymous.PostAsJsonAsync("/api/auth/token", new { username, password });

    private async Task<HttpResponseMessage> GetMe(string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        if (token != null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _anonymous.SendAsync(request);
    }

    private static async Task ShouldBeProblem(HttpResponseMessage response, HttpStatusCode status)
    {
        response.StatusCode.ShouldBe(status);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("status").GetInt32().ShouldBe((int)status);
    }

    [Fact]
    public async Task good_credentials_give_a_bearer_token_with_our_claims_for_eight_hours()
    {
        var account = await AuthKit.CreateAccountAsync(Store, [Roles.UnitManager], ["HT-NORR", "HT-SYD"], userId: "SE2321000032-U0007", name: "Åsa Öberg");

        // Usernames are case-insensitive.
        var response = await RequestToken(account.Username.ToUpperInvariant(), account.Password);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("token_type").GetString().ShouldBe("Bearer");
        body.RootElement.GetProperty("expires_in").GetInt64().ShouldBe(8 * 3600);

        var jwt = new JsonWebToken(body.RootElement.GetProperty("access_token").GetString());
        jwt.Alg.ShouldBe("HS256");
        jwt.Subject.ShouldBe("SE2321000032-U0007");
        jwt.Claims.Where(c => c.Type == ClaimNames.Role).Select(c => c.Value).ShouldBe([Roles.UnitManager]);
        jwt.Claims.Where(c => c.Type == ClaimNames.Unit).Select(c => c.Value).ShouldBe(["HT-NORR", "HT-SYD"], ignoreOrder: true);
        jwt.GetClaim(ClaimNames.Name).Value.ShouldBe("Åsa Öberg");
        (jwt.ValidTo - jwt.IssuedAt).ShouldBe(TimeSpan.FromHours(8));
    }

    [Fact]
    public async Task a_wrong_password_an_unknown_user_and_a_disabled_account_all_get_the_same_401()
    {
        var account = await AuthKit.CreateAccountAsync(Store, [Roles.Security]);
        await ShouldBeProblem(await RequestToken(account.Username, account.Password + "x"), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await RequestToken("nobody-" + Guid.NewGuid().ToString("N")[..8], account.Password), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await RequestToken(account.Username, ""), HttpStatusCode.Unauthorized);

        await using (var session = Store.LightweightSession())
            await AccountCommands.DisableAsync(session, account.Username, "left the organisation", "test", SystemClock.Instance.GetCurrentInstant());
        await ShouldBeProblem(await RequestToken(account.Username, account.Password), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task api_calls_without_a_valid_token_are_401_with_problem_details()
    {
        var none = await GetMe(null);
        await ShouldBeProblem(none, HttpStatusCode.Unauthorized);
        none.Headers.WwwAuthenticate.ShouldContain(h => h.Scheme == "Bearer");

        await ShouldBeProblem(await GetMe("not-a-token"), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await _anonymous.GetAsync("/api/admin/accounts"), HttpStatusCode.Unauthorized);
        (await _anonymous.GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task me_reflects_the_claims_of_the_token()
    {
        var (http, account) = await AuthKit.LoginAsync(_app, [Roles.UnitManager], ["HT-SYD", "HT-NORR"], userId: "SE2321000032-U0009", name: "Nils Nattchef");
        using var _ = http;
        var me = await http.GetFromJsonAsync<Me>("/api/me", ApiJson.Options);
        me.ShouldBe(new Me("SE2321000032-U0009", "Nils Nattchef", account.Username, [Roles.UnitManager], ["HT-NORR", "HT-SYD"]), new MeComparer());
    }

    [Fact]
    public async Task a_token_stops_working_when_its_account_is_disabled_or_changed()
    {
        var (disabledClient, disabled) = await AuthKit.LoginAsync(_app, [Roles.Security]);
        var (changedClient, changed) = await AuthKit.LoginAsync(_app, [Roles.UnitManager], ["HT-NORR"]);
        (await disabledClient.GetAsync("/api/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await changedClient.GetAsync("/api/me")).StatusCode.ShouldBe(HttpStatusCode.OK);

        await using (var session = Store.LightweightSession())
        {
            var now = SystemClock.Instance.GetCurrentInstant();
            await AccountCommands.DisableAsync(session, disabled.Username, null, "test", now);
            await AccountCommands.ChangeRolesAsync(session, changed.Username, [Roles.UnitManager], ["HT-SYD"], "test", now);
        }
        await ShouldBeProblem(await disabledClient.GetAsync("/api/me"), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await changedClient.GetAsync("/api/me"), HttpStatusCode.Unauthorized);

        // A new login carries the new units.
        using var again = AuthKit.Anonymous(_app);
        again.DefaultRequestHeaders.Authorization = new("Bearer", await AuthKit.TokenAsync(again, changed.Username, changed.Password));
        (await again.GetFromJsonAsync<Me>("/api/me", ApiJson.Options))!.Units.ShouldBe(["HT-SYD"]);
    }

    [Fact]
    public async Task tokens_that_are_expired_foreign_or_unsigned_are_refused()
    {
        var account = await AuthKit.CreateAccountAsync(Store, [Roles.Administrator]);
        Account stored;
        await using (var session = Store.QuerySession())
            stored = (await session.LoadAsync<Account>(Account.StreamId(account.Username)))!;
        var key = _app.Services.GetRequiredService<SigningKey>().Key;
        var claims = new ClaimsIdentity([
            new Claim(ClaimNames.UserId, account.UserId), new Claim(ClaimNames.Role, Roles.Administrator),
            new Claim(TokenIssuer.UsernameClaim, account.Username), new Claim(TokenIssuer.AccountVersionClaim, stored.Version.ToString()),
        ]);
        string Token(SecurityKey signingKey, DateTime expires, string issuer = "logcontrol") => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer, Audience = "logcontrol", Subject = claims, IssuedAt = expires.AddHours(-1), NotBefore = expires.AddHours(-1), Expires = expires,
            SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.HmacSha256),
        });

        // The control: hand-made with the server's key, the token is accepted.
        (await GetMe(Token(key, DateTime.UtcNow.AddHours(1)))).StatusCode.ShouldBe(HttpStatusCode.OK);
        await ShouldBeProblem(await GetMe(Token(key, DateTime.UtcNow.AddMinutes(-5))), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await GetMe(Token(new SymmetricSecurityKey(new byte[64]), DateTime.UtcNow.AddHours(1))), HttpStatusCode.Unauthorized);
        await ShouldBeProblem(await GetMe(Token(key, DateTime.UtcNow.AddHours(1), issuer: "someone-else")), HttpStatusCode.Unauthorized);
        var unsigned = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            { Issuer = "logcontrol", Audience = "logcontrol", Subject = claims, Expires = DateTime.UtcNow.AddHours(1) });
        await ShouldBeProblem(await GetMe(unsigned), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task the_generated_signing_key_is_readable_only_by_its_owner()
    {
        _ = _app.Services.GetRequiredService<SigningKey>().Key;
        File.Exists(SigningKey.DefaultPath).ShouldBeTrue();
        if (!OperatingSystem.IsWindows())
            File.GetUnixFileMode(SigningKey.DefaultPath).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Fact]
    public async Task passwords_are_stored_only_as_salted_hashes()
    {
        var account = await AuthKit.CreateAccountAsync(Store, [Roles.Employee]);
        var events = await IngestTestKit.CountAsync(Store,
            $"select count(*) from lc.mt_events where type like 'account_%' and data::text like '%{account.Password}%'");
        events.ShouldBe(0);
        var docs = await IngestTestKit.CountAsync(Store, $"select count(*) from lc.mt_doc_account where data::text like '%{account.Password}%'");
        docs.ShouldBe(0);
    }

    private sealed class MeComparer : IEqualityComparer<Me>
    {
        public bool Equals(Me? x, Me? y) => x != null && y != null && x.UserId == y.UserId && x.Name == y.Name && x.Username == y.Username
                                            && x.Roles.SequenceEqual(y.Roles) && x.Units.SequenceEqual(y.Units);
        public int GetHashCode(Me obj) => obj.UserId.GetHashCode();
    }
}
