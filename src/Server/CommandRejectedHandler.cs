using LogControl.Workflow;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace LogControl.Server;

/// <summary>A command an aggregate refused becomes problem details with the invariant's code, not a 500.</summary>
public sealed class CommandRejectedHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var rejected = exception as CommandRejected ?? exception.InnerException as CommandRejected;
        if (rejected == null) return false;
        context.Response.StatusCode = rejected.Status;
        var problem = new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = rejected,
            ProblemDetails =
            {
                Status = rejected.Status,
                Title = rejected.Status switch { 403 => "Forbidden", 404 => "Not found", 400 => "Bad request", _ => "Command rejected" },
                Detail = rejected.Message,
                Type = $"https://logcontrol.local/problems/{rejected.Code}",
                Extensions = { ["code"] = rejected.Code },
            },
        };
        foreach (var (key, value) in rejected.Details) problem.ProblemDetails.Extensions[key] = value;
        return await problems.TryWriteAsync(problem);
    }
}
