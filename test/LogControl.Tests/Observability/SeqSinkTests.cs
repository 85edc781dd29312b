using System.Net;
using System.Text;
using LogControl.Hosting.Observability;
using Microsoft.Extensions.Configuration;
using Serilog;

namespace LogControl.Tests.Observability;

/// <summary>With Seq:ServerUrl set, structured events reach Seq's ingestion API as CLEF (a local listener stands in for Seq).</summary>
public sealed class SeqSinkTests
{
    [Fact]
    public async Task structured_events_are_delivered_as_clef_when_seq_is_configured()
    {
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var received = new List<(string Path, string? ContentType, string Body)>();
        var serve = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext ctx;
                try { ctx = await listener.GetContextAsync(); } catch { return; }
                using var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                lock (received) received.Add((ctx.Request.Url!.AbsolutePath, ctx.Request.ContentType, body));
                ctx.Response.StatusCode = 201;
                ctx.Response.Close();
            }
        });

        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Seq:ServerUrl"] = $"http://127.0.0.1:{port}",
            ["Logging:Directory"] = Path.Combine(Path.GetTempPath(), "logcontrol-tests", "logs"),
        }).Build();
        using (var log = LogSetup.Configure(new LoggerConfiguration(), config, "seq-test").CreateLogger())
        {
            log.Information("Ingested {Rows} rows from {Source}", 42, "unit-test.csv");
        } // disposing flushes the batch

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            lock (received) if (received.Count > 0) break;
            await Task.Delay(50);
        }
        listener.Stop();

        lock (received)
        {
            received.ShouldNotBeEmpty();
            var hit = received.First(r => r.Body.Contains("Ingested"));
            hit.Path.ShouldBeOneOf("/api/events/raw", "/ingest/clef"); // Seq's raw-events API, CLEF body
            hit.ContentType!.ShouldContain("application/vnd.serilog.clef");
            var line = System.Text.Json.JsonDocument.Parse(hit.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).First(l => l.Contains("Ingested"))).RootElement;
            line.GetProperty("@mt").GetString().ShouldBe("Ingested {Rows} rows from {Source}");
            line.GetProperty("Rows").GetInt32().ShouldBe(42);
            line.GetProperty("Source").GetString().ShouldBe("unit-test.csv");
            line.GetProperty("Application").GetString().ShouldBe("seq-test");
        }
    }

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
