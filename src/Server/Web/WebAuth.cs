using System.Security.Claims;
using LogControl.Server.Security;
using LogControl.Workflow.Accounts;
using LogControl.Workflow.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;

namespace LogControl.Server.Web;

/// <summary>The browser's session: a cookie with the claims of a local token (same policies, same unit scope, same revocation).</summary>
public static class WebAuth
{
    public const string LoginPath = "/logga-in";
    public const string LogoutPath = "/logga-ut";

    public static void ConfigureCookie(CookieAuthenticationOptions o, AuthSettings settings)
    {
        o.LoginPath = LoginPath;
        o.LogoutPath = LogoutPath;
        o.ReturnUrlParameter = "returnUrl";
        o.Cookie.Name = SecuritySetup.CookieName;
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Lax;
        o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // loopback demo over http; https in production
        o.ExpireTimeSpan = settings.TokenLifetime;
        o.SlidingExpiration = false;
        o.Events = new CookieAuthenticationEvents
        {
            // Like a token: disabling or changing the account ends its browser sessions at once.
            OnValidatePrincipal = async context =>
            {
                if (context.Principal == null || !await SecuritySetup.AccountUnchangedAsync(context.HttpContext, context.Principal))
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(SecuritySetup.CookieScheme);
                }
            },
            // A page the role may not see answers 403 in place (rendered by the error page), not a redirect.
            OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            },
        };
    }

    public static Task SignInAsync(HttpContext http, Account account) =>
        http.SignInAsync(SecuritySetup.CookieScheme,
            new ClaimsPrincipal(new ClaimsIdentity(TokenIssuer.ClaimsOf(account), SecuritySetup.CookieScheme, ClaimNames.Name, ClaimNames.Role)));

    public static Task SignOutAsync(HttpContext http) => http.SignOutAsync(SecuritySetup.CookieScheme);
}
