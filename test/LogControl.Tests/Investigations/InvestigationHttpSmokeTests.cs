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
/// problem details with their code; callers carry real bearer tokens per role (security writes, a manager and the
/// auditor are refused, anonymous gets 401).
/// </summary>
public sealed class InvestigationHttpSmokeTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static HttpRequestMessage Req(HttpMethod method, string url, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (body != null) request.Content = JsonContent.Create(body);
        return request;
    }

    [Fact]
    public async Task open_read_refuse_and_conclude_over_http()
    {
        var app = await AuthKit.StartServerAsync(db.ConnectionString, "--Reviews:Sweep=false");
        try
        {
            using var sec = await AuthKit.AsSecurityAsync(app);
            using var mgr = await AuthKit.AsManagerAsync(app, "HT-1");
            using var aud = await AuthKit.ClientAsync(app, Roles.Auditor);
            using var anonymous = AuthKit.Anonymous(app);

            var opened = await sec.SendAsync(Req(HttpMethod.Post, "/api/investigations",
                new { subjectUserId = "U-HTTP", reason = "anonymous tip" }));
            opened.StatusCode.ShouldBe(HttpStatusCode.Created);
            var id = opened.Headers.Location!.ToString().Split('/').Last();

            var again = await sec.SendAsync(Req(HttpMethod.Post, "/api/investigations",
                new { subjectUserId = "U-HTTP", reason = "again" }));
            again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            var problem = JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement;
            problem.GetProperty("code").GetString().ShouldBe(InvestigationCodes.AlreadyOpen);
            problem.GetProperty("investigationId").GetString().ShouldBe(id);

            (await mgr.SendAsync(Req(HttpMethod.Post, $"/api/investigations/{id}/notes", new { text = "x" })))
                .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await aud.SendAsync(Req(HttpMethod.Post, $"/api/investigations/{id}/notes", new { text = "x" })))
                .StatusCode.ShouldBe(HttpStatusCode.Forbidden);

            (await sec.SendAsync(Req(HttpMethod.Post, $"/api/investigations/{id}/decisions",
                new { kind = "lex_sarah", on = "2026-01-15", reference = "LS-1" }))).StatusCode.ShouldBe(HttpStatusCode.OK);
            var unknownKind = await sec.SendAsync(Req(HttpMethod.Post, $"/api/investigations/{id}/decisions",
                new { kind = "gossip", on = "2026-01-15" }));
            unknownKind.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            JsonDocument.Parse(await unknownKind.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString()
                .ShouldBe(InvestigationCodes.UnknownDecisionKind);

            var breach = await sec.SendAsync(Req(HttpMethod.Post, $"/api/investigations/{id}/breach",
                new { awareAt = "2026-01-15T08:00:00Z" }));
            breach.StatusCode.ShouldBe(HttpStatusCode.OK);
            var deadlines = JsonDocument.Parse(await (await aud.SendAsync(Req(HttpMethod.Get, "/api/investigations/breaches")))
                .Content.ReadAsStringAsync()).RootElement;
            deadlines.EnumerateArray().Single().GetProperty("deadline").GetString().ShouldBe("2026-01-18T08:00:00Z");

            var details = await aud.SendAsync(Req(HttpMethod.Get, $"/api/investigations/{id}"));
            details.StatusCode.ShouldBe(HttpStatusCode.OK);
            var json = JsonDocument.Parse(await details.Content.ReadAsStringAsync()).RootElement;
            var investigation = json.GetProperty("investigation");
            investigation.GetProperty("status").GetString().ShouldBe("open");
            investigation.GetProperty("decisions")[0].GetProperty("kind").GetString().ShouldBe("lex_sarah");
            investigation.GetProperty("decisions")[0].GetProperty("on").GetString().ShouldBe("2026-01-15");
            investigation.GetProperty("breach").GetProperty("imyDeadline").GetString().ShouldBe("2026-01-18T08:00:00Z");
            json.GetProperty("timeline").GetArrayLength().ShouldBe(0);

            var conclusion = await sec.SendAsync(Req(HttpMethod.Post, $"/api/investigations/{id}/conclusion",
                new { outcome = "no_misuse", summary = "explained" }));
            conclusion.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            JsonDocument.Parse(await conclusion.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString()
                .ShouldBe(InvestigationCodes.BreachImpliesMisuse);

            (await anonymous.SendAsync(Req(HttpMethod.Get, "/api/investigations"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            var list = JsonDocument.Parse(await (await sec.SendAsync(Req(HttpMethod.Get, "/api/investigations?status=open")))
                .Content.ReadAsStringAsync()).RootElement;
            list.EnumerateArray().Single().GetProperty("subjectUserId").GetString().ShouldBe("U-HTTP");
            (await sec.SendAsync(Req(HttpMethod.Get, $"/api/investigations/{Guid.NewGuid()}")))
                .StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
