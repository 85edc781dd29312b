// TEMP STUB (not committed)
using LogControl.Ingest.Parsing;
namespace LogControl.Ingest.Csv;
public sealed class CsvAccessLogReader { public IEnumerable<IngestItem> Read(Stream stream, string sourceName, CancellationToken ct = default) => throw new NotImplementedException(); }
