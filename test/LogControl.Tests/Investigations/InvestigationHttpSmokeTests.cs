using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using LogControl.Server;
using LogControl.Tests.Support;
using LogControl.Workflow.Investigations;
using LogControl.Workflow.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace LogControl.Tests.Investigations;

/// <summary>
/// The endpoints are wired: routes, bodies and answers in the API's JSON (ISO dates, snake_case enums), refusals as
/// problem details with their code. The caller's roles come from a test-only middleware (X-Test-User / X-Test-Roles)
/// standing in for the authentication that is being built elsewhere; the role tests proper come with it.
/// </summary>
public sealed class InvestigationHttpSmokeTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private sealed class TestPrincipal : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (context.Request.Headers["X-Test-User"].FirstOrDefault() is { } user)
                {
                    var claims = new List<Claim> { new(ClaimNames.UserId, user) };
                    claims.AddRange((context.Request.Headers["X-Test-Roles"].FirstOrDefault() ?? "")
                        .Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => new Claim(ClaimNames.Role, r)));
                    context.User = new ClaimsPrincipal(new ClaimsIdentity(claims, "test"));
                }
                await nextMiddleware();
            });
            next(app);
        };
    }

    private static HttpRequestMessage As(string user, string roles, HttpMethod method, string url, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add("X-Test-User", user);
        request.Headers.Add("X-Test-Roles", roles);
        if (body != null) request.Content = JsonContent.Create(body);
        return request;
    }

    [Fact]
    public async Task open_read_refuse_and_conclude_over_http()
    {
        var app = LogControlServer.Build(db.ConnectionString, urls: "http://127.0.0.1:0",
            configure: b => b.Services.AddSingleton<IStartupFilter, TestPrincipal>());
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(address) };

            var opened = await http.SendAsync(As("SEC-1", Roles.Security, HttpMethod.Post, "/api/investigations",
                new { subjectUserId = "U-HTTP", reason = "anonymous tip" }));
            opened.StatusCode.ShouldBe(HttpStatusCode.Created);
            var id = opened.Headers.Location!.ToString().Split('/').Last();

            var again = await http.SendAsync(As("SEC-1", Roles.Security, HttpMethod.Post, "/api/investigations",
                new { subjectUserId = "U-HTTP", reason = "again" }));
            again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            var problem = JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement;
            problem.GetProperty("code").GetString().ShouldBe(InvestigationCodes.AlreadyOpen);
            problem.GetProperty("investigationId").GetString().ShouldBe(id);

            (await http.SendAsync(As("MGR-1", Roles.UnitManager, HttpMethod.Post, $"/api/investigations/{id}/notes", new { text = "x" })))
                .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await http.SendAsync(As("AUD-1", Roles.Auditor, HttpMethod.Post, $"/api/investigations/{id}/notes", new { text = "x" })))
                .StatusCode.ShouldBe(HttpStatusCode.Forbidden);

            (await http.SendAsync(As("SEC-1", Roles.Security, HttpMethod.Post, $"/api/investigations/{id}/decisions",
                new { kind = "lex_sarah", on = "2026-01-15", reference = "LS-1" }))).StatusCode.ShouldBe(HttpStatusCode.OK);
            var unknownKind = await http.SendAsync(As("SEC-1", Roles.Security, HttpMethod.Post, $"/api/investigations/{id}/decisions",
                new { kind = "gossip", on = "2026-01-15" }));
            unknownKind.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            JsonDocument.Parse(await unknownKind.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString()
                .ShouldBe(InvestigationCodes.UnknownDecisionKind);

            var breach = await http.SendAsync(As("SEC-1", Roles.Security, HttpMethod.Post, $"/api/investigations/{id}/breach",
                new { awareAt = "2026-01-15T08:00:00Z" }));
            breach.StatusCode.ShouldBe(HttpStatusCode.OK);
            var deadlines = JsonDocument.Parse(await (await http.SendAsync(As("AUD-1", Roles.Auditor, HttpMethod.Get, "/api/investigations/breaches")))
                .Content.ReadAsStringAsync()).RootElement;
            deadlines.EnumerateArray().Single().GetProperty("deadline").GetString().ShouldBe("2026-01-18T08:00:00Z");

            var details = await http.SendAsync(As("AUD-1", Roles.Auditor, HttpMethod.Get, $"/api/investigations/{id}"));
            details.StatusCode.ShouldBe(HttpStatusCode.OK);
            var json = JsonDocument.Parse(await details.Content.ReadAsStringAsync()).RootElement;
            var investigation = json.GetProperty("investigation");
            investigation.GetProperty("status").GetString().ShouldBe("open");
            investigation.GetProperty("decisions")[0].GetProperty("kind").GetString().ShouldBe("lex_sarah");
            investigation.GetProperty("decisions")[0].GetProperty("on").GetString().ShouldBe("2026-01-15");
            investigation.GetProperty("breach").GetProperty("imyDeadline").GetString().ShouldBe("2026-01-18T08:00:00Z");
            json.GetProperty("timeline").GetArrayLength().ShouldBe(0);

            var conclusion = await http.SendAsync(As("SEC-1", Roles.Security, HttpMethod.Post, $"/api/investigations/{id}/conclusion",
                new { outcome = "no_misuse", summary = "explained" }));
            conclusion.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            JsonDocument.Parse(await conclusion.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString()
                .ShouldBe(InvestigationCodes.BreachImpliesMisuse);

            (await http.SendAsync(As("NOBODY", "", HttpMethod.Get, "/api/investigations"))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            var list = JsonDocument.Parse(await (await http.SendAsync(As("SEC-1", Roles.Security, HttpMethod.Get, "/api/investigations?status=open")))
                .Content.ReadAsStringAsync()).RootElement;
            list.EnumerateArray().Single().GetProperty("subjectUserId").GetString().ShouldBe("U-HTTP");
            (await http.SendAsync(As("SEC-1", Roles.Security, HttpMethod.Get, $"/api/investigations/{Guid.NewGuid()}")))
                .StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
