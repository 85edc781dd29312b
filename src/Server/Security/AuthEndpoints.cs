using System.Security.Claims;
using LogControl.Workflow.Accounts;
using LogControl.Workflow.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wolverine.Http;

namespace LogControl.Server.Security;

public sealed record TokenRequest(string? Username, string? Password);

/// <summary>Who the caller is, as every endpoint sees them.</summary>
public sealed record Me(string UserId, string? Name, string? Username, IReadOnlyList<string> Roles, IReadOnlyList<string> Units);

public static class AuthEndpoints
{
    /// <summary>A local account's username and password for a bearer token. Every failure is the same 401.</summary>
    [WolverinePost("/api/auth/token")]
    [AllowAnonymous]
    [ProducesResponseType<TokenResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    public static async Task<IResult> Token(TokenRequest request, IQuerySession session, TokenIssuer issuer, IOptions<AuthSettings> settings,
        ILogger<TokenIssuer> log, CancellationToken ct)
    {
        if (!settings.Value.LocalAccounts)
            return Results.Problem(statusCode: 404, title: "Not found", detail: "Local accounts are switched off; get a token from the identity provider.");
        var (account, failure) = await AccountCommands.AuthenticateAsync(session, request.Username, request.Password, ct);
        if (account == null)
        {
            log.LogWarning("Refused a token for {Username}: {Failure}", request.Username, failure);
            return Results.Problem(statusCode: 401, title: "Unauthorized", detail: "Unknown username, wrong password or disabled account.");
        }
        log.LogInformation("Issued a token for {Username} ({UserId}, roles {Roles})", account.Username, account.UserId, account.Roles);
        return Results.Ok(issuer.Issue(account));
    }

    /// <summary>Needs only an authenticated caller (the fallback policy), so it also shows a token whose roles did not map.</summary>
    [WolverineGet("/api/me")]
    public static Me Me(ClaimsPrincipal user)
    {
        var actor = Actor.From(user);
        return new Me(actor.UserId, actor.Name, user.FindFirst(TokenIssuer.UsernameClaim)?.Value,
            Roles.All.Where(actor.Roles.Contains).ToList(), actor.Units.Order(StringComparer.Ordinal).ToList());
    }
}
