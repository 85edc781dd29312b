using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LogControl.Server.Ingest;
using LogControl.Tests.Support;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using static LogControl.Tests.Support.IngestTestKit;

namespace LogControl.Tests.Security;

/// <summary>With authentication switched on: the OpenAPI document stays open and describes it, and ingest keeps its API keys.</summary>
public sealed class OpenApiAndIngestTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _anonymous = null!;

    public async Task InitializeAsync()
    {
        _app = await AuthKit.StartServerAsync(db.ConnectionString);
        _anonymous = AuthKit.Anonymous(_app);
    }

    public async Task DisposeAsync()
    {
        _anonymous.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task the_openapi_document_is_open_lists_the_endpoints_and_declares_the_schemes()
    {
        var response = await _anonymous.GetAsync("/openapi/v1.json");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldNotContain("IResult"); // an endpoint's opaque IResult is no schema for clients
        using var doc = JsonDocument.Parse(text);
        var paths = doc.RootElement.GetProperty("paths");
        foreach (var path in new[] { "/api/me", "/api/auth/token", "/api/admin/accounts", "/api/ingest/csv" })
            paths.TryGetProperty(path, out _).ShouldBeTrue(path);

        var schemes = doc.RootElement.GetProperty("components").GetProperty("securitySchemes");
        var bearer = schemes.GetProperty("Bearer");
        bearer.GetProperty("type").GetString().ShouldBe("http");
        bearer.GetProperty("scheme").GetString().ShouldBe("bearer");
        bearer.GetProperty("bearerFormat").GetString().ShouldBe("JWT");
        schemes.GetProperty("ApiKey").GetProperty("name").GetString().ShouldBe("X-Api-Key");

        string[] Security(string path, string method) =>
            paths.GetProperty(path).GetProperty(method).TryGetProperty("security", out var s)
                ? s.EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name)).ToArray() : [];
        Security("/api/me", "get").ShouldBe(["Bearer"]);
        Security("/api/admin/accounts", "post").ShouldBe(["Bearer"]);
        Security("/api/auth/token", "post").ShouldBeEmpty();
        Security("/api/ingest/csv", "post").ShouldBe(["ApiKey"]);
        paths.GetProperty("/api/auth/token").GetProperty("post").GetProperty("responses").GetProperty("200").GetRawText().ShouldContain("TokenResponse");
    }

    [Fact]
    public async Task ingest_with_an_api_key_needs_no_bearer_token_and_a_bearer_token_is_no_api_key()
    {
        var key = await SourceSystemKey.IssueAsync(_app.Services.GetRequiredService<IDocumentStore>(), "Lifecare");
        var body = Header + "\n" + Row(1, system: "AuthCsv") + "\n";
        HttpRequestMessage Post(string? apiKey)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/csv") { Content = new StringContent(body, Encoding.UTF8, "text/csv") };
            if (apiKey != null) request.Headers.Add("X-Api-Key", apiKey);
            return request;
        }

        var accepted = await _anonymous.SendAsync(Post(key));
        accepted.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await accepted.Content.ReadFromJsonAsync<IngestResponse>(ApiJson.Options))!.Accepted.ShouldBe(1);

        using var security = await AuthKit.AsSecurityAsync(_app);
        var withBearerOnly = await security.SendAsync(Post(null));
        withBearerOnly.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await withBearerOnly.Content.ReadAsStringAsync()).ShouldContain("API key");
    }
}
