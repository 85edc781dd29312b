using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LogControl.Domain.Ingestion;
using LogControl.Ingest.Parsing;
using LogControl.Ingest.Reference;

namespace LogControl.Tests.Ingest.Reference;

public class ReferenceFactReaderProperties
{
    private static readonly string[] Codes =
        [ReasonCodes.MalformedFact, ReasonCodes.UnknownFactType, ReasonCodes.BadPersonnummer];

    private static bool WellFormed(IngestItem item) => item.Kind switch
    {
        ItemKind.Fact => item.Fact is not null,
        ItemKind.Rejected => Codes.Contains(item.ReasonCode) && !string.IsNullOrEmpty(item.Reason),
        _ => false,
    };

    [Property(MaxTest = 300)]
    public bool Read_never_throws_and_yields_one_item_per_non_blank_line(string?[] generated)
    {
        // Lines cannot contain line breaks; a U+FEFF at the very start of the stream is a byte order mark.
        var lines = (generated ?? []).Select(l => (l ?? "").Replace('\r', ' ').Replace('\n', ' ')).ToArray();
        var text = string.Join("\n", lines);
        var expected = lines
            .Select((l, i) => (Line: i + 1L, Text: i == 0 && l.StartsWith('\uFEFF') ? l[1..] : l))
            .Where(x => !string.IsNullOrWhiteSpace(x.Text))
            .Select(x => x.Line)
            .ToArray();

        var items = ReferenceFactReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "fuzz.ndjson").ToList();

        return items.Select(i => i.Line).SequenceEqual(expected) && items.All(WellFormed);
    }

    private static readonly string[] Templates = File.ReadAllLines(
            Path.Combine(LogControl.Tests.Support.SharedPaths.Samples, "reference.ndjson"))
        .Where(l => l.Length > 0)
        .ToArray();

    [Property(MaxTest = 500)]
    public bool Any_field_value_yields_exactly_one_well_formed_item(NonNegativeInt template, NonNegativeInt field, string? value, bool asString)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(Templates[template.Get % Templates.Length])!.AsObject();
        var names = node.Select(p => p.Key).ToArray();
        var name = names[field.Get % names.Length];
        node[name] = asString || value is null
            ? System.Text.Json.Nodes.JsonValue.Create(value)
            : System.Text.Json.Nodes.JsonValue.Create(value.Length); // a number where a string is expected
        var line = node.ToJsonString();

        var items = ReferenceFactReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(line + "\n")), "fuzz.ndjson").ToList();
        if (items.Count != 1 || !WellFormed(items[0])) return false;
        // A fact always has a stable key.
        return items[0].Kind != ItemKind.Fact || ReferenceFactReader.CanonicalKey(items[0].Fact!).Length == 64;
    }
}
