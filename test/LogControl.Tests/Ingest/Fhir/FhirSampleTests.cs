using LogControl.Domain.Access;
using LogControl.Ingest.Fhir;
using LogControl.Ingest.Parsing;
using LogControl.Tests.Support;

namespace LogControl.Tests.Ingest.Fhir;

/// <summary>Every published sample ingests, and maps to what <see cref="FhirSampleTable"/> says (written by hand).</summary>
public sealed class FhirSampleTests
{
    private static string FhirDir => SharedPaths.Sample("fhir");

    public static TheoryData<string> Files() => new(FhirSampleTable.Rows.Keys.Order(StringComparer.Ordinal));

    private static List<IngestItem> Read(string relative)
    {
        using var stream = File.OpenRead(Path.Combine(FhirDir, relative));
        return new FhirAuditEventReader().ReadDocument(stream, relative).ToList();
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Sample_maps_as_read_by_hand(string file)
    {
        var expected = FhirSampleTable.Rows[file];
        var items = Read(file);

        items.Count.ShouldBe(expected.Length, $"{file}: item count");
        for (var i = 0; i < expected.Length; i++)
        {
            var item = items[i];
            var e = expected[i];
            item.Kind.ShouldBe(ItemKind.Access, $"{file}[{i}]: {item.ReasonCode} {item.Reason}");
            var a = item.Access!;
            a.System.ShouldBe(e.System, $"{file}[{i}] system");
            a.EventId.ShouldBe(e.EventId, $"{file}[{i}] event_id");
            a.UserId.ShouldBe(e.UserId, $"{file}[{i}] user_id");
            a.ClientId.ShouldBe(e.ClientId, $"{file}[{i}] client_id");
            a.Action.ShouldBe(e.Action, $"{file}[{i}] action");
            a.Purpose.ShouldBe(e.Purpose, $"{file}[{i}] purpose");
            a.Outcome.ShouldBe(e.Outcome, $"{file}[{i}] outcome");
            a.OccurredAt.ShouldBe(e.Instant, $"{file}[{i}] instant");
            item.Line.ShouldBeGreaterThan(0);
            item.Raw.ShouldContain("\"AuditEvent\"");
        }
    }

    [Fact]
    public void Table_covers_every_sample_file()
    {
        var onDisk = Directory.EnumerateFiles(FhirDir, "*.json", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "_package.json")
            .Select(f => Path.GetRelativePath(FhirDir, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

        onDisk.Count.ShouldBe(71, "9 R4 core + 13 R5 + 46 BALP + 3 gematik, per samples/README.md");
        onDisk.ShouldBe(FhirSampleTable.Rows.Keys.Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public void Bundle_items_carry_the_line_where_each_entry_resource_starts()
    {
        // grep -n '"resource"' gives 22, 89, 156 and 21, 90, 162.
        Read("r4-gematik-erp/2023-07-01_07_response_getAuditEvent.json").Select(i => i.Line).ShouldBe([22L, 89L, 156L]);
        Read("r4-gematik-erp/2025-01-15_07_response_getAuditEvent.json").Select(i => i.Line).ShouldBe([21L, 90L, 162L]);
    }

    [Fact]
    public void Bundle_items_carry_their_own_resource_json_as_raw()
    {
        var items = Read("r4-gematik-erp/2023-07-01_07_response_getAuditEvent.json");
        items[0].Raw.TrimStart().ShouldStartWith("{");
        items[0].Raw.ShouldContain("\"58862\"");
        items[0].Raw.ShouldNotContain("\"58863\"");
        items[0].Raw.ShouldNotContain("searchset");
    }

    [Fact]
    public void A_single_resource_starts_on_line_1_and_raw_is_the_resource()
    {
        var item = Read("r4-core/audit-event-example-login.json").Single();
        item.Line.ShouldBe(1);
        var text = File.ReadAllText(Path.Combine(FhirDir, "r4-core/audit-event-example-login.json"));
        item.Raw.ShouldBe(text.Trim());
    }

    [Fact]
    public void Login_sample_details_user_name_role_and_terminal()
    {
        var a = Read("r4-core/audit-event-example-login.json").Single().Access!;
        a.UserName.ShouldBe("Grahame Grieve");
        a.UserRole.ShouldBe("humanuser");
        a.Terminal.ShouldBe("127.0.0.1");
        a.UnitId.ShouldBeNull();
    }

    [Fact]
    public void Disclosure_sample_unit_from_location_reference_and_terminal_from_network()
    {
        var a = Read("r4-core/auditevent-example-disclosure.json").Single().Access!;
        a.UnitId.ShouldBe("1");
        a.Terminal.ShouldBe("custodian.net");
        a.UserRole.ShouldBe("110153");
        a.Detail.ShouldBe("data about Everthing important");
    }

    [Fact]
    public void R5_breakglass_unit_terminal_from_networkString()
    {
        var a = Read("r5-snapshot3/AuditEvent-example-breakglass-start.json").Single().Access!;
        a.UnitId.ShouldBe("1");
        a.Terminal.ShouldBe("custodian.net");
        a.Purpose.ShouldBe(AccessPurpose.Emergency);
    }

    [Fact]
    public void Terminal_falls_back_to_the_source_role_agents_network()
    {
        // R4 search: the requestor (95) has no network; the DICOM 110153 Source Role agent has Workstation1.
        var a = Read("r4-core/audit-event-example-search.json").Single().Access!;
        a.Terminal.ShouldBe("Workstation1.ehr.familyclinic.com");
    }

    [Fact]
    public void Failed_event_detail_is_the_outcome_description()
    {
        var a = Read("r4-core/auditevent-example-error.json").Single().Access!;
        a.Detail.ShouldBe("Invalid request to create an Operation resource on the Patient endpoint.");
        var r5 = Read("r5-snapshot3/AuditEvent-example-error.json").Single().Access!;
        r5.Detail.ShouldBe("Invalid request to create an Operation resource on the Patient endpoint.");
    }
}
