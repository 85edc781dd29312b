using System.Text.Json;
using LogControl.Cli;
using LogControl.Domain.Ingestion;
using LogControl.Tests.Support;
using static LogControl.Tests.Support.IngestTestKit;

namespace LogControl.Tests.Ingest.Pipeline;

/// <summary>Every rejection reason ends up in the durable quarantine with file, line, raw and reason, and nothing else is lost.</summary>
public sealed class QuarantineTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task every_csv_rejection_reason_is_quarantined_with_file_line_and_raw_and_good_rows_survive()
    {
        await using var store = db.CreateStore();
        var dir = TempDir();
        var rows = new[]
        {
            Row(1, system: "Q"),                                                        // line 2 ok
            "LC-0000002;2026-03-02 07:41:12;Q;;;;;19121212-1212;read;care;",            // 3 missing user_id
            "LC-0000003;not-a-time;Q;U1;;;;19121212-1212;read;care;",                   // 4 bad_timestamp
            "LC-0000004;2026-03-29 02:30:00;Q;U1;;;;19121212-1212;read;care;",          // 5 nonexistent_local_time
            "LC-0000005;2026-03-02 07:41:12;Q;U1;;;;19121212-1212;peek;care;",          // 6 bad_action
            "LC-0000006;2026-03-02 07:41:12;Q;U1;;;;19121212-1212;read;curiosity;",     // 7 bad_purpose
            "LC-0000007;2026-03-02 07:41:12;Q;U1;;;;19121212-1213;read;care;",          // 8 bad_personnummer
            Row(8, system: "Q"),                                                        // 9 ok
        };
        var file = WriteCsv(dir, "mixed.csv", rows);
        (await IngestAsync(store, file)).ToString().ShouldBe("accepted=2 duplicates=0 rejected=6");

        var export = Path.Combine(dir, "quarantine.ndjson");
        (await LogCtl.RunAsync(["quarantine", "export", "--out", export, "--db", db.ConnectionString])).ShouldBe(0);
        var lines = File.ReadAllLines(export).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var byLine = lines.Where(l => l.GetProperty("file").GetString() == file).ToDictionary(l => l.GetProperty("line").GetInt64());
        byLine.Keys.Order().ShouldBe([3L, 4, 5, 6, 7, 8]);
        byLine[3].GetProperty("reason_code").GetString().ShouldBe(ReasonCodes.MissingField);
        byLine[4].GetProperty("reason_code").GetString().ShouldBe(ReasonCodes.BadTimestamp);
        byLine[5].GetProperty("reason_code").GetString().ShouldBe(ReasonCodes.NonexistentLocalTime);
        byLine[6].GetProperty("reason_code").GetString().ShouldBe(ReasonCodes.BadAction);
        byLine[7].GetProperty("reason_code").GetString().ShouldBe(ReasonCodes.BadPurpose);
        byLine[8].GetProperty("reason_code").GetString().ShouldBe(ReasonCodes.BadPersonnummer);
        byLine[4].GetProperty("raw").GetString().ShouldBe(rows[2]);
        foreach (var l in byLine.Values)
        {
            l.GetProperty("reason").GetString().ShouldNotBeNullOrWhiteSpace();
            l.GetProperty("quarantined_at").GetString()!.ShouldMatch(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$");
        }
    }

    [Fact]
    public async Task a_file_without_a_required_column_is_rejected_whole_with_the_column_named()
    {
        await using var store = db.CreateStore();
        var dir = TempDir();
        var file = WriteCsv(dir, "nocol.csv", ["LC-1;2026-03-02 07:41:12;Q;U1;19121212-1212;read"], header: "event_id;timestamp;system;user_id;client_id_typo;action");
        (await IngestAsync(store, file)).ToString().ShouldBe("accepted=0 duplicates=0 rejected=1");
        await using var session = store.QuerySession();
        var q = await Marten.QueryableExtensions.ToListAsync(session.Events.QueryRawEventDataOnly<RowQuarantined>().Where(x => x.File == file));
        q.Single().ReasonCode.ShouldBe(ReasonCodes.MissingColumn);
        q.Single().Reason.ShouldContain("client_id");
    }

    [Fact]
    public async Task reference_data_and_fhir_rejections_are_quarantined_too()
    {
        await using var store = db.CreateStore();
        var dir = TempDir();
        var refFile = Path.Combine(dir, "facts.ndjson");
        File.WriteAllLines(refFile,
        [
            """{"type":"unit","unit_id":"HT-X","name":"X","kind":"hemtjanst","manager_user_id":"M1","comparable_group":"g","covers_units":[]}""",
            """{"type":"spaceship","id":"NCC-1701"}""",
            """{"type":"enrollment","client_id":"191212121212"}""",
            """{"type":"unit", broken""",
        ]);
        var fhirFile = Path.Combine(dir, "not-fhir.json");
        File.WriteAllText(fhirFile, """{"hello":"world"}""");
        var brokenFhir = Path.Combine(dir, "broken.json");
        File.WriteAllText(brokenFhir, """{"resourceType":"AuditEvent", """);

        var totals = await IngestAsync(store, refFile, fhirFile, brokenFhir);
        totals.Accepted.ShouldBe(1);
        totals.Rejected.ShouldBe(5);

        await using var session = store.QuerySession();
        var codes = (await Marten.QueryableExtensions.ToListAsync(session.Events.QueryRawEventDataOnly<RowQuarantined>()))
            .Where(q => q.File.StartsWith(dir)).Select(q => (Path.GetFileName(q.File), q.Line, q.ReasonCode)).OrderBy(x => x).ToList();
        codes.ShouldBe(new[]
        {
            ("broken.json", 1L, ReasonCodes.MalformedJson),
            ("facts.ndjson", 2L, ReasonCodes.UnknownFactType),
            ("facts.ndjson", 3L, ReasonCodes.MalformedFact),
            ("facts.ndjson", 4L, ReasonCodes.MalformedFact),
            ("not-fhir.json", 1L, ReasonCodes.NotFhir),
        });
    }
}
