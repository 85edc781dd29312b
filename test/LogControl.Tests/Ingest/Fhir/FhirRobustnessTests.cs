using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Xunit;
using LogControl.Ingest.Fhir;
using LogControl.Ingest.Parsing;
using LogControl.Tests.Support;

namespace LogControl.Tests.Ingest.Fhir;

/// <summary>Bad input never throws: it becomes rejected or skipped items.</summary>
public sealed class FhirRobustnessTests
{
    private static readonly FhirAuditEventReader Reader = new();

    private static List<IngestItem> Read(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        return Reader.ReadDocument(stream, "fuzz.json").ToList();
    }

    [Property(MaxTest = 300)]
    public bool Any_text_gives_at_least_one_item_and_no_exception(string? text) =>
        Read(Encoding.UTF8.GetBytes(text ?? "")).Count >= 1;

    [Property(MaxTest = 300)]
    public bool Any_bytes_give_at_least_one_item_and_no_exception(byte[]? bytes) =>
        Read(bytes ?? []).Count >= 1;

    [Theory]
    [InlineData("r5-snapshot3/AuditEvent-example-breakglass-start.json")]
    [InlineData("r4-gematik-erp/2025-01-15_07_response_getAuditEvent.json")]
    public void Every_truncation_of_a_sample_is_handled(string sample)
    {
        var bytes = File.ReadAllBytes(SharedPaths.Sample("fhir", sample));
        for (var n = 0; n < bytes.Length; n += 3)
        {
            var items = Read(bytes[..n]);
            items.Count.ShouldBeGreaterThanOrEqualTo(1, $"prefix {n}");
        }
    }

    [Property(MaxTest = 200)]
    public bool Any_single_value_replacement_in_a_sample_is_handled(PositiveInt seed)
    {
        // Replace one value somewhere in an AuditEvent by a value of another JSON kind.
        var text = File.ReadAllText(SharedPaths.Sample("fhir", "r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicReadOServer.json"));
        var node = System.Text.Json.Nodes.JsonNode.Parse(text)!;
        var all = new List<System.Text.Json.Nodes.JsonNode>();
        void Walk(System.Text.Json.Nodes.JsonNode? n)
        {
            if (n is null) return;
            if (n.Parent is not null) all.Add(n);
            if (n is System.Text.Json.Nodes.JsonObject o) foreach (var kv in o) Walk(kv.Value);
            if (n is System.Text.Json.Nodes.JsonArray a) foreach (var x in a) Walk(x);
        }
        Walk(node);
        var target = all[seed.Get % all.Count];
        System.Text.Json.Nodes.JsonNode replacement = (seed.Get / all.Count % 4) switch
        {
            0 => System.Text.Json.Nodes.JsonValue.Create(42),
            1 => new System.Text.Json.Nodes.JsonArray(),
            2 => new System.Text.Json.Nodes.JsonObject(),
            _ => System.Text.Json.Nodes.JsonValue.Create("")!,
        };
        switch (target.Parent)
        {
            case System.Text.Json.Nodes.JsonObject o: o[target.GetPropertyName()] = replacement; break;
            case System.Text.Json.Nodes.JsonArray a: a[target.GetElementIndex()] = replacement; break;
        }
        var mutated = node.ToJsonString();
        var items = Read(Encoding.UTF8.GetBytes(mutated));
        using var doc = JsonDocument.Parse(mutated);
        return items.Count == 1 && Reader.ReadResource(doc.RootElement, 1, mutated).Count() == 1;
    }
}
