using LogControl.Workflow;
using LogControl.Workflow.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LogControl.Server.Web;

/// <summary>What every page shares: the signed-in actor, and a refusal shown in Swedish with its status.</summary>
public abstract class UiPage : PageModel
{
    public Actor Actor => Actor.From(User);

    /// <summary>The refusal of the last command, in Swedish, shown next to the form that sent it.</summary>
    public string? Error { get; set; }

    /// <summary>403/404 are rendered by the error page (status-code pages), so no data of the refused resource leaks.</summary>
    protected IActionResult Refused(CommandRejected r) => StatusCode(r.Status is 403 or 404 ? r.Status : 400);

    protected static CommandRejected? AsRejected(Exception e) => e as CommandRejected ?? e.InnerException as CommandRejected;
}
