using System.Text;
using System.Text.Json;
using LogControl.Domain.Ingestion;
using LogControl.Ingest.Fhir;
using LogControl.Ingest.Parsing;
using LogControl.Ingest.Reference;

namespace LogControl.Ingest.Pipeline;

/// <summary>
/// NDJSON: one JSON object per line. Each line is dispatched on its own: a "resourceType" makes it a
/// FHIR resource (AuditEvent or Bundle), a "type" makes it a reference-data fact. Files may mix both.
/// </summary>
public static class NdjsonReader
{
    public static IEnumerable<IngestItem> Read(Stream stream, string sourceName, CancellationToken ct = default)
    {
        var fhir = new FhirAuditEventReader();
        using var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        long lineNo = 0;
        var kind = (string?)null; // what this file has shown itself to be, for naming a broken line's reason
        while (reader.ReadLine() is { } line)
        {
            ct.ThrowIfCancellationRequested();
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;

            JsonDocument? doc = null;
            string? error = null;
            try
            {
                doc = JsonDocument.Parse(line);
            }
            catch (JsonException ex)
            {
                error = ex.Message;
            }
            if (doc == null)
            {
                var code = kind == "fact" ? ReasonCodes.MalformedFact : ReasonCodes.MalformedJson;
                yield return IngestItem.Rejected(lineNo, line, code, $"line is not valid JSON: {error}");
                continue;
            }

            using (doc)
            {
                var root = doc.RootElement;
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("resourceType", out _))
                {
                    kind = "fhir";
                    foreach (var item in fhir.ReadResource(root, lineNo, line)) yield return item;
                }
                else if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out _))
                {
                    kind = "fact";
                    yield return ReferenceFactReader.ReadFact(root, lineNo, line);
                }
                else if (kind == "fact" || (kind == null && root.ValueKind == JsonValueKind.Object && !LooksFhirish(sourceName)))
                {
                    yield return IngestItem.Rejected(lineNo, line, ReasonCodes.UnknownFactType,
                        "the line has no \"type\" (reference data) and no \"resourceType\" (FHIR)");
                }
                else
                {
                    yield return IngestItem.Rejected(lineNo, line, ReasonCodes.NotFhir,
                        "the line is JSON but not a FHIR resource (no \"resourceType\")");
                }
            }
        }
    }

    private static bool LooksFhirish(string name) =>
        name.Contains("fhir", StringComparison.OrdinalIgnoreCase) || name.Contains("audit", StringComparison.OrdinalIgnoreCase);
}
