// TEMP STUB (not committed)
using System.Text.Json;
using LogControl.Ingest.Parsing;
namespace LogControl.Ingest.Fhir;
public sealed class FhirAuditEventReader {
 public IEnumerable<IngestItem> ReadDocument(Stream stream, string sourceName, CancellationToken ct = default) => throw new NotImplementedException();
 public IEnumerable<IngestItem> ReadResource(JsonElement resource, long lineNumber, string raw) => throw new NotImplementedException(); }
