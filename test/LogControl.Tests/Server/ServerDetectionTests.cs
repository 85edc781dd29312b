using System.Net;
using System.Text;
using LogControl.Domain.Detection;
using LogControl.Projections.Detection;
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

/// <summary>
/// Near real time in the real host: rows pushed over HTTP are judged by the server's async daemon, and the
/// resulting anomaly is published as an event without anyone asking for it.
/// </summary>
public sealed class ServerDetectionTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task a_pushed_access_becomes_a_published_anomaly_while_the_server_runs()
    {
        var app = LogControlServer.Build(db.ConnectionString, urls: "http://127.0.0.1:0");
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(address) };
            var store = app.Services.GetRequiredService<IDocumentStore>();
            var key = await SourceSystemKey.IssueAsync(store, "Lifecare");

            var body = Header + "\n" + Row(1, system: "Lifecare", user: "U-NIGHT", client: "19121212-1212", timestamp: "2026-03-02 23:15:00", purpose: "emergency") + "\n";
            var req = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/csv") { Content = new StringContent(body, Encoding.UTF8, "text/csv") };
            req.Headers.Add("X-Api-Key", key);
            (await http.SendAsync(req)).StatusCode.ShouldBe(HttpStatusCode.OK);

            // Wait (bounded) for the daemon and the publisher; no assertion on how long it took.
            var queries = new AnomalyQueries(store);
            List<AnomalyRow> rows = [];
            for (var i = 0; i < 600 && !(rows.Count == 2 && rows.All(r => r.DetectedAt != null)); i++)
            {
                await Task.Delay(100);
                rows = await queries.ListAsync();
            }
            rows.Select(r => r.Rule).Order().ShouldBe([RuleCodes.EmergencyAccess, RuleCodes.NoRelationship]);
            rows.ShouldAllBe(r => r.DetectedAt != null);
            await using var session = store.QuerySession();
            foreach (var r in rows)
                (await session.Events.FetchStreamAsync(r.AnomalyId)).Single().Data.ShouldBeOfType<AnomalyDetected>();
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
