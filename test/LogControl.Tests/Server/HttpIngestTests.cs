using System.Net;
using System.Net.Http.Json;
using System.Text;
using LogControl.Server;
using LogControl.Server.Ingest;
using LogControl.Tests.Support;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using static LogControl.Tests.Support.IngestTestKit;

namespace LogControl.Tests.Server;

/// <summary>The push endpoints, through the real Kestrel + Wolverine.Http + Marten host on a loopback port.</summary>
public sealed class HttpIngestTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _http = null!;
    private string _key = "";

    public async Task InitializeAsync()
    {
        _app = LogControlServer.Build(db.ConnectionString, urls: "http://127.0.0.1:0");
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(address) };
        _key = await SourceSystemKey.IssueAsync(_app.Services.GetRequiredService<IDocumentStore>(), "Lifecare");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private HttpRequestMessage Post(string path, string body, string contentType, string? key)
    {
        var req = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        if (key != null) req.Headers.Add("X-Api-Key", key);
        return req;
    }

    [Fact]
    public async Task csv_push_answers_with_counts_and_is_idempotent()
    {
        var body = Header + "\n" + Row(1, system: "HttpCsv") + "\n" + Row(2, system: "HttpCsv") + "\nLC-3;bad;HttpCsv;U;;;;19121212-1212;read;care;\n";
        var first = await _http.SendAsync(Post("/api/ingest/csv", body, "text/csv", _key));
        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        var r1 = await first.Content.ReadFromJsonAsync<IngestResponse>();
        (r1!.Accepted, r1.Duplicates, r1.Rejected).ShouldBe((2L, 0L, 1L));

        var second = await (await _http.SendAsync(Post("/api/ingest/csv", body, "text/csv", _key))).Content.ReadFromJsonAsync<IngestResponse>();
        (second!.Accepted, second.Duplicates, second.Rejected).ShouldBe((0L, 2L, 1L));
        await using var store = db.CreateStore();
        (await EventsOfType(store, "row_quarantined")).ShouldBe(1);
    }

    [Fact]
    public async Task fhir_bundle_push_is_accepted()
    {
        var bundle = File.ReadAllText(Path.Combine(SharedPaths.Samples, "fhir", "r4-gematik-erp", "2025-01-15_07_response_getAuditEvent.json"));
        var response = await _http.SendAsync(Post("/api/ingest/fhir", bundle, "application/fhir+json", _key));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var r = await response.Content.ReadFromJsonAsync<IngestResponse>();
        (r!.Accepted + r.Duplicates).ShouldBeGreaterThan(0);
        r.Rejected.ShouldBe(0);
    }

    [Fact]
    public async Task reference_ndjson_push_is_accepted()
    {
        var body = File.ReadAllText(Path.Combine(SharedPaths.Samples, "reference.ndjson"));
        var r = await (await _http.SendAsync(Post("/api/ingest/reference", body, "application/x-ndjson", _key))).Content.ReadFromJsonAsync<IngestResponse>();
        (r!.Accepted + r.Duplicates).ShouldBe(7);
    }

    [Fact]
    public async Task missing_or_wrong_key_is_401_with_problem_details()
    {
        var none = await _http.SendAsync(Post("/api/ingest/csv", Header + "\n" + Row(1), "text/csv", null));
        none.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        none.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var wrong = await _http.SendAsync(Post("/api/ingest/csv", Header + "\n" + Row(1), "text/csv", "lck_not-a-key"));
        wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task wrong_media_type_is_415_and_empty_body_is_400()
    {
        (await _http.SendAsync(Post("/api/ingest/csv", "<xml/>", "application/xml", _key))).StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        (await _http.SendAsync(Post("/api/ingest/csv", "", "text/csv", _key))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task keys_are_stored_only_as_hashes()
    {
        await using var session = _app.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var docs = await session.Query<SourceSystemKey>().ToListAsync();
        docs.ShouldNotBeEmpty();
        docs.ShouldAllBe(d => d.Id != _key && d.Id.Length == 64);
        docs.ShouldContain(d => d.Id == SourceSystemKey.Hash(_key));
    }
}
