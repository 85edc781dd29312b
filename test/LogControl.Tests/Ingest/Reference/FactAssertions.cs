using System.Text;
using System.Text.Json;
using LogControl.Domain.Reference;
using LogControl.Ingest.Parsing;
using LogControl.Ingest.Reference;

namespace LogControl.Tests.Ingest.Reference;

internal static class FactAssertions
{
    /// <summary>Fixed fallback reference year so 10-digit personnummer tests do not depend on the clock.</summary>
    public const int Year = 2026;

    public static IngestItem ReadLine(string json, long line = 1)
    {
        using var doc = JsonDocument.Parse(json);
        return ReferenceFactReader.ReadFact(doc.RootElement, line, json, Year);
    }

    public static List<IngestItem> ReadText(string text, string source = "test.ndjson") =>
        ReferenceFactReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), source, Year).ToList();

    public static T ShouldBeFact<T>(this IngestItem item) where T : class
    {
        item.Kind.ShouldBe(ItemKind.Fact, $"{item.ReasonCode}: {item.Reason}");
        return item.Fact.ShouldBeOfType<T>();
    }

    /// <summary>Structural equality: records compare their collections by reference, so compare those apart.</summary>
    public static void ShouldBeFact(this IngestItem item, object expected)
    {
        item.Kind.ShouldBe(ItemKind.Fact, $"{item.ReasonCode}: {item.Reason}");
        var actual = item.Fact.ShouldNotBeNull();
        actual.GetType().ShouldBe(expected.GetType());
        if (actual is UnitDescribed ua && expected is UnitDescribed ue)
            ua.CoversUnits.ShouldBe(ue.CoversUnits);
        ExtraOf(actual).ShouldBe(ExtraOf(expected));
        Strip(actual).ShouldBe(Strip(expected));
    }

    public static void ShouldBeRejected(this IngestItem item, string code, params string[] reasonContains)
    {
        item.Kind.ShouldBe(ItemKind.Rejected, $"expected {code}, got {item.Fact}");
        item.ReasonCode.ShouldBe(code, item.Reason);
        foreach (var s in reasonContains)
            item.Reason.ShouldNotBeNull().ShouldContain(s, Case.Insensitive);
    }

    public static Dictionary<string, string>? ExtraOf(object fact) => (fact switch
    {
        UnitDescribed f => f.Extra,
        StaffPlacementRecorded f => f.Extra,
        ClientDescribed f => f.Extra,
        EnrollmentRecorded f => f.Extra,
        AssignmentRecorded f => f.Extra,
        ShiftRecorded f => f.Extra,
        VisitRecorded f => f.Extra,
        RelationDeclared f => f.Extra,
        _ => throw new ArgumentException(fact.GetType().Name),
    })?.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary();

    private static readonly string[] NoUnits = [];

    private static object Strip(object fact) => fact switch
    {
        UnitDescribed f => f with { CoversUnits = NoUnits, Extra = null },
        StaffPlacementRecorded f => f with { Extra = null },
        ClientDescribed f => f with { Extra = null },
        EnrollmentRecorded f => f with { Extra = null },
        AssignmentRecorded f => f with { Extra = null },
        ShiftRecorded f => f with { Extra = null },
        VisitRecorded f => f with { Extra = null },
        RelationDeclared f => f with { Extra = null },
        _ => throw new ArgumentException(fact.GetType().Name),
    };
}
