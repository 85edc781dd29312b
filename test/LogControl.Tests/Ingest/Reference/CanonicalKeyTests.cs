using System.Text.Json.Nodes;
using LogControl.Domain.Reference;
using LogControl.Ingest.Parsing;
using LogControl.Ingest.Reference;
using NodaTime;

namespace LogControl.Tests.Ingest.Reference;

public class CanonicalKeyTests
{
    private static string Key(string json)
    {
        var item = FactAssertions.ReadLine(json);
        item.Kind.ShouldBe(ItemKind.Fact, $"{json}: {item.Reason}");
        return ReferenceFactReader.CanonicalKey(item.Fact!);
    }

    /// <summary>One full line per type and, for each mapped field, a different valid value.</summary>
    public static TheoryData<string, string, string> FieldChanges()
    {
        var data = new TheoryData<string, string, string>();
        void Add(string line, params (string Field, string Json)[] changes)
        {
            foreach (var (field, json) in changes) data.Add(line, field, json);
        }

        Add("""{"type":"unit","unit_id":"HT-NATT","name":"Nattpatrullen","kind":"hemtjanst_natt","manager_user_id":"M","comparable_group":"g","covers_units":["HT-NORR","HT-SYD"]}""",
            ("unit_id", "\"HT-NATT2\""), ("name", "\"Natt\""), ("name", "null"), ("kind", "\"other\""), ("manager_user_id", "\"M2\""),
            ("comparable_group", "\"h\""), ("covers_units", "[\"HT-NORR\"]"), ("covers_units", "[]"), ("covers_units", "[\"HT-NORR\",\"HT-VAST\"]"));
        Add("""{"type":"staff","user_id":"U","name":"Åsa Öberg","surname":"Öberg","personnummer":"191212121212","address_key":"a","role":"r","unit_id":"X","from":"2024-01-01","to":"2024-12-31"}""",
            ("user_id", "\"U2\""), ("name", "\"Åsa Oberg\""), ("surname", "\"Oberg\""), ("personnummer", "null"), ("address_key", "\"b\""),
            ("role", "\"s\""), ("unit_id", "\"Y\""), ("from", "\"2024-01-02\""), ("to", "null"), ("to", "\"2025-01-01\""));
        Add("""{"type":"client","client_id":"191212121212","surname":"T","address_key":"a","protected_identity":false,"deceased_on":null}""",
            ("client_id", "\"C1\""), ("surname", "\"U\""), ("address_key", "null"), ("protected_identity", "true"), ("deceased_on", "\"2026-01-01\""));
        Add("""{"type":"enrollment","client_id":"C","unit_id":"X","from":"2025-06-01","to":null}""",
            ("client_id", "\"D\""), ("unit_id", "\"Y\""), ("from", "null"), ("from", "\"2025-06-02\""), ("to", "\"2025-06-01\""));
        Add("""{"type":"assignment","user_id":"U","client_id":"C","from":"2025-06-01","to":null,"reason":"kontaktman"}""",
            ("user_id", "\"V\""), ("client_id", "\"D\""), ("from", "\"2025-05-01\""), ("to", "\"2025-07-01\""), ("reason", "\"other\""), ("reason", "null"));
        Add("""{"type":"shift","user_id":"U","unit_id":"X","start":"2026-03-02T07:00:00","end":"2026-03-02T16:00:00"}""",
            ("user_id", "\"V\""), ("unit_id", "\"Y\""), ("start", "\"2026-03-02T07:00:01\""), ("end", "\"2026-03-02T16:00:00Z\""), ("end", "null"));
        Add("""{"type":"visit","visit_id":"V1","client_id":"C","user_id":"U","unit_id":"X","start":"2026-03-02T08:00:00","end":"2026-03-02T08:30:00"}""",
            ("visit_id", "\"V2\""), ("client_id", "\"D\""), ("user_id", "\"W\""), ("unit_id", "null"), ("start", "\"2026-03-02T07:59:00\""),
            ("end", "\"2026-03-02T08:30:00.001\""));
        Add("""{"type":"relation","user_id":"U","client_id":"C","kind":"family","from":"2020-01-01"}""",
            ("user_id", "\"V\""), ("client_id", "\"D\""), ("kind", "\"neighbour\""), ("from", "null"));
        return data;
    }

