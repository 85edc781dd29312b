using System.Text;
using System.Text.Json;
using LogControl.Domain.Ingestion;
using LogControl.Ingest.Parsing;

namespace LogControl.Ingest.Fhir;

/// <summary>
/// Reads FHIR AuditEvents (R4 and R5 shapes) as the contract <c>shared/contracts/fhir-auditevent.md</c>
/// describes: one resource or a Bundle per .json document, or one resource per NDJSON line. Each AuditEvent
/// becomes one <see cref="IngestItem"/>; bad input becomes a rejected or skipped item, never an exception.
/// The field mapping and the decisions the contract leaves open are in <c>MAPPING.md</c>.
/// </summary>
public sealed class FhirAuditEventReader
{
    private static readonly JsonDocumentOptions DocOptions = new() { MaxDepth = 256 };
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 256 };

    /// <summary>
    /// A .json file: one resource or a Bundle (any type). The stream is already decompressed and is read
    /// to the end before this returns. Items carry the 1-based line where their resource starts.
    /// </summary>
    public IEnumerable<IngestItem> ReadDocument(Stream stream, string sourceName, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.ToArray();
        var start = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        return ReadDocumentBytes(new ReadOnlyMemory<byte>(bytes, start, bytes.Length - start), sourceName, ct);
    }

    /// <summary>
    /// One NDJSON line that is a FHIR resource (AuditEvent or Bundle), already parsed by the caller. Every item
    /// gets <paramref name="lineNumber"/>; an AuditEvent's item keeps <paramref name="raw"/>, a Bundle entry's
    /// item gets that entry's resource JSON (so a quarantined entry does not repeat the whole Bundle).
    /// </summary>
    public IEnumerable<IngestItem> ReadResource(JsonElement resource, long lineNumber, string raw)
    {
        if (resource.ValueKind != JsonValueKind.Object)
            return [IngestItem.Rejected(lineNumber, raw, ReasonCodes.NotFhir, $"expected a FHIR resource (JSON object), got {resource.ValueKind}")];
        return ReadTopLevel(resource, lineNumber, raw, entryLine: _ => lineNumber, CancellationToken.None);
    }

    /// <summary>Parses on every enumeration, so the sequence can be enumerated more than once.</summary>
    private static IEnumerable<IngestItem> ReadDocumentBytes(ReadOnlyMemory<byte> json, string sourceName, CancellationToken ct)
    {
        var (doc, error) = Parse(json, sourceName);
        if (doc is null)
        {
            yield return IngestItem.Rejected(1, Text(json), ReasonCodes.MalformedJson, error!);
            yield break;
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                yield return IngestItem.Rejected(1, Text(json), ReasonCodes.NotFhir, $"expected a FHIR resource (JSON object), got {root.ValueKind}");
                yield break;
            }

            var positions = Positions.Scan(json.Span);
            var rootLine = positions.LineOf(positions.Root);
            foreach (var item in ReadTopLevel(root, rootLine, root.GetRawText(), i => positions.LineOf(positions.EntryResource(i)), ct))
                yield return item;
        }
    }

    private static (JsonDocument? Doc, string? Error) Parse(ReadOnlyMemory<byte> json, string sourceName)
    {
        // JsonDocument does not check the UTF-8 inside strings; reading such a string later would throw.
        if (!System.Text.Unicode.Utf8.IsValid(json.Span))
            return (null, $"{sourceName}: the file is not valid UTF-8");
        try
        {
            return (JsonDocument.Parse(json, DocOptions), null);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            return (null, $"{sourceName}: {ex.Message}");
        }
    }

    /// <summary>A top-level resource: an AuditEvent, a Bundle of them, or something that is rejected.</summary>
    private static IEnumerable<IngestItem> ReadTopLevel(JsonElement resource, long line, string raw, Func<int, long> entryLine, CancellationToken ct)
    {
        var type = FhirJson.Str(resource, "resourceType");
        switch (type)
        {
            case null:
                yield return IngestItem.Rejected(line, raw, ReasonCodes.NotFhir, "JSON object has no resourceType: not a FHIR resource");
                break;
            case "AuditEvent":
                yield return FromAuditEvent(resource, line, raw);
                break;
            case "Bundle":
                foreach (var item in ReadBundle(resource, line, raw, entryLine, ct))
                    yield return item;
                break;
            default:
                yield return IngestItem.Rejected(line, raw, ReasonCodes.NotAuditEvent, $"resourceType '{type}' is neither AuditEvent nor Bundle");
                break;
        }
    }

    private static IEnumerable<IngestItem> ReadBundle(JsonElement bundle, long bundleLine, string bundleRaw, Func<int, long> entryLine, CancellationToken ct)
    {
        if (!bundle.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array || entries.GetArrayLength() == 0)
        {
            yield return IngestItem.Skip(bundleLine, bundleRaw, "Bundle has no entries");
            yield break;
        }

        var index = 0;
        foreach (var entry in entries.EnumerateArray())
        {
            ct.ThrowIfCancellationRequested();
            var line = entryLine(index);
            if (line <= 0) line = bundleLine;
            index++;

            if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("resource", out var resource) || resource.ValueKind != JsonValueKind.Object)
            {
                yield return IngestItem.Skip(line, entry.GetRawText(), $"Bundle entry {index} has no resource");
                continue;
            }

            var raw = resource.GetRawText();
            var type = FhirJson.Str(resource, "resourceType");
            if (type == "AuditEvent")
                yield return FromAuditEvent(resource, line, raw);
            else
                yield return IngestItem.Skip(line, raw, $"Bundle entry {index} is {(type is null ? "not a FHIR resource" : $"a {type}")}, not an AuditEvent");
        }
    }

    private static IngestItem FromAuditEvent(JsonElement resource, long line, string raw)
    {
        var result = AuditEventMapper.Map(resource);
        return result.Access is { } access
            ? IngestItem.Accepted(line, raw, access)
            : IngestItem.Rejected(line, raw, result.ReasonCode!, result.Reason!);
    }

    private static string Text(ReadOnlyMemory<byte> json) => Encoding.UTF8.GetString(json.Span);

    /// <summary>Byte offsets of the root object and of each Bundle entry's resource, and the line starts of the text.</summary>
    private sealed class Positions
    {
        private readonly List<int> _newlines = [];
        private readonly List<long> _entryResources = [];

        public long Root { get; private set; } = -1;

        public long EntryResource(int index) => index < _entryResources.Count ? _entryResources[index] : -1;

        /// <summary>1-based line of a byte offset; 0 when the offset is unknown.</summary>
        public long LineOf(long offset)
        {
            if (offset < 0) return 0;
            var i = _newlines.BinarySearch((int)offset);
            return (i >= 0 ? i : ~i) + 1;
        }

        public static Positions Scan(ReadOnlySpan<byte> json)
        {
            var p = new Positions();
            for (var i = 0; i < json.Length; i++)
                if (json[i] == (byte)'\n') p._newlines.Add(i);

            // The document has already been validated by JsonDocument.Parse with the same limits.
            var reader = new Utf8JsonReader(json, ReaderOptions);
            var inEntries = false;   // inside root.entry[]
            var pendingEntryProp = false;
            var pendingResourceProp = false;
            while (reader.Read())
            {
                var depth = reader.CurrentDepth;
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject when depth == 0:
                        p.Root = reader.TokenStartIndex;
                        break;
                    case JsonTokenType.PropertyName when depth == 1:
                        pendingEntryProp = reader.ValueTextEquals("entry"u8);
                        break;
                    case JsonTokenType.StartArray when depth == 1 && pendingEntryProp:
                        inEntries = true;
                        pendingEntryProp = false;
                        break;
                    case JsonTokenType.EndArray when depth == 1:
                        inEntries = false;
                        break;
                    case JsonTokenType.StartObject when depth == 2 && inEntries:
                        p._entryResources.Add(reader.TokenStartIndex); // entry start until its resource is seen
                        break;
                    case JsonTokenType.PropertyName when depth == 3 && inEntries:
                        pendingResourceProp = reader.ValueTextEquals("resource"u8);
                        break;
                    case JsonTokenType.StartObject when depth == 3 && inEntries && pendingResourceProp:
                        p._entryResources[^1] = reader.TokenStartIndex;
                        pendingResourceProp = false;
                        break;
                }
                if (reader.TokenType is not JsonTokenType.PropertyName)
                {
                    if (depth <= 1 && reader.TokenType is not JsonTokenType.StartArray) pendingEntryProp = false;
                }
            }
            return p;
        }
    }
}
