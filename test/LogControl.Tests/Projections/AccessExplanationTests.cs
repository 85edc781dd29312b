using LogControl.Ingest.Storage;
using LogControl.Hosting.Detection;
using LogControl.Projections.Detection;
using LogControl.Tests.Support;
using Marten;
using Marten.Events;
using static LogControl.Tests.Support.IngestTestKit;

namespace LogControl.Tests.Projections;

/// <summary>
/// Explanation first, on the contract's look-alikes: each access is explained by the most specific care
/// relationship, or not at all, through the real pipeline, daemon and reference history.
/// </summary>
public sealed class AccessExplanationTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly string[] Facts =
    [
        """{"type":"unit","unit_id":"HT-NORR","name":"Hemtjänst Norr","kind":"hemtjanst","covers_units":[]}""",
        """{"type":"unit","unit_id":"HT-SYD","name":"Hemtjänst Syd","kind":"hemtjanst","covers_units":[]}""",
        """{"type":"unit","unit_id":"HT-NATT","name":"Nattpatrullen","kind":"hemtjanst_natt","covers_units":["HT-NORR"]}""",
        """{"type":"staff","user_id":"U-DAY","name":"Åsa Öberg","surname":"Öberg","role":"underskoterska","unit_id":"HT-NORR","from":"2024-01-01","to":null}""",
        """{"type":"staff","user_id":"U-NIGHT","name":"Nils Berg","surname":"Berg","role":"underskoterska","unit_id":"HT-NATT","from":"2024-01-01","to":null}""",
        """{"type":"staff","user_id":"U-COVER","name":"Eva Lund","surname":"Lund","role":"underskoterska","unit_id":"HT-SYD","from":"2024-01-01","to":null}""",
        """{"type":"staff","user_id":"U-NURSE","name":"Sara Ek","surname":"Ek","role":"sjukskoterska","unit_id":"HSL","from":"2024-01-01","to":null}""",
        """{"type":"staff","user_id":"U-VISIT","name":"Johan Al","surname":"Al","role":"underskoterska","unit_id":"HT-SYD","from":"2024-01-01","to":null}""",
        """{"type":"enrollment","client_id":"C1","unit_id":"HT-NORR","from":"2025-06-01","to":null}""",
        """{"type":"enrollment","client_id":"C-ENDED","unit_id":"HT-NORR","from":"2025-01-01","to":"2026-02-25"}""",
        """{"type":"enrollment","client_id":"C-LONG","unit_id":"HT-NORR","from":"2025-01-01","to":"2026-01-01"}""",
        """{"type":"enrollment","client_id":"C-VISIT","unit_id":"HT-NORR","from":"2025-01-01","to":null}""",
        """{"type":"shift","user_id":"U-COVER","unit_id":"HT-NORR","start":"2026-03-02T07:00:00","end":"2026-03-02T16:00:00"}""",
        """{"type":"assignment","user_id":"U-NURSE","client_id":"C-ASSIGNED","from":"2026-01-01","to":null,"reason":"sjukskoterska"}""",
        """{"type":"visit","visit_id":"V1","client_id":"C-VISIT","user_id":"U-VISIT","unit_id":"HT-NORR","start":"2026-03-02T08:00:00","end":"2026-03-02T08:30:00"}""",
    ];

    private static readonly (int N, string User, string Client, string At, ExplanationKind? Expected)[] Accesses =
    [
        (1, "U-DAY", "C1", "2026-03-02 10:00:00", ExplanationKind.EnrollmentAtOwnUnit),
        (2, "U-DAY", "C-ENDED", "2026-03-02 10:00:00", ExplanationKind.EnrollmentAtOwnUnit),   // enrollment ended 5 days ago
        (3, "U-DAY", "C-LONG", "2026-03-02 10:00:00", null),                                   // ended 60 days ago
        (4, "U-NIGHT", "C1", "2026-03-02 23:15:00", ExplanationKind.EnrollmentAtCoveredUnit),  // night patrol, covered unit
        (5, "U-COVER", "C1", "2026-03-02 16:10:00", ExplanationKind.EnrollmentAtShiftUnit),    // 10 minutes after shift end
        (6, "U-COVER", "C1", "2026-03-02 16:40:00", null),                                     // 40 minutes after
        (7, "U-NURSE", "C-ASSIGNED", "2026-03-02 11:00:00", ExplanationKind.Assignment),
        (8, "U-VISIT", "C-VISIT", "2026-03-02 20:00:00", ExplanationKind.Visit),               // same local day
        (9, "U-VISIT", "C-VISIT", "2026-03-03 01:00:00", null),                                // next day
        (10, "U-DAY", "C1", "2023-12-31 10:00:00", null),                                      // before employment and enrollment
    ];

    [Fact]
    public async Task each_access_is_explained_by_the_most_specific_relationship_or_not_at_all()
    {
        await using var store = db.CreateStore(withAsyncProjections: true);
        var dir = TempDir();
        File.WriteAllLines(Path.Combine(dir, "facts.ndjson"), Facts);
        WriteCsv(dir, "access.csv", Accesses.Select(a => Row(a.N, system: "Expl", user: a.User, client: a.Client, timestamp: a.At)));
        (await IngestAsync(store, dir)).Rejected.ShouldBe(0);

        await DetectionRunner.CatchUpAsync(store, null, CancellationToken.None);

        // The explanation detection stored with each access, keyed by the access's source identity.
        var stored = new Dictionary<Guid, ExplanationKind?>();
        await using (var conn = store.Storage.Database.CreateConnection())
        {
            await conn.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand("select event_id, explanation from lc.lc_access_timeline", conn);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) stored[r.GetGuid(0)] = r.IsDBNull(1) ? null : (ExplanationKind)r.GetInt16(1);
        }

        foreach (var a in Accesses)
        {
            stored[SourceIdentity.AccessEventId("Expl", $"LC-{a.N:D7}")].ShouldBe(a.Expected, $"access {a.N}: {a.User} → {a.Client} at {a.At}");
        }
    }
}
