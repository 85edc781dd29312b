using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using LogControl.Server.Security;
using LogControl.Tests.Support;
using LogControl.Workflow.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LogControl.Tests.Security;

/// <summary>
/// An external OpenID Connect provider: a small stand-in publishes discovery and signing keys on loopback, the real
/// host is pointed at it with Auth:Authority, and its tokens (with the provider's own claim names) are mapped onto ours.
/// </summary>
public sealed class ExternalIdentityProviderTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string Audience = "logcontrol-api";
    private readonly RSA _rsa = RSA.Create(2048);
    private WebApplication _idp = null!;
    private WebApplication _app = null!;
    private string _authority = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _idp = builder.Build();
        _idp.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = _authority, ["jwks_uri"] = _authority + "/jwks", ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        _idp.MapGet("/jwks", () =>
        {
            var p = _rsa.ExportParameters(false);
            return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = "idp-1",
                n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) } } });
        });
        await _idp.StartAsync();
        _authority = AuthKit.BaseAddress(_idp).ToString().TrimEnd('/');

        _app = await AuthKit.StartServerAsync(db.ConnectionString,
            $"--Auth:Authority={_authority}", $"--Auth:Audience={Audience}", "--Auth:RequireHttpsMetadata=false",
            "--Auth:UserIdClaim=hsa_id", "--Auth:RoleClaim=groups", "--Auth:UnitClaim=enheter", "--Auth:RoleMap:LC-Chefer=unit_manager");
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _idp.StopAsync();
        await _idp.DisposeAsync();
        _rsa.Dispose();
    }

    private string Token(IEnumerable<Claim> claims, string? audience = Audience, RSA? key = null, string? issuer = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? _authority, Audience = audience, Subject = new ClaimsIdentity(claims), Expires = DateTime.UtcNow.AddMinutes(30),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key ?? _rsa) { KeyId = "idp-1" }, SecurityAlgorithms.RsaSha256),
        });

    private static Claim[] Manager(string hsaId = "SE2321000032-U0007") =>
    [
        new("hsa_id", hsaId), new("name", "Extern Chef"), new("sub", "idp-internal-42"),
        new("groups", "LC-Chefer"), new("groups", "Alla-anstallda"), new("enheter", "HT-NORR"), new("enheter", "HT-NATT"),
    ];

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, string token, object? body = null)
    {
        using var http = AuthKit.Anonymous(_app);
        var request = new HttpRequestMessage(method, path) { Content = body == null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task a_providers_token_is_mapped_onto_our_user_id_roles_and_units()
    {
        var response = await Send(HttpMethod.Get, "/api/me", Token(Manager()));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var me = (await response.Content.ReadFromJsonAsync<Me>(ApiJson.Options))!;
        me.UserId.ShouldBe("SE2321000032-U0007"); // hsa_id, not the provider's own sub
        me.Name.ShouldBe("Extern Chef");
        me.Roles.ShouldBe([Roles.UnitManager]);   // mapped; the unknown group is dropped
        me.Units.ShouldBe(["HT-NATT", "HT-NORR"]);
    }

    [Fact]
    public async Task policies_apply_to_provider_tokens_too()
    {
        var auditor = Token([new Claim("hsa_id", "SE-AUD-1"), new Claim("groups", Roles.Auditor)]);
        (await Send(HttpMethod.Get, "/api/admin/accounts", auditor)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Send(HttpMethod.Post, "/api/admin/accounts", auditor,
            new { username = "x", userId = "U", roles = new[] { Roles.Security } })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task wrong_audience_issuer_key_or_a_missing_user_id_is_401()
    {
        (await Send(HttpMethod.Get, "/api/me", Token(Manager(), audience: "another-app"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Send(HttpMethod.Get, "/api/me", Token(Manager(), issuer: "https://evil.example"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var other = RSA.Create(2048);
        (await Send(HttpMethod.Get, "/api/me", Token(Manager(), key: other))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Send(HttpMethod.Get, "/api/me", Token(Manager().Where(c => c.Type != "hsa_id")))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task local_accounts_keep_working_next_to_the_provider()
    {
        using var admin = await AuthKit.AsAdminAsync(_app);
        (await admin.GetFromJsonAsync<Me>("/api/me", ApiJson.Options))!.Roles.ShouldBe([Roles.Administrator]);
    }
}
