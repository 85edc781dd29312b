using LogControl.Server.Web;
using Microsoft.AspNetCore.Mvc;

namespace LogControl.Server.Pages.Account;

/// <summary>Logga ut: a POST (with its antiforgery token), so no link on another page can log someone out.</summary>
public sealed class LogoutModel : UiPage
{
    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        await WebAuth.SignOutAsync(HttpContext);
        return Redirect(WebAuth.LoginPath);
    }
}
