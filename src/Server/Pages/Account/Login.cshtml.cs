using LogControl.Server.Security;
using LogControl.Server.Web;
using LogControl.Workflow.Accounts;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogControl.Server.Pages.Account;

/// <summary>Logga in: a local account's username and password for the browser's cookie (the same check as POST /api/auth/token).</summary>
public sealed class LoginModel(IQuerySession session, IOptions<AuthSettings> settings, ILogger<LoginModel> log) : UiPage
{
    public bool LocalAccounts => settings.Value.LocalAccounts;
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    [BindProperty] public string? Username { get; set; }
    [BindProperty] public string? Password { get; set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!LocalAccounts) return NotFound();
        var (account, failure) = await AccountCommands.AuthenticateAsync(session, Username, Password, ct);
        if (account == null)
        {
            log.LogWarning("Refused a browser login for {Username}: {Failure}", Username, failure);
            Error = "Fel användarnamn eller lösenord, eller så är kontot avstängt.";
            Response.StatusCode = 401;
            return Page();
        }
        await WebAuth.SignInAsync(HttpContext, account);
        log.LogInformation("Browser login for {Username} ({UserId}, roles {Roles})", account.Username, account.UserId, account.Roles);
        // Only a local path: never send the browser on to another site after logging in.
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }
}
