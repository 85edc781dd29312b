using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace LogControl.Server.Security;

/// <summary>
/// 401 and 403 from the authorization middleware as problem details for the API (the schemes only set status and
/// headers). Browser requests get the cookie scheme's own answers: the login page, or the "not allowed" page.
/// </summary>
public sealed class ProblemDetailsAuthorizationResultHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (!SecuritySetup.IsApiRequest(context)) await _default.HandleAsync(next, context, policy, result);
        else if (result.Challenged)
        {
            await ForEachScheme(policy, s => context.ChallengeAsync(s));
            await WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized",
                "A valid bearer token is required (POST /api/auth/token, or a token from the configured identity provider).");
        }
        else if (result.Forbidden)
        {
            await ForEachScheme(policy, s => context.ForbidAsync(s));
            await WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", "Your role does not allow this request.");
        }
        else await _default.HandleAsync(next, context, policy, result);
    }

    private static async Task ForEachScheme(AuthorizationPolicy policy, Func<string?, Task> act)
    {
        if (policy.AuthenticationSchemes.Count == 0) await act(null);
        else foreach (var scheme in policy.AuthenticationSchemes) await act(scheme);
    }

    private async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        if (context.Response.HasStarted) return;
        context.Response.StatusCode = status;
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail, Type = $"https://logcontrol.local/problems/{(status == 401 ? "unauthorized" : "forbidden")}" },
        });
    }
}
