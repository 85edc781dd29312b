using LogControl.Domain.Detection;
using LogControl.Projections.Detection;
using LogControl.Tests.Support;
using Marten;
using NodaTime;
using static LogControl.Tests.Detection.DetectionKit;

namespace LogControl.Tests.Detection;

/// <summary>
/// Detection is a function of the event history: processed live, in small steps with facts arriving before
/// and after the accesses they explain, it stores exactly what a rebuild from scratch stores.
/// </summary>
public sealed class RebuildTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task rebuilding_from_the_events_gives_exactly_the_anomalies_of_live_processing()
    {
        await using var store = db.CreateStore(withAsyncProjections: true);
        var k = new DetectionKit(store);
        var rng = new Random(20261124);
        var clients = Enumerable.Range(1, 40).Select(i => Pnr("19350101", i)).ToArray();
        var users = Enumerable.Range(1, 8).Select(i => $"U{i}").ToArray();
        var units = new[] { "HT-NORR", "HT-SYD" };

        k.Fact("""{"type":"unit","unit_id":"HT-NORR","name":"Norr","kind":"hemtjanst","covers_units":[]}""")
         .Fact("""{"type":"unit","unit_id":"HT-SYD","name":"Syd","kind":"hemtjanst","covers_units":[]}""");
        for (var u = 0; u < users.Length; u++)
            k.Fact($$"""{"type":"staff","user_id":"{{users[u]}}","name":"N{{u}}","surname":"S{{u % 3}}","address_key":"A{{u}}","role":"underskoterska","unit_id":"{{units[u % 2]}}","from":"2024-01-01","to":{{(u == 7 ? "\"2026-03-10\"" : "null")}}}""");
        for (var c = 0; c < clients.Length; c++)
            k.Fact($$"""{"type":"enrollment","client_id":"{{clients[c]}}","unit_id":"{{units[c % 2]}}","from":"2025-01-01","to":{{(c % 9 == 0 ? "\"2026-02-01\"" : "null")}}}""");
        k.Fact($$"""{"type":"client","client_id":"{{clients[5]}}","surname":"S1","address_key":"A1","protected_identity":true,"deceased_on":null}""");

        // Three weeks of accesses in five steps; shifts, visits, assignments and relations arrive both before
        // and after the accesses they concern, and one user has a spike day.
        var day0 = new LocalDate(2026, 3, 2);
        for (var step = 0; step < 5; step++)
        {
            for (var d = step * 4; d < step * 4 + 4 && d < 20; d++)
            {
                var date = day0.PlusDays(d);
                foreach (var user in users)
                {
                    var n = user == "U3" && d == 15 ? 25 : 3 + rng.Next(3);
                    for (var i = 0; i < n; i++)
                    {
                        var client = clients[rng.Next(clients.Length)];
                        var time = $"{date:yyyy-MM-dd} {8 + rng.Next(10):D2}:{rng.Next(60):D2}:00";
                        var purpose = rng.Next(50) == 0 ? "emergency" : "care";
                        var action = rng.Next(40) == 0 ? "print" : "read";
                        k.Access(user, client, time, action, purpose);
                        if (rng.Next(6) == 0)
                            k.Fact($$"""{"type":"visit","visit_id":"V-{{date}}-{{user}}-{{i}}","client_id":"{{client}}","user_id":"{{user}}","unit_id":"HT-NORR","start":"{{date:yyyy-MM-dd}}T08:00:00","end":"{{date:yyyy-MM-dd}}T08:30:00"}""");
                    }
                    if (rng.Next(3) > 0)
                        k.Fact($$"""{"type":"shift","user_id":"{{user}}","unit_id":"{{units[rng.Next(2)]}}","start":"{{date:yyyy-MM-dd}}T07:00:00","end":"{{date:yyyy-MM-dd}}T15:00:00"}""");
                }
            }
            k.Fact($$"""{"type":"assignment","user_id":"{{users[step]}}","client_id":"{{clients[step * 3]}}","from":"2026-01-01","to":null,"reason":"kontaktman"}""")
             .Fact($$"""{"type":"relation","user_id":"{{users[step + 1]}}","client_id":"{{clients[step * 5 + 1]}}","kind":"family","from":null}""");
            await k.RunAsync();
        }
        var live = await k.AnomalyTableAsync();
        (await IngestTestKit.CountAsync(store, "select count(*) from lc.lc_anomaly_published where active")).ShouldBe(live.Count);
        var liveExplanations = await Explanations(store);
        live.Count.ShouldBeGreaterThan(20);
        (await k.AnomaliesAsync()).Select(a => a.Rule).Distinct().Count().ShouldBeGreaterThanOrEqualTo(6, "the scenario exercises most rules");

        using (var daemon = await store.BuildProjectionDaemonAsync())
            await daemon.RebuildProjectionAsync(DetectionProjection.Name, CancellationToken.None);

        (await k.AnomalyTableAsync()).ShouldBe(live);
        (await Explanations(store)).ShouldBe(liveExplanations);
        // Same anomalies, so nothing to publish: the anomaly streams are not touched by a rebuild.
        (await new AnomalyPublisher(store, SystemClock.Instance).PublishAsync()).Total.ShouldBe(0);
    }

    private static Task<List<string>> Explanations(IDocumentStore store) => LogControl.Projections.StoreSql.QueryAsync(store,
        "select seq_id || ':' || coalesce(explanation::text, '-') from lc.lc_access_timeline order by seq_id", r => r.GetString(0), CancellationToken.None);
}
