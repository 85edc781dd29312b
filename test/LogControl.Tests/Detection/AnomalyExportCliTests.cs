using System.Text.Json;
using LogControl.Tests.Support;
using static LogControl.Tests.Detection.DetectionKit;
using static LogControl.Tests.Support.IngestTestKit;

namespace LogControl.Tests.Detection;

/// <summary>
/// <c>logctl anomalies export</c> on the real executable: it waits for detection to cover everything ingested
/// before it started, and writes the NDJSON of contracts/anomalies.md, filtered by day and unit.
/// </summary>
public sealed class AnomalyExportCliTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static Task<(int Code, string Out, string Err)> Run(params string[] args) => RunLogCtlAsync(args);

    [Fact]
    public async Task export_waits_for_detection_and_writes_the_contract_fields_in_order()
    {
        var client = Pnr("19121212", 121);
        var dir = TempDir();
        File.WriteAllLines(Path.Combine(dir, "0-facts.ndjson"),
        [
            """{"type":"unit","unit_id":"HT-NORR","name":"Hemtjänst Norr","kind":"hemtjanst","covers_units":[]}""",
            """{"type":"staff","user_id":"SE2321000032-U1001","name":"Åsa Öberg","surname":"Öberg","role":"underskoterska","unit_id":"HT-NORR","from":"2024-01-01","to":null}""",
        ]);
        WriteCsv(dir, "access.csv",
        [
            $"LC-0000001;2026-03-02 07:41:12;Lifecare;SE2321000032-U1001;Åsa Öberg;underskoterska;HT-NORR;{client};read;care;ws",
            $"LC-0000007;2026-03-02 07:43:00;Lifecare;SE2321000032-U1001;Åsa Öberg;underskoterska;HT-NORR;{client};read;care;ws",
            $"LC-0000009;2026-03-02 07:44:02;Lifecare;SE2321000032-U1001;Åsa Öberg;underskoterska;HT-NORR;{client};read;care;ws",
            $"LC-0000010;2026-03-05 09:00:00;Lifecare;SE2321000032-U1001;Åsa Öberg;underskoterska;HT-SYD;{client};read;care;ws",
        ]);
        (await Run("ingest", dir, "--db", db.ConnectionString)).Code.ShouldBe(0);

        var all = Path.Combine(dir, "all.ndjson");
        var (code, output, error) = await Run("anomalies", "export", "--out", all, "--db", db.ConnectionString);
        code.ShouldBe(0, error);
        output.ShouldContain("exported 2 anomalies");
        var lines = File.ReadAllLines(all);
        lines.Length.ShouldBe(2);

        using var first = JsonDocument.Parse(lines[0]);
        first.RootElement.EnumerateObject().Select(p => p.Name).ShouldBe(
        [
            "anomaly_id", "rule", "severity", "user_id", "client_id", "unit_id", "first_access_at", "last_access_at",
            "access_count", "source_event_ids", "detected_at", "explanation",
        ]);
        var a = first.RootElement;
        a.GetProperty("rule").GetString().ShouldBe("NO_RELATIONSHIP");
        a.GetProperty("severity").GetString().ShouldBe("medium");
        a.GetProperty("user_id").GetString().ShouldBe("SE2321000032-U1001");
        a.GetProperty("client_id").GetString().ShouldBe(client);
        a.GetProperty("unit_id").GetString().ShouldBe("HT-NORR");
        a.GetProperty("first_access_at").GetString().ShouldBe("2026-03-02T07:41:12+01:00");
        a.GetProperty("last_access_at").GetString().ShouldBe("2026-03-02T07:44:02+01:00");
        a.GetProperty("access_count").GetInt32().ShouldBe(3);
        a.GetProperty("source_event_ids").EnumerateArray().Select(e => e.GetString()).ShouldBe(
            ["Lifecare:LC-0000001", "Lifecare:LC-0000007", "Lifecare:LC-0000009"]);
        Guid.TryParse(a.GetProperty("anomaly_id").GetString(), out _).ShouldBeTrue();
        a.GetProperty("detected_at").GetString()!.ShouldMatch(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$");
        a.GetProperty("explanation").GetString()!.ShouldContain("Åsa Öberg");
        lines[0].ShouldContain("Åsa Öberg", Case.Sensitive, "Swedish letters are written as they are, not escaped");

        var filtered = Path.Combine(dir, "syd.ndjson");
        (await Run("anomalies", "export", "--out", filtered, "--unit", "HT-SYD", "--from", "2026-03-03", "--to", "2026-03-31", "--db", db.ConnectionString))
            .Code.ShouldBe(0);
        File.ReadAllLines(filtered).ShouldHaveSingleItem().ShouldContain("Lifecare:LC-0000010");
        var none = Path.Combine(dir, "none.ndjson");
        (await Run("anomalies", "export", "--out", none, "--to", "2026-03-01", "--db", db.ConnectionString)).Code.ShouldBe(0);
        File.ReadAllText(none).ShouldBeEmpty();

        // The same anomaly id and detection time on a second export: ids are derived, detection is recorded once.
        var again = Path.Combine(dir, "again.ndjson");
        (await Run("anomalies", "export", "--out", again, "--db", db.ConnectionString)).Code.ShouldBe(0);
        File.ReadAllLines(again).ShouldBe(lines);

        var (statsCode, stats, _) = await Run("stats", "--db", db.ConnectionString);
        statsCode.ShouldBe(0);
        stats.ShouldContain("Unexplained");
        stats.ShouldContain("explained=0.00%");

        var (badCode, _, badError) = await Run("anomalies", "export", "--out", none, "--from", "yesterday", "--db", db.ConnectionString);
        badCode.ShouldNotBe(0);
        badError.Trim().ShouldStartWith("logctl: --from needs a date");
    }
}
