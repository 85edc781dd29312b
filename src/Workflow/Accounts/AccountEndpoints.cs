using System.Security.Claims;
using LogControl.Workflow.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace LogControl.Workflow.Accounts;

/// <summary>The reason is kept in the AccountDisabled event.</summary>
public sealed record DisableAccount(string? Reason);

/// <summary>Account administration over HTTP: the same commands as `logctl users`, recorded with the administrator's user id.</summary>
public static class AccountEndpoints
{
    /// <summary>Creates a local account. Without a password one is generated and returned in this answer only.</summary>
    [WolverinePost("/api/admin/accounts")]
    [Authorize(Policy = Policies.Admin)]
    [ProducesResponseType<CreatedAccount>(StatusCodes.Status201Created)]
    public static async Task<IResult> Create(NewAccount request, IDocumentSession session, ClaimsPrincipal user, CancellationToken ct)
    {
        var created = await AccountCommands.CreateAsync(session, request, Actor.From(user).UserId, SystemClock.Instance.GetCurrentInstant(), ct);
        return TypedResults.Created($"/api/admin/accounts/{created.Account.Username}", created);
    }

    [WolverineGet("/api/admin/accounts")]
    [Authorize(Policy = Policies.AdminOrAuditor)]
    public static Task<IReadOnlyList<AccountView>> List(IQuerySession session, CancellationToken ct) =>
        AccountCommands.ListAsync(session, ct);

    /// <summary>Disables an account: it can no longer get tokens, and its tokens already issued stop working.</summary>
    [WolverinePost("/api/admin/accounts/{username}/disable")]
    [Authorize(Policy = Policies.Admin)]
    public static Task<AccountView> Disable(string username, DisableAccount request, IDocumentSession session, ClaimsPrincipal user, CancellationToken ct) =>
        AccountCommands.DisableAsync(session, username, request.Reason, Actor.From(user).UserId, SystemClock.Instance.GetCurrentInstant(), ct);
}
