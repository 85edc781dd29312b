using System.Security.Claims;

namespace LogControl.Workflow.Security;

/// <summary>The roles of contracts and domain: who may do what in the workflow.</summary>
public static class Roles
{
    public const string UnitManager = "unit_manager";
    public const string Security = "security";
    public const string Auditor = "auditor";
    public const string Administrator = "admin";
    public const string Employee = "employee";

    public static readonly string[] All = [UnitManager, Security, Auditor, Administrator, Employee];

    /// <summary>The roles that read every unit (unit managers read only the units they manage).</summary>
    public static readonly string[] SeeAllUnits = [Security, Auditor, Administrator];
}

/// <summary>Claim types the authentication handlers put on every principal.</summary>
public static class ClaimNames
{
    /// <summary>The user's id in the care record system (the user_id of access logs), e.g. an HSA id.</summary>
    public const string UserId = "sub";
    public const string Role = "role";
    /// <summary>A unit the user manages (unit managers): one claim per unit.</summary>
    public const string Unit = "unit";
    public const string Name = "name";
}

/// <summary>The authenticated caller as the workflow sees it.</summary>
public sealed record Actor(string UserId, string? Name, IReadOnlySet<string> Roles, IReadOnlySet<string> Units)
{
    public bool Is(string role) => Roles.Contains(role);
    public bool ManagesUnit(string unitId) => Is(Security.Roles.UnitManager) && Units.Contains(unitId);
    /// <summary>Internal audit reads everything; security staff read across units; managers their own units.</summary>
    public bool MayRead(string unitId) => Is(Security.Roles.Auditor) || Is(Security.Roles.Security) || Is(Security.Roles.Administrator) || ManagesUnit(unitId);
    /// <summary>Acting on a unit's reviews and cases: its managers and security staff (across units); never an auditor.</summary>
    public bool MayAct(string unitId) => !Is(Security.Roles.Auditor) && (Is(Security.Roles.Security) || ManagesUnit(unitId));

    public static Actor From(ClaimsPrincipal principal) => new(
        principal.FindFirst(ClaimNames.UserId)?.Value ?? principal.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? "",
        principal.FindFirst(ClaimNames.Name)?.Value,
        principal.FindAll(ClaimNames.Role).Concat(principal.FindAll(ClaimTypes.Role)).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
        principal.FindAll(ClaimNames.Unit).Select(c => c.Value).ToHashSet(StringComparer.Ordinal));
}
