using LogControl.Workflow.Security;

namespace LogControl.Server.Web;

/// <summary>Who reads investigations and cross-client timelines: the same rule as the investigations API (security staff and internal audit).</summary>
public static class Readers
{
    public static bool MayReadInvestigations(Actor actor) => actor.Is(Roles.Security) || actor.Is(Roles.Auditor);
}
