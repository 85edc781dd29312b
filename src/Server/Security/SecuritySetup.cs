using System.Security.Claims;
using LogControl.Server.Ingest;
using LogControl.Workflow.Accounts;
using LogControl.Workflow.Security;
using Marten;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Wolverine.Http;

namespace LogControl.Server.Security;

/// <summary>
/// Authentication and authorization, configured in one place. API callers present a bearer token: a local one from
/// POST /api/auth/token, or one from the external identity provider when Auth:Authority is set. Browsers on the web
/// UI (every path outside /api without an Authorization header) carry a cookie from the login page instead, with the
/// same claims as a local token, so the same policies and unit scope apply. The API never accepts the cookie, so a
/// page on another site cannot make a browser call it (no CSRF on the JSON API); UI forms carry antiforgery tokens. Every endpoint
/// needs an authenticated caller unless it says [AllowAnonymous]; endpoints name a policy from <see cref="Policies"/>.
/// HTTP ingest keeps its per-system API key, checked by the endpoint itself.
/// </summary>
public static class SecuritySetup
{
    /// <summary>The default scheme: forwards each request to the local or the external token scheme.</summary>
    public const string Scheme = JwtBearerDefaults.AuthenticationScheme;
    public const string LocalScheme = "local";
    public const string ExternalScheme = "external";
    /// <summary>The web UI's browser session, issued by the login page (local accounts).</summary>
    public const string CookieScheme = "cookie";
    public const string CookieName = "logcontrol";

    public static void AddLogControlSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthSettings>().Bind(builder.Configuration.GetSection(AuthSettings.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SigningKey>();
        services.AddSingleton<TokenIssuer>();

        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Bearer token", o => o.ForwardDefaultSelector = SelectScheme)
            .AddJwtBearer(LocalScheme, _ => { })
            .AddJwtBearer(ExternalScheme, _ => { })
            .AddCookie(CookieScheme, _ => { });
        services.AddOptions<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(CookieScheme)
            .Configure<IOptions<AuthSettings>>((o, settings) => Web.WebAuth.ConfigureCookie(o, settings.Value));
        services.AddOptions<JwtBearerOptions>(LocalScheme).Configure<SigningKey, IOptions<AuthSettings>>(ConfigureLocal);
        services.AddOptions<JwtBearerOptions>(ExternalScheme).Configure<IOptions<AuthSettings>>(ConfigureExternal);

        services.AddAuthorization(o =>
        {
            Policies.AddTo(o);
            // Secure by default: an endpoint that names no policy still needs an authenticated caller.
            o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        });
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemDetailsAuthorizationResultHandler>();
    }

    public static void UseLogControlSecurity(this WebApplication app)
    {
        // Fail at start-up, not at the first request, on a bad configuration.
        var settings = app.Services.GetRequiredService<IOptions<AuthSettings>>().Value;
        if (settings.ExternalEnabled && string.IsNullOrWhiteSpace(settings.Audience))
            throw new InvalidOperationException("Auth:Authority is set but Auth:Audience is not: tokens of the identity provider need an audience to be accepted");
        if (!settings.ExternalEnabled && !settings.LocalAccounts)
            throw new InvalidOperationException("Auth:LocalAccounts is false and no Auth:Authority is set: nobody could log in");
        if (settings.LocalAccounts) _ = app.Services.GetRequiredService<SigningKey>().Key;

        app.UseAuthentication();
        app.UseAuthorization();
    }

    /// <summary>Wolverine.Http conventions: the ingest endpoints authenticate source systems by API key themselves.</summary>
    public static void ConfigureEndpoints(WolverineHttpOptions opts) =>
        opts.ConfigureEndpoints(chain =>
        {
            if (chain.Method.HandlerType == typeof(IngestEndpoints))
                chain.Metadata.AllowAnonymous().WithMetadata(new ApiKeyAuthentication());
        });

    /// <summary>An API request: under /api, or carrying an Authorization header. Everything else is the browser UI.</summary>
    public static bool IsApiRequest(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api") || context.Request.Headers.Authorization.Count > 0;

    private static string SelectScheme(HttpContext context)
    {
        if (!IsApiRequest(context)) return CookieScheme;
        var settings = context.RequestServices.GetRequiredService<IOptions<AuthSettings>>().Value;
        if (!settings.ExternalEnabled) return LocalScheme;
        if (!settings.LocalAccounts) return ExternalScheme;
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                // Only routes the token; the chosen scheme validates it.
                if (new JsonWebToken(header[7..].Trim()).Issuer == settings.Issuer) return LocalScheme;
            }
            catch (ArgumentException)
            {
                // Not a JWT: the external scheme rejects it like any other bad token.
            }
        }
        return ExternalScheme;
    }

