using System.Text.Encodings.Web;
using System.Text.Json;
using LogControl.Domain.Time;
using LogControl.Projections.Detection;
using LogControl.Projections.Replay;
using Marten;

namespace LogControl.Reports.Detection;

/// <summary>The anomaly export of contracts/anomalies.md: NDJSON, one anomaly per line, fields in contract order.</summary>
public static class AnomalyExport
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<int> WriteAsync(IDocumentStore store, Stream output, AnomalyFilter filter, CancellationToken ct)
    {
        var rows = await new AnomalyQueries(store).ListAsync(filter, ct);
        await WriteAsync(output, rows.Select(KnownAnomaly.From), ct);
        return rows.Count;
    }

    /// <summary>Any list of anomalies in the contract's form, e.g. those known at an instant (<see cref="AnomalyHistory"/>).</summary>
    public static async Task WriteAsync(Stream output, IEnumerable<KnownAnomaly> rows, CancellationToken ct)
    {
        foreach (var a in rows)
        {
            using (var w = new Utf8JsonWriter(output, Options))
            {
                w.WriteStartObject();
                w.WriteString("anomaly_id", a.AnomalyId.ToString());
                w.WriteString("rule", a.Rule);
                w.WriteString("severity", a.Severity);
                w.WriteString("user_id", a.UserId);
                w.WriteString("client_id", a.ClientId);
                w.WriteString("unit_id", a.UnitId);
                w.WriteString("first_access_at", SwedishTime.FormatIso(a.FirstAccessAt));
                w.WriteString("last_access_at", SwedishTime.FormatIso(a.LastAccessAt));
                w.WriteNumber("access_count", a.AccessCount);
                w.WriteStartArray("source_event_ids");
                foreach (var id in a.SourceEventIds) w.WriteStringValue(id);
                w.WriteEndArray();
                if (a.DetectedAt is { } detected) w.WriteString("detected_at", SwedishTime.FormatIso(detected));
                else w.WriteNull("detected_at");
                w.WriteString("explanation", a.Explanation);
                w.WriteEndObject();
            }
            output.WriteByte((byte)'\n');
        }
        await output.FlushAsync(ct);
    }
}
