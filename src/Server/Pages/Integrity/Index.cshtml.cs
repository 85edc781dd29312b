using LogControl.Server.Web;
using LogControl.Workflow.Security;
using Microsoft.AspNetCore.Authorization;

namespace LogControl.Server.Pages.Integrity;

/// <summary>
/// Integritet: where internal audit will see whether the stored event history is intact.
/// PLACEHOLDER: to be wired to the integrity checkpoint status (src/Integrity, `logctl verify`); nothing is checked here yet.
/// </summary>
[Authorize(Policy = Policies.AdminOrAuditor)]
public sealed class IndexModel : UiPage
{
    public void OnGet() { }
}