    private static void ConfigureLocal(JwtBearerOptions o, SigningKey key, IOptions<AuthSettings> settings)
    {
        var s = settings.Value;
        o.MapInboundClaims = false; // keep sub/role/unit/name as issued
        o.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = s.Issuer,
            ValidAudience = s.Issuer,
            IssuerSigningKey = key.Key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            NameClaimType = ClaimNames.Name,
            RoleClaimType = ClaimNames.Role,
            ClockSkew = TimeSpan.FromMinutes(1),
        };
        o.Events = new JwtBearerEvents { OnTokenValidated = CheckAccountUnchangedAsync };
    }

    /// <summary>A local token is honoured only while its account exists, is enabled and is unchanged since issue.</summary>
    private static async Task CheckAccountUnchangedAsync(TokenValidatedContext context)
    {
        if (context.Principal?.FindFirst(TokenIssuer.UsernameClaim) == null || context.Principal.FindFirst(TokenIssuer.AccountVersionClaim) == null)
            context.Fail("the token does not name an account");
        else if (!await AccountUnchangedAsync(context.HttpContext, context.Principal))
            context.Fail("the account was disabled or changed after this token was issued");
    }

    /// <summary>The principal's account exists, is enabled and has the version it had when the token or cookie was issued.</summary>
    internal static async Task<bool> AccountUnchangedAsync(HttpContext http, ClaimsPrincipal principal)
    {
        var username = principal.FindFirst(TokenIssuer.UsernameClaim)?.Value;
        var version = principal.FindFirst(TokenIssuer.AccountVersionClaim)?.Value;
        if (username == null || version == null) return false;
        await using var session = http.RequestServices.GetRequiredService<IDocumentStore>().QuerySession();
        var account = await session.LoadAsync<Account>(Account.StreamId(username), http.RequestAborted);
        return account != null && !account.Disabled && account.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) == version;
    }

    private static void ConfigureExternal(JwtBearerOptions o, IOptions<AuthSettings> settings)
    {
        var s = settings.Value;
        if (!s.ExternalEnabled) return;
        o.Authority = s.Authority;
        o.Audience = s.Audience;
        o.RequireHttpsMetadata = s.RequireHttpsMetadata;
        o.MapInboundClaims = false;
        o.TokenValidationParameters.NameClaimType = s.NameClaim;
        o.TokenValidationParameters.RoleClaimType = s.RoleClaim;
        o.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                var mapped = MapExternal(context.Principal!, s);
                if (mapped == null) context.Fail($"the token has no '{s.UserIdClaim}' claim");
                else context.Principal = mapped;
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>
    /// The provider's claims translated to ours. Only our claim types survive, and only roles we know, so a
    /// provider's unrelated roles or a claim that happens to be called "role" cannot grant anything unintended.
    /// </summary>
    internal static ClaimsPrincipal? MapExternal(ClaimsPrincipal principal, AuthSettings s)
    {
        var userId = principal.FindFirst(s.UserIdClaim)?.Value;
        if (string.IsNullOrWhiteSpace(userId)) return null;
        var claims = new List<Claim> { new(ClaimNames.UserId, userId) };
        if (principal.FindFirst(s.NameClaim)?.Value is { Length: > 0 } name) claims.Add(new(ClaimNames.Name, name));
        claims.AddRange(principal.FindAll(s.RoleClaim)
            .Select(c => s.RoleMap.GetValueOrDefault(c.Value, c.Value))
            .Where(Roles.All.Contains).Distinct().Select(r => new Claim(ClaimNames.Role, r)));
        claims.AddRange(principal.FindAll(s.UnitClaim).Select(c => c.Value).Distinct().Select(u => new Claim(ClaimNames.Unit, u)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, ExternalScheme, ClaimNames.Name, ClaimNames.Role));
    }
}

/// <summary>Endpoint metadata: authenticated by a source system's API key (X-Api-Key), not a bearer token.</summary>
public sealed class ApiKeyAuthentication;