    [Theory]
    [MemberData(nameof(FieldChanges))]
    public void Key_changes_when_any_mapped_field_changes(string line, string field, string newValueJson)
    {
        var node = JsonNode.Parse(line)!.AsObject();
        node[field] = JsonNode.Parse(newValueJson);
        Key(node.ToJsonString()).ShouldNotBe(Key(line), $"{field} = {newValueJson}");
    }

    [Fact]
    public void Key_is_stable_under_key_order_and_whitespace()
    {
        var a = """{"type":"visit","visit_id":"V-88121","client_id":"191212121212","user_id":"SE2321000032-U1001","unit_id":"HT-NORR","start":"2026-03-02T08:00:00","end":"2026-03-02T08:30:00"}""";
        var b = """
            {  "end" : "2026-03-02T08:30:00",
               "unit_id":"HT-NORR", "start":"2026-03-02T08:00:00",
               "user_id" : "SE2321000032-U1001","client_id":"191212121212","visit_id":"V-88121", "type":"visit" }
            """;
        Key(b).ShouldBe(Key(a));
        Key(a).ShouldBe(Key(a));
        Key(a).Length.ShouldBe(64);
        Key(a).ShouldMatch("^[0-9a-f]{64}$");
    }

    [Fact]
    public void Key_is_over_parsed_values_not_text()
    {
        // Same instant in three spellings; same personnummer in two; trimmed strings.
        var k = Key("""{"type":"visit","visit_id":"V","client_id":"191212121212","user_id":"U","start":"2026-03-02T08:00:00"}""");
        Key("""{"type":"visit","visit_id":"V","client_id":"19121212-1212","user_id":"U","start":"2026-03-02T07:00:00Z"}""").ShouldBe(k);
        Key("""{"type":"visit","visit_id":" V ","client_id":"191212121212","user_id":"U","start":"2026-03-02 09:00+02:00","end":null}""").ShouldBe(k);
    }

    [Fact]
    public void Key_ignores_unknown_fields_and_covers_units_order()
    {
        var k = Key("""{"type":"unit","unit_id":"N","covers_units":["A","B"]}""");
        Key("""{"type":"unit","unit_id":"N","covers_units":["B","A","A"],"note":"x"}""").ShouldBe(k);
    }

    [Fact]
    public void Absent_null_and_empty_optional_values_are_the_same()
    {
        var k = Key("""{"type":"unit","unit_id":"N"}""");
        Key("""{"type":"unit","unit_id":"N","name":null,"covers_units":null}""").ShouldBe(k);
        Key("""{"type":"unit","unit_id":"N","name":"","covers_units":[]}""").ShouldBe(k);
    }

    [Fact]
    public void Different_types_with_the_same_values_have_different_keys()
    {
        Key("""{"type":"assignment","user_id":"U","client_id":"C"}""")
            .ShouldNotBe(Key("""{"type":"relation","user_id":"U","client_id":"C","kind":"other"}"""));
        // Field boundaries are unambiguous.
        ReferenceFactReader.CanonicalKey(new EnrollmentRecorded("ab", "c", null, null))
            .ShouldNotBe(ReferenceFactReader.CanonicalKey(new EnrollmentRecorded("a", "bc", null, null)));
        ReferenceFactReader.CanonicalKey(new UnitDescribed("U", null, "x", null, null, []))
            .ShouldNotBe(ReferenceFactReader.CanonicalKey(new UnitDescribed("U", "x", null, null, null, [])));
    }

    [Fact]
    public void Key_works_on_records_built_in_code_and_rejects_other_objects()
    {
        var shift = new ShiftRecorded("U", Instant.FromUtc(2026, 3, 2, 6, 0), null, "X");
        ReferenceFactReader.CanonicalKey(shift)
            .ShouldBe(Key("""{"type":"shift","user_id":"U","unit_id":"X","start":"2026-03-02T07:00:00","extra":1}"""));
        Should.Throw<ArgumentException>(() => ReferenceFactReader.CanonicalKey("not a fact"));
    }
}
