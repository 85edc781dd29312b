using System.Text;
using System.Text.Json;
using LogControl.Domain.Access;
using LogControl.Domain.Ingestion;
using LogControl.Ingest.Fhir;
using LogControl.Ingest.Parsing;
using NodaTime;

namespace LogControl.Tests.Ingest.Fhir;

public sealed class FhirAuditEventReaderTests
{
    private static readonly FhirAuditEventReader Reader = new();

    private static List<IngestItem> ReadText(string json)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        return Reader.ReadDocument(stream, "test.json").ToList();
    }

    private static List<IngestItem> ReadLine(string json, long line = 7)
    {
        using var doc = JsonDocument.Parse(json);
        return Reader.ReadResource(doc.RootElement.Clone(), line, json).ToList();
    }

    private static ParsedAccess One(string json)
    {
        var item = ReadText(json).ShouldHaveSingleItem();
        item.Kind.ShouldBe(ItemKind.Access, $"{item.ReasonCode}: {item.Reason}");
        return item.Access!;
    }

    /// <summary>A minimal R4 AuditEvent; <paramref name="extra"/> is spliced in as further top-level members.</summary>
    private static string R4(string extra = "", string id = "\"id\": \"a1\",", string action = "R") => $$"""
        {
          "resourceType": "AuditEvent",
          {{id}}
          "type": { "system": "http://terminology.hl7.org/CodeSystem/audit-event-type", "code": "rest" },
          "action": "{{action}}",
          "recorded": "2024-03-01T10:00:00+01:00",
          "outcome": "0",
          "agent": [ { "who": { "identifier": { "value": "u1" } }, "requestor": true } ],
          "source": { "observer": { "display": "EHR" } }{{(extra.Length > 0 ? "," : "")}}
          {{extra}}
        }
        """;

    // ---- rejected input -------------------------------------------------------------------------

    [Theory]
    [InlineData("{ \"resourceType\": \"AuditEvent\", ")]
    [InlineData("{ resourceType: 1 }")]
    [InlineData("")]
    [InlineData("   \n  ")]
    [InlineData("{} {}")]
    public void Malformed_json_is_rejected_with_the_parser_message(string json)
    {
        var item = ReadText(json).ShouldHaveSingleItem();
        item.Kind.ShouldBe(ItemKind.Rejected);
        item.ReasonCode.ShouldBe(ReasonCodes.MalformedJson);
        item.Reason.ShouldNotBeNullOrWhiteSpace();
        item.Reason.ShouldContain("test.json");
        item.Line.ShouldBe(1);
        item.Raw.ShouldBe(json);
    }

    [Fact]
    public void Invalid_utf8_is_rejected_not_thrown()
    {
        using var stream = new MemoryStream([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}']);
        var item = Reader.ReadDocument(stream, "bad.json").ShouldHaveSingleItem();
        item.Kind.ShouldBe(ItemKind.Rejected);
        item.ReasonCode.ShouldBe(ReasonCodes.MalformedJson);
    }

    [Theory]
    [InlineData("{ \"hello\": \"world\" }")]
    [InlineData("{ \"resourceType\": 42 }")]
    [InlineData("[ { \"resourceType\": \"AuditEvent\" } ]")]
    [InlineData("\"AuditEvent\"")]
    public void Json_that_is_not_a_fhir_resource_is_rejected_not_fhir(string json)
    {
        var item = ReadText(json).ShouldHaveSingleItem();
        item.Kind.ShouldBe(ItemKind.Rejected);
        item.ReasonCode.ShouldBe(ReasonCodes.NotFhir);
    }

    [Fact]
    public void A_resource_that_is_not_an_AuditEvent_is_rejected()
    {
        var item = ReadText("""{ "resourceType": "Patient", "id": "p1" }""").ShouldHaveSingleItem();
        item.Kind.ShouldBe(ItemKind.Rejected);
        item.ReasonCode.ShouldBe(ReasonCodes.NotAuditEvent);
        item.Reason!.ShouldContain("Patient");
    }

    [Fact]
    public void An_AuditEvent_without_any_timestamp_is_rejected_missing_field()
    {
        var json = R4().Replace("\"recorded\": \"2024-03-01T10:00:00+01:00\",", "");
        var item = ReadText(json).ShouldHaveSingleItem();
        item.Kind.ShouldBe(ItemKind.Rejected);
        item.ReasonCode.ShouldBe(ReasonCodes.MissingField);
    }

    [Fact]
    public void An_unparsable_timestamp_is_rejected_bad_timestamp()
    {
        var item = ReadText(R4().Replace("2024-03-01T10:00:00+01:00", "yesterday")).ShouldHaveSingleItem();
        item.ReasonCode.ShouldBe(ReasonCodes.BadTimestamp);
    }

    [Fact]
    public void A_local_time_in_the_spring_gap_is_rejected()
    {
        var item = ReadText(R4().Replace("2024-03-01T10:00:00+01:00", "2024-03-31T02:30:00")).ShouldHaveSingleItem();
        item.ReasonCode.ShouldBe(ReasonCodes.NonexistentLocalTime);
    }

    [Fact]
    public void An_AuditEvent_without_observer_is_rejected_missing_field()
    {
        var item = ReadText(R4().Replace("\"observer\": { \"display\": \"EHR\" }", "\"site\": \"x\"")).ShouldHaveSingleItem();
        item.Kind.ShouldBe(ItemKind.Rejected);
        item.ReasonCode.ShouldBe(ReasonCodes.MissingField);
    }

    // ---- time -----------------------------------------------------------------------------------

    [Fact]
    public void Recorded_with_offset_is_that_instant()
    {
        One(R4()).OccurredAt.ShouldBe(Instant.FromUtc(2024, 3, 1, 9, 0));
    }

    [Fact]
    public void A_time_without_offset_is_Stockholm_local()
    {
        One(R4().Replace("2024-03-01T10:00:00+01:00", "2024-07-01T10:00:00")).OccurredAt.ShouldBe(Instant.FromUtc(2024, 7, 1, 8, 0));
    }

    [Fact]
    public void Timestamp_falls_back_to_period_start_then_R5_occurred()
    {
        var noRecorded = R4().Replace("\"recorded\": \"2024-03-01T10:00:00+01:00\",", "");
        One(noRecorded.Replace("\"action\": \"R\",", "\"action\": \"R\", \"period\": { \"start\": \"2024-01-02T03:04:05Z\" },"))
            .OccurredAt.ShouldBe(Instant.FromUtc(2024, 1, 2, 3, 4, 5));
        One(noRecorded.Replace("\"action\": \"R\",", "\"action\": \"R\", \"occurredDateTime\": \"2024-01-02T03:04:05Z\","))
            .OccurredAt.ShouldBe(Instant.FromUtc(2024, 1, 2, 3, 4, 5));
        One(noRecorded.Replace("\"action\": \"R\",", "\"action\": \"R\", \"occurredPeriod\": { \"start\": \"2024-01-02T03:04:05Z\" },"))
            .OccurredAt.ShouldBe(Instant.FromUtc(2024, 1, 2, 3, 4, 5));
    }

    // ---- id -------------------------------------------------------------------------------------

    [Fact]
    public void Missing_id_gives_a_stable_content_hash()
    {
        var json = R4(id: "");
        var first = One(json).EventId;
        first.Length.ShouldBe(64);
        first.ShouldMatch("^[0-9a-f]{64}$");
        One(json).EventId.ShouldBe(first);

        // the same resource on one NDJSON line (no whitespace) gets the same id
        var compact = JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);
        ReadLine(compact).ShouldHaveSingleItem().Access!.EventId.ShouldBe(first);

        // any change in content gives another id
        One(json.Replace("u1", "u2")).EventId.ShouldNotBe(first);
        One(json.Replace("2024-03-01T10:00:00", "2024-03-01T10:00:01")).EventId.ShouldNotBe(first);
    }

    [Fact]
    public void Content_hash_ignores_how_a_string_is_escaped()
    {
        var plain = R4(id: "").Replace("\"EHR\"", "\"Praxis Dr. Müller\"");
        var escaped = R4(id: "").Replace("\"EHR\"", "\"Praxis Dr. M\\u00fcller\"");
        One(escaped).System.ShouldBe("Praxis Dr. Müller");
        One(plain).EventId.ShouldBe(One(escaped).EventId);
    }

    [Fact]
    public void A_nested_Bundle_entry_is_skipped()
    {
        var item = ReadText("""{ "resourceType": "Bundle", "entry": [ { "resource": { "resourceType": "Bundle", "entry": [] } } ] }""")
            .ShouldHaveSingleItem();
        item.Kind.ShouldBe(ItemKind.Skipped);
        item.Reason!.ShouldContain("Bundle");
    }

    [Fact]
    public void A_document_can_be_enumerated_twice()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(MixedBundle));
        var items = Reader.ReadDocument(stream, "twice.json");
        items.Count().ShouldBe(5);
        items.Count().ShouldBe(5);
    }

    [Fact]
    public void Present_id_is_the_event_id()
    {
        One(R4()).EventId.ShouldBe("a1");
        One(R4()).System.ShouldBe("EHR");
    }

    // ---- Bundle ---------------------------------------------------------------------------------

    private const string MixedBundle = """
        {
          "resourceType": "Bundle",
          "type": "collection",
          "entry": [
            {
              "fullUrl": "urn:uuid:1",
              "resource": {
                "resourceType": "AuditEvent", "id": "e1", "action": "R", "recorded": "2024-01-01T12:00:00Z",
                "agent": [ { "who": { "reference": "Practitioner/p1" }, "requestor": true } ],
                "source": { "observer": { "identifier": { "value": "sys-a" } } },
                "entity": [ { "what": { "reference": "Patient/123" } } ]
              }
            },
            { "resource": { "resourceType": "Patient", "id": "123" } },
            { "request": { "method": "GET", "url": "Patient/1" } },
            {
              "resource": { "resourceType": "AuditEvent", "id": "e2", "action": "U", "source": { "observer": { "display": "sys-b" } } }
            },
            {
              "resource": {
                "resourceType": "AuditEvent", "id": "e3", "action": "D", "recorded": "2024-01-01T13:00:00Z",
                "agent": [ { "who": { "identifier": { "value": "u3" } } } ],
                "source": { "observer": { "display": "sys-c" } }
              }
            }
          ]
        }
        """;

    [Fact]
    public void Bundle_with_mixed_entries_gives_one_item_per_entry()
    {
        var items = ReadText(MixedBundle);
        items.Select(i => i.Kind).ShouldBe([ItemKind.Access, ItemKind.Skipped, ItemKind.Skipped, ItemKind.Rejected, ItemKind.Access]);

        items[0].Access!.ShouldSatisfyAllConditions(
            a => a.System.ShouldBe("sys-a"),
            a => a.EventId.ShouldBe("e1"),
            a => a.UserId.ShouldBe("Practitioner/p1"),
            a => a.ClientId.ShouldBe("123"),
            a => a.Action.ShouldBe(AccessAction.Read));
        items[1].Reason!.ShouldContain("Patient");
        items[2].Reason!.ShouldContain("no resource");
        items[3].ReasonCode.ShouldBe(ReasonCodes.MissingField); // e2 has no timestamp
        items[4].Access!.ShouldSatisfyAllConditions(
            a => a.EventId.ShouldBe("e3"),
            a => a.UserId.ShouldBe("u3"),
            a => a.ClientId.ShouldBeNull(),
            a => a.Action.ShouldBe(AccessAction.Delete));
    }

    [Fact]
    public void Bundle_entries_carry_their_start_line_and_own_raw()
    {
        var items = ReadText(MixedBundle);
        // lines of the literal above (line 1 is the opening brace): the entry resources start on lines
        // 7, 14, 17 and 20; the entry without a resource starts on line 15
        items.Select(i => i.Line).ShouldBe([7L, 14L, 15L, 17L, 20L]);
        items[0].Raw.ShouldStartWith("{");
        items[0].Raw.ShouldContain("\"e1\"");
        items[0].Raw.ShouldNotContain("\"e3\"");
        items[2].Raw.ShouldContain("request");
    }

    [Fact]
    public void Bundle_without_entries_is_skipped()
    {
        var item = ReadText("""{ "resourceType": "Bundle", "type": "searchset", "total": 0 }""").ShouldHaveSingleItem();
        item.Kind.ShouldBe(ItemKind.Skipped);
    }

    [Fact]
    public void Byte_order_mark_is_ignored_and_lines_still_count()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("\n\n" + R4())).ToArray();
        using var stream = new MemoryStream(bytes);
        var item = Reader.ReadDocument(stream, "bom.json").ShouldHaveSingleItem();
        item.Kind.ShouldBe(ItemKind.Access);
        item.Line.ShouldBe(3);
    }

    // ---- NDJSON ---------------------------------------------------------------------------------

    [Fact]
    public void ReadResource_maps_one_AuditEvent_with_the_given_line_and_raw()
    {
        var json = JsonSerializer.Serialize(JsonDocument.Parse(R4()).RootElement);
        var item = ReadLine(json, 42).ShouldHaveSingleItem();
        item.Kind.ShouldBe(ItemKind.Access);
        item.Line.ShouldBe(42);
        item.Raw.ShouldBe(json);
        item.Access!.UserId.ShouldBe("u1");
    }

    [Fact]
    public void ReadResource_of_a_Bundle_gives_an_item_per_entry_on_that_line()
    {
        var json = JsonSerializer.Serialize(JsonDocument.Parse(MixedBundle).RootElement);
        var items = ReadLine(json, 3);
        items.Count.ShouldBe(5);
        items.ShouldAllBe(i => i.Line == 3);
        items[0].Access!.EventId.ShouldBe("e1");
        items[0].Raw.ShouldNotContain("\"e3\"");
    }

    [Fact]
    public void ReadResource_rejects_non_fhir_and_non_audit_resources()
    {
        ReadLine("""{"a":1}""").ShouldHaveSingleItem().ReasonCode.ShouldBe(ReasonCodes.NotFhir);
        ReadLine("""[1,2]""").ShouldHaveSingleItem().ReasonCode.ShouldBe(ReasonCodes.NotFhir);
        ReadLine("""{"resourceType":"Observation"}""").ShouldHaveSingleItem().ReasonCode.ShouldBe(ReasonCodes.NotAuditEvent);
    }

    // ---- R5 shapes ------------------------------------------------------------------------------

    private const string R5Search = """
        {
          "resourceType": "AuditEvent",
          "id": "r5-1",
          "category": [ { "coding": [ { "system": "http://terminology.hl7.org/CodeSystem/audit-event-type", "code": "rest" } ] } ],
          "code": { "coding": [ { "system": "http://hl7.org/fhir/restful-interaction", "code": "search-type" } ] },
          "action": "E",
          "occurredDateTime": "2024-05-05T08:00:00Z",
          "recorded": "2024-05-05T08:00:01Z",
          "outcome": { "code": { "system": "http://terminology.hl7.org/CodeSystem/issue-severity", "code": "success" } },
          "authorization": [ { "coding": [ { "system": "http://terminology.hl7.org/CodeSystem/v3-ActReason", "code": "HSYSADMIN" } ] } ],
          "patient": { "reference": "Patient/abc", "identifier": { "value": "19121212-1212" } },
          "agent": [
            {
              "who": { "reference": "PractitionerRole/pr1", "identifier": { "value": "hsa-1", "assigner": { "identifier": { "value": "unit-9" } } } },
              "role": [ { "coding": [ { "code": "nurse" } ] } ],
              "networkUri": "https://ws-17.example.se"
            }
          ],
          "source": { "observer": { "reference": "Device/ehr" } },
          "entity": [ { "what": { "reference": "Patient/other" }, "role": { "coding": [ { "system": "http://terminology.hl7.org/CodeSystem/object-role", "code": "1" } ] } } ]
        }
        """;

    [Fact]
    public void R5_shape_maps_code_patient_authorization_outcome_and_networkUri()
    {
        var a = One(R5Search);
        a.Action.ShouldBe(AccessAction.Search);
        a.OccurredAt.ShouldBe(Instant.FromUtc(2024, 5, 5, 8, 0, 1)); // recorded first
        a.Outcome.ShouldBe(AccessOutcome.Success);
        a.Purpose.ShouldBe(AccessPurpose.Admin);
        a.ClientId.ShouldBe("191212121212"); // R5 patient, identifier over reference, personnummer normalised
        a.UserId.ShouldBe("hsa-1");            // no requestor → first PractitionerRole agent; identifier over reference
        a.UserRole.ShouldBe("nurse");
        a.UnitId.ShouldBe("unit-9");           // who.identifier.assigner
        a.Terminal.ShouldBe("https://ws-17.example.se");
        a.System.ShouldBe("Device/ehr");
    }

    [Theory]
    [InlineData("\"outcome\": { \"code\": { \"code\": \"error\" } }", AccessOutcome.Failed)]
    [InlineData("\"outcome\": { \"code\": { \"code\": \"4\" } }", AccessOutcome.Failed)]
    [InlineData("\"outcome\": { \"code\": { \"code\": \"0\" } }", AccessOutcome.Success)]
    [InlineData("\"outcome\": { \"code\": { \"code\": \"success\" } }", AccessOutcome.Success)]
    public void R5_outcome(string outcome, AccessOutcome expected)
    {
        One(R4().Replace("\"outcome\": \"0\"", outcome)).Outcome.ShouldBe(expected);
    }

    [Theory]
    [InlineData("\"outcome\": \"0\"", AccessOutcome.Success)]
    [InlineData("\"outcome\": \"4\"", AccessOutcome.Failed)]
    [InlineData("\"outcome\": \"12\"", AccessOutcome.Failed)]
    [InlineData("\"outcomeDesc\": \"none\"", AccessOutcome.Success)]
    public void R4_outcome(string outcome, AccessOutcome expected)
    {
        One(R4().Replace("\"outcome\": \"0\"", outcome)).Outcome.ShouldBe(expected);
    }

    // ---- action / purpose -----------------------------------------------------------------------

    [Theory]
    [InlineData("C", AccessAction.Create)]
    [InlineData("R", AccessAction.Read)]
    [InlineData("U", AccessAction.Update)]
    [InlineData("D", AccessAction.Delete)]
    [InlineData("E", AccessAction.Read)]
    public void Action_letter(string letter, AccessAction expected)
    {
        One(R4(action: letter)).Action.ShouldBe(expected);
    }

    [Theory]
    [InlineData("\"subtype\": [ { \"code\": \"search-system\" } ]", "R", AccessAction.Search)]
    [InlineData("\"subtype\": [ { \"code\": \"print\" } ]", "E", AccessAction.Print)]
    [InlineData("\"subtype\": [ { \"system\": \"http://dicom.nema.org/resources/ontology/DCM\", \"code\": \"110122\" } ]", "E", AccessAction.Login)]
    [InlineData("\"subtype\": [ { \"system\": \"http://dicom.nema.org/resources/ontology/DCM\", \"code\": \"110123\" } ]", "E", AccessAction.Logout)]
    [InlineData("\"category\": [ { \"coding\": [ { \"system\": \"http://dicom.nema.org/resources/ontology/DCM\", \"code\": \"110106\" } ] } ]", "R", AccessAction.Export)]
    [InlineData("\"subtype\": [ { \"system\": \"http://snomed.info/sct\", \"code\": \"110122\" } ]", "E", AccessAction.Read)]
    public void Action_from_subtype_and_codes(string codes, string letter, AccessAction expected)
    {
        One(R4(codes, action: letter)).Action.ShouldBe(expected);
    }

    [Fact]
    public void Without_action_the_restful_interaction_decides()
    {
        One(R4("\"subtype\": [ { \"code\": \"patch\" } ]").Replace("\"action\": \"R\",", "")).Action.ShouldBe(AccessAction.Update);
    }

    [Theory]
    [InlineData("\"purposeOfEvent\": [ { \"coding\": [ { \"code\": \"BTG\" } ] } ]", AccessPurpose.Emergency)]
    [InlineData("\"purposeOfEvent\": [ { \"coding\": [ { \"code\": \"ETREAT\" } ] }, { \"coding\": [ { \"code\": \"HOPERAT\" } ] } ]", AccessPurpose.Emergency)]
    [InlineData("\"purposeOfEvent\": [ { \"coding\": [ { \"code\": \"HOPERAT\" } ] } ]", AccessPurpose.Admin)]
    [InlineData("\"purposeOfEvent\": [ { \"coding\": [ { \"code\": \"TREAT\" } ] } ]", AccessPurpose.Care)]
    public void Purpose(string purpose, AccessPurpose expected)
    {
        One(R4(purpose)).Purpose.ShouldBe(expected);
    }

    [Fact]
    public void Agent_purposeOfUse_counts()
    {
        var json = R4().Replace("\"requestor\": true", "\"requestor\": true, \"purposeOfUse\": [ { \"coding\": [ { \"code\": \"HSYSADMIN\" } ] } ]");
        One(json).Purpose.ShouldBe(AccessPurpose.Admin);
    }

    // ---- user / client --------------------------------------------------------------------------

    [Fact]
    public void With_no_agent_the_observer_is_the_user()
    {
        var a = One(R4().Replace("\"agent\": [ { \"who\": { \"identifier\": { \"value\": \"u1\" } }, \"requestor\": true } ],", ""));
        a.UserId.ShouldBe("EHR");
    }

    [Fact]
    public void Requestor_beats_practitioner_and_altId_is_used_when_who_names_nobody()
    {
        var json = R4().Replace(
            "\"agent\": [ { \"who\": { \"identifier\": { \"value\": \"u1\" } }, \"requestor\": true } ]",
            "\"agent\": [ { \"who\": { \"reference\": \"Practitioner/p9\" } }, { \"altId\": \"alt-7\", \"requestor\": true, \"location\": { \"identifier\": { \"value\": \"avd-3\" } } } ]");
        var a = One(json);
        a.UserId.ShouldBe("alt-7");
        a.UnitId.ShouldBe("avd-3");
    }

    [Theory]
    [InlineData("{ \"what\": { \"reference\": \"https://fhir.example.se/Patient/42/_history/3\" } }", "42")]
    [InlineData("{ \"what\": { \"type\": \"Patient\", \"identifier\": { \"value\": \"P-1\" } } }", "P-1")]
    [InlineData("{ \"what\": { \"identifier\": { \"value\": \"P-2\" } }, \"role\": { \"system\": \"http://terminology.hl7.org/CodeSystem/object-role\", \"code\": \"1\" } }", "P-2")]
    [InlineData("{ \"what\": { \"identifier\": { \"value\": \"P-3\" } }, \"type\": { \"system\": \"http://hl7.org/fhir/resource-types\", \"code\": \"Patient\" } }", "P-3")]
    [InlineData("{ \"what\": { \"reference\": \"Patient/123\", \"identifier\": { \"value\": \"ID-9\" } } }", "ID-9")]
    [InlineData("{ \"what\": { \"identifier\": { \"value\": \"X-1\" } }, \"type\": { \"system\": \"http://terminology.hl7.org/CodeSystem/audit-entity-type\", \"code\": \"1\" } }", null)]
    [InlineData("{ \"what\": { \"reference\": \"Observation/5\" } }", null)]
    public void Client_from_entities(string entity, string? expected)
    {
        One(R4($"\"entity\": [ {entity} ]")).ClientId.ShouldBe(expected);
    }

    [Theory]
    [InlineData("191212121212", "191212121212")]
    [InlineData("19121212-1212", "191212121212")]
    [InlineData("121212-1212", "201212121212")]  // 10 digits: century from the event year (2024)
    [InlineData("121212+1212", "191212121212")]  // '+': 100 years or older
    [InlineData("19121212-1213", "19121212-1213")] // bad check digit: kept as given, not rejected
    [InlineData("1234567890", "1234567890")]       // no plausible date: not a personnummer
    [InlineData("ex-patient", "ex-patient")]
    public void Personnummer_like_client_ids_are_normalised_only_when_valid(string value, string expected)
    {
        One(R4($"\"entity\": [ {{ \"what\": {{ \"type\": \"Patient\", \"identifier\": {{ \"value\": \"{value}\" }} }} }} ]"))
            .ClientId.ShouldBe(expected);
    }
}
