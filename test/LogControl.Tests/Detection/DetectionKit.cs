using LogControl.Domain.Identity;
using LogControl.Hosting.Detection;
using LogControl.Projections.Detection;
using LogControl.Tests.Support;
using Marten;
using NodaTime;
using static LogControl.Tests.Support.IngestTestKit;

namespace LogControl.Tests.Detection;

/// <summary>Builds detection scenarios as real input files, runs them through ingest and the daemon, reads anomalies back.</summary>
public sealed class DetectionKit(IDocumentStore store, string idPrefix = "DT")
{
    private int _n;
    private readonly string _dir = TempDir();
    private readonly List<string> _facts = [];
    private readonly List<string> _rows = [];
    private readonly List<string> _fhir = [];

    /// <summary>A synthetic, Luhn-valid personnummer (12 digits) from a birth date and a serial.</summary>
    public static string Pnr(string yyyymmdd, int serial)
    {
        var nine = yyyymmdd[2..] + serial.ToString("D3");
        return yyyymmdd + serial.ToString("D3") + Personnummer.CheckDigit(nine);
    }

    public DetectionKit Fact(string json) { _facts.Add(json); return this; }

    /// <summary>An access-log row; returns its source reference ("system:event_id").</summary>
    public string Access(string user, string client, string localTime, string action = "read", string purpose = "care", string unit = "HT-NORR")
    {
        var n = ++_n;
        _rows.Add($"{idPrefix}-{n:D6};{localTime};Lifecare;{user};;underskoterska;{unit};{client};{action};{purpose};ws-1");
        return $"Lifecare:{idPrefix}-{n:D6}";
    }

    /// <summary>A ready-made access-log row (header: <see cref="IngestTestKit.Header"/>).</summary>
    public DetectionKit RawRow(string row) { _rows.Add(row); return this; }

    /// <summary>A FHIR R4 AuditEvent read by <paramref name="user"/> of <paramref name="client"/>; failed unless <paramref name="success"/>.</summary>
    public string FhirRead(string user, string client, string isoWithOffset, bool success = false)
    {
        var id = $"{idPrefix}F-{++_n:D6}";
        _fhir.Add($$$"""{"resourceType":"AuditEvent","id":"{{{id}}}","type":{"system":"http://terminology.hl7.org/CodeSystem/audit-event-type","code":"rest"},"action":"R","recorded":"{{{isoWithOffset}}}","outcome":"{{{(success ? "0" : "4")}}}","agent":[{"who":{"identifier":{"value":"{{{user}}}"}},"requestor":true}],"source":{"observer":{"display":"NPO"}},"entity":[{"what":{"reference":"Patient/{{{client}}}"}}]}""");
        return $"NPO:{id}";
    }

    /// <summary>Writes what was added since the last call as new files, ingests them, and lets detection catch up.</summary>
    public async Task RunAsync()
    {
        var step = Path.Combine(_dir, $"step-{Directory.GetDirectories(_dir).Length:D3}");
        Directory.CreateDirectory(step);
        if (_facts.Count > 0) File.WriteAllLines(Path.Combine(step, "0-facts.ndjson"), _facts);
        if (_rows.Count > 0) WriteCsv(step, "access.csv", _rows);
        if (_fhir.Count > 0) File.WriteAllLines(Path.Combine(step, "audit.ndjson"), _fhir);
        _facts.Clear(); _rows.Clear(); _fhir.Clear();
        var totals = await IngestAsync(store, step);
        totals.Rejected.ShouldBe(0, "scenario input must be valid");
        await DetectionRunner.CatchUpAsync(store, null, CancellationToken.None);
    }

    public Task<List<AnomalyRow>> AnomaliesAsync() => new AnomalyQueries(store).ListAsync();

    /// <summary>The anomaly table as comparable text: every column that is part of the finding (not the write times).</summary>
    public async Task<List<string>> AnomalyTableAsync(bool withSequences = true) => await LogControl.Projections.StoreSql.QueryAsync(store, $"""
        select concat_ws(' | ', anomaly_id, rule, severity, user_id, user_name, client_id, unit_id, local_day, first_access_at,
                         last_access_at, access_count, source_event_ids::text, evidence::text{(withSequences ? ", seq_ids::text, last_seq" : "")})
        from lc.lc_anomalies order by anomaly_id
        """, r => r.GetString(0), CancellationToken.None);

    /// <summary>Each access's explanation, keyed by its source reference (independent of arrival order).</summary>
    public Task<List<string>> ExplanationsAsync() => LogControl.Projections.StoreSql.QueryAsync(store,
        "select source_ref || ':' || coalesce(explanation::text, '-') from lc.lc_access_timeline order by source_ref",
        r => r.GetString(0), CancellationToken.None);

    public static LocalDate Day(string iso) => NodaTime.Text.LocalDatePattern.Iso.Parse(iso).Value;
}
