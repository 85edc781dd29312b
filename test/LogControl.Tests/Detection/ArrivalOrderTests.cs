using LogControl.Tests.Support;
using NodaTime;
using static LogControl.Tests.Detection.DetectionKit;

namespace LogControl.Tests.Detection;

/// <summary>
/// The verdicts do not depend on when reference data arrives: a municipality whose facts all come first
/// and the same municipality whose facts trickle in before, between and after the accesses they explain
/// end with the same anomalies and the same explanations.
/// </summary>
public sealed class ArrivalOrderTests(TestDatabase early) : IClassFixture<TestDatabase>
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task facts_arriving_late_give_the_same_result_as_facts_arriving_first(int seed)
    {
        var (facts, rows) = Scenario(seed);
        var late = new TestDatabase();
        await late.InitializeAsync();
        try
        {
            await using var first = early.CreateStore(withAsyncProjections: true);
            await using var trickle = late.CreateStore(withAsyncProjections: true);
            // Each seed runs on fresh tables in the shared class database: start from an empty projection.
            await ResetAsync(first);

            var a = new DetectionKit(first);
            foreach (var f in facts) a.Fact(f);
            await a.RunAsync();
            foreach (var r in rows) a.RawRow(r);
            await a.RunAsync();

            // The same input in four steps; facts are shuffled and most arrive after the accesses they concern.
            var rng = new Random(seed);
            var shuffled = facts.OrderBy(_ => rng.Next()).ToList();
            var b = new DetectionKit(trickle);
            for (var step = 0; step < 4; step++)
            {
                foreach (var r in rows.Where((_, i) => i % 4 == step)) b.RawRow(r);
                foreach (var f in shuffled.Where((_, i) => i % 4 == (step + 3) % 4)) b.Fact(f);
                await b.RunAsync();
            }

            var expected = await a.AnomalyTableAsync(withSequences: false);
            expected.Count.ShouldBeGreaterThan(10);
            (await b.AnomalyTableAsync(withSequences: false)).ShouldBe(expected);
            (await b.ExplanationsAsync()).ShouldBe(await a.ExplanationsAsync());
        }
        finally { await late.DisposeAsync(); }
    }

    private static async Task ResetAsync(Marten.DocumentStore store)
    {
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await using var conn = store.Storage.Database.CreateConnection();
        await conn.OpenAsync();
        await using var drop = new Npgsql.NpgsqlCommand("drop schema if exists lc cascade", conn);
        await drop.ExecuteNonQueryAsync();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    }

    /// <summary>A small municipality: two units and a night patrol, staff, clients, shifts, visits, assignments,
    /// relations and a leaver; a week of accesses with a share that no relationship explains.</summary>
    private static (List<string> Facts, List<string> Rows) Scenario(int seed)
    {
        var rng = new Random(seed * 7919);
        var facts = new List<string>
        {
            """{"type":"unit","unit_id":"HT-NORR","name":"Norr","kind":"hemtjanst","covers_units":[]}""",
            """{"type":"unit","unit_id":"HT-SYD","name":"Syd","kind":"hemtjanst","covers_units":[]}""",
            """{"type":"unit","unit_id":"HT-NATT","name":"Natt","kind":"hemtjanst_natt","covers_units":["HT-NORR","HT-SYD"]}""",
        };
        var units = new[] { "HT-NORR", "HT-SYD", "HT-NATT" };
        var users = Enumerable.Range(1, 9).Select(i => $"U{i}").ToArray();
        var staffPnr = users.Select((_, i) => Pnr("19700101", 500 + i)).ToArray();
        var clients = Enumerable.Range(1, 30).Select(i => Pnr("19320101", i)).Concat([staffPnr[1]]).ToArray();
        for (var u = 0; u < users.Length; u++)
            facts.Add($$"""{"type":"staff","user_id":"{{users[u]}}","name":"N{{u}}","surname":"S{{u % 4}}","personnummer":"{{staffPnr[u]}}","address_key":"A{{u % 5}}","role":"underskoterska","unit_id":"{{units[u % 3]}}","from":"2024-01-01","to":{{(u == 8 ? "\"2026-03-04\"" : "null")}}}""");
        for (var c = 0; c < clients.Length; c++)
        {
            facts.Add($$"""{"type":"enrollment","client_id":"{{clients[c]}}","unit_id":"{{units[c % 2]}}","from":"2025-01-01","to":{{(c % 11 == 3 ? "\"2026-01-15\"" : "null")}}}""");
            facts.Add($$"""{"type":"client","client_id":"{{clients[c]}}","surname":"S{{c % 4}}","address_key":"A{{c % 7}}","protected_identity":{{(c % 13 == 0 ? "true" : "false")}},"deceased_on":null}""");
        }
        facts.Add($$"""{"type":"assignment","user_id":"U2","client_id":"{{clients[13]}}","from":"2026-01-01","to":null,"reason":"kontaktman"}""");
        facts.Add($$"""{"type":"relation","user_id":"U4","client_id":"{{clients[7]}}","kind":"family","from":null}""");

        var rows = new List<string>();
        var day0 = new LocalDate(2026, 3, 2);
        var n = 0;
        for (var d = 0; d < 7; d++)
        {
            var date = day0.PlusDays(d);
            foreach (var (user, u) in users.Select((x, i) => (x, i)))
            {
                var night = units[u % 3] == "HT-NATT";
                var start = night ? 21 : 7;
                if (rng.Next(4) > 0)
                    facts.Add($$"""{"type":"shift","user_id":"{{user}}","unit_id":"{{units[(u + (rng.Next(6) == 0 ? 1 : 0)) % 3]}}","start":"{{date:yyyy-MM-dd}}T{{start:D2}}:00:00","end":"{{(night ? date.PlusDays(1) : date):yyyy-MM-dd}}T{{(night ? 6 : 16):D2}}:00:00"}""");
                for (var i = 0; i < 4 + rng.Next(4); i++)
                {
                    var client = clients[rng.Next(clients.Length)];
                    var hour = night ? (21 + rng.Next(3)) : (7 + rng.Next(11));
                    var action = rng.Next(30) == 0 ? "print" : "read";
                    var purpose = rng.Next(40) == 0 ? "emergency" : "care";
                    rows.Add($"OR-{++n:D6};{date:yyyy-MM-dd} {hour:D2}:{rng.Next(60):D2}:00;Lifecare;{user};;underskoterska;{units[u % 3]};{client};{action};{purpose};ws");
                    if (rng.Next(5) == 0)
                        facts.Add($$"""{"type":"visit","visit_id":"V-{{n}}","client_id":"{{client}}","user_id":"{{user}}","unit_id":"{{units[u % 3]}}","start":"{{date:yyyy-MM-dd}}T{{hour:D2}}:00:00","end":"{{date:yyyy-MM-dd}}T{{hour:D2}}:30:00"}""");
                }
            }
        }
        return (facts, rows);
    }
}
