using Microsoft.AspNetCore.Authorization;

namespace LogControl.Workflow.Security;

/// <summary>
/// The authorization policies every endpoint names, e.g. <c>[Authorize(Policy = Policies.Write)]</c>. Endpoints
/// without an attribute still need an authenticated caller (the host's fallback policy). Unit scope cannot be a
/// policy (the unit is in the request or the aggregate), so handlers check it with <see cref="EnsureMayRead"/>
/// and <see cref="EnsureMayAct"/>, which answer 403 through <see cref="CommandRejected"/>.
/// </summary>
public static class Policies
{
    /// <summary>Any caller with a known role (reading is still limited to the caller's units by the handler).</summary>
    public const string Read = "read";
    /// <summary>Any known role except the auditor: an auditor's token can never change anything.</summary>
    public const string Write = "write";
    public const string Manager = "unit_manager";
    public const string Security = "security";
    public const string Admin = "admin";
    /// <summary>Administrators, and auditors who verify what they did (read-only views of accounts and settings).</summary>
    public const string AdminOrAuditor = "admin_or_auditor";

    public static void AddTo(AuthorizationOptions options)
    {
        options.AddPolicy(Read, p => p.RequireAuthenticatedUser().RequireClaim(ClaimNames.Role, Roles.All));
        options.AddPolicy(Write, p => p.RequireAuthenticatedUser().RequireAssertion(c =>
        {
            var roles = c.User.FindAll(ClaimNames.Role).Select(r => r.Value).ToList();
            return !roles.Contains(Roles.Auditor) && roles.Any(Roles.All.Contains);
        }));
        options.AddPolicy(Manager, p => p.RequireAuthenticatedUser().RequireClaim(ClaimNames.Role, Roles.UnitManager));
        options.AddPolicy(Security, p => p.RequireAuthenticatedUser().RequireClaim(ClaimNames.Role, Roles.Security));
        options.AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireClaim(ClaimNames.Role, Roles.Administrator));
        options.AddPolicy(AdminOrAuditor, p => p.RequireAuthenticatedUser().RequireClaim(ClaimNames.Role, Roles.Administrator, Roles.Auditor));
    }

    /// <summary>Managers of the unit and the roles that see all units (<see cref="Roles.SeeAllUnits"/>) pass; anyone else gets 403.</summary>
    public static void EnsureMayRead(this Actor actor, string unitId)
    {
        if (!actor.MayRead(unitId)) throw CommandRejected.Forbidden($"unit {unitId} is outside your scope");
    }

    /// <summary>Managers of the unit and security staff pass; auditors, administrators and other units' managers get 403.</summary>
    public static void EnsureMayAct(this Actor actor, string unitId)
    {
        if (!actor.MayAct(unitId)) throw CommandRejected.Forbidden($"you may not act on unit {unitId}");
    }
}
