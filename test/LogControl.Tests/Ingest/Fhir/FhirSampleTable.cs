using LogControl.Domain.Access;
using NodaTime.Text;
using static LogControl.Domain.Access.AccessAction;
using static LogControl.Domain.Access.AccessPurpose;
using static LogControl.Domain.Access.AccessOutcome;

namespace LogControl.Tests.Ingest.Fhir;

/// <summary>One expected access event, written down by reading the sample JSON and applying the contract by hand.</summary>
public sealed record ExpectedAccess(
    string System, string EventId, string UserId, string? ClientId,
    AccessAction Action, AccessPurpose Purpose, AccessOutcome Outcome, string InstantUtc)
{
    public NodaTime.Instant Instant => InstantPattern.ExtendedIso.Parse(InstantUtc).Value;
}

/// <summary>
/// The expected mapping of every sample under shared/samples/fhir, keyed by path relative to that folder.
/// Derived by reading each file (source.observer, id, recorded, agents, entities, codes) — not from the
/// reader's output. Bundles list one row per entry, in order.
/// </summary>
public static class FhirSampleTable
{
    private const string Hl7 = "hl7connect.healthintersections.com.au";
    private const string Dev = "Device/ex-device";
    private const string MyMachine = "myMachine.example.org";
    private const string Watchers = "Watchers Accounting of Disclosures Application";
    private const string ModelAbc = "model number ABC, serial number 1234";
    private const string Cx = "e3cdfc81a0d24bd^^^&2.16.840.1.113883.4.2&ISO";
    private const string Balp = "2020-04-29T09:49:00Z";
    private const string Pat = "ex-patient";

    private static ExpectedAccess E(string system, string id, string user, string? client, AccessAction action, string utc,
        AccessPurpose purpose = Care, AccessOutcome outcome = Success) =>
        new(system, id, user, client, action, purpose, outcome, utc);

    public static readonly IReadOnlyDictionary<string, ExpectedAccess[]> Rows = new Dictionary<string, ExpectedAccess[]>
    {
        // ---- FHIR R4 core -------------------------------------------------------------------------------
        // type 110114 User Authentication + subtype 110122 Login / 110123 Logout; requestor who.identifier 95
        ["r4-core/audit-event-example-login.json"] = [E(Hl7, "example-login", "95", null, Login, "2013-06-20T23:41:23Z")],
        ["r4-core/audit-event-example-logout.json"] = [E(Hl7, "example-logout", "95", null, Logout, "2013-06-20T23:46:41Z")],
        // type 110106 Export, action R; observer by display; patient entity (role 1) identified by identifier only
        ["r4-core/audit-event-example-media.json"] = [E(Hl7, "example-media", "95", Cx, Export, "2015-08-27T23:42:24Z")],
        // type 110112 Query, subtype ITI-9, action E → search (DICOM Query); patient entity by identifier
        ["r4-core/audit-event-example-pixQuery.json"] = [E(Hl7, "example-pixQuery", "95", Cx, Search, "2015-08-26T23:42:24Z")],
        // subtype search, only a query entity → no patient
        ["r4-core/audit-event-example-search.json"] = [E(Hl7, "example-search", "95", null, Search, "2015-08-22T23:42:24Z")],
        // id is example-rest; entity what Patient/example/_history/1 (type 2, no role) → client "example"
        ["r4-core/audit-event-example-vread.json"] = [E(Hl7, "example-rest", "95", "example", Read, "2013-06-20T23:42:24Z")],
        // 110106 Export; requestor SomeIdiot@nowhere; patient entity Patient/example; HMARKT → care
        ["r4-core/auditevent-example-disclosure.json"] = [E(Watchers, "example-disclosure", "SomeIdiot@nowhere", "example", Export, "2013-09-22T00:08:00Z")],
        // outcome 8 → failed; entities are a detail-only object and #o1 (OperationOutcome) → no patient
        ["r4-core/auditevent-example-error.json"] = [E(Hl7, "example-error", "95", null, Create, "2017-09-07T23:42:24Z", outcome: Failed)],
        // Application Start (E, 110100/110120); no requestor, no Practitioner/Device → first agent "Grahame";
        // recorded 22:04:27+11:00 = 11:04:27Z; source.type 110122 is the source's type, not a login
        ["r4-core/auditevent-example.json"] = [E("Grahame's Laptop", "example", "Grahame", null, Read, "2012-10-25T11:04:27Z")],

        // ---- FHIR R5 snapshot3 --------------------------------------------------------------------------
        // observer by reference only; requestor Betty Jones has only who.display; R5 patient Patient/example
        ["r5-snapshot3/AuditEvent-example-advanced-create.json"] = [E("Device/example", "example-advanced-create", "Betty Jones", "example", Create, "2020-04-29T09:49:00Z")],
        // 110113/110127 Emergency Override Started, E → read; R5 authorization ETREAT → emergency
        ["r5-snapshot3/AuditEvent-example-breakglass-start.json"] = [E(Watchers, "example-breakglass-start", "Practitioner/f001", "example", Read, "2013-09-22T00:08:00Z", Emergency)],
        // code 110112 Query, E → search; R5 patient; agent authorization TREAT → care
        ["r5-snapshot3/AuditEvent-example-consent-permit-authz.json"] = [E("LEAP Consent Decision Service", "example-consent-permit-authz", "Org1", "example", Search, "2021-09-08T21:51:59.932Z")],
        // category 110106 → export; R5 patient Patient/example wins over the entity's identifier What.id
        ["r5-snapshot3/AuditEvent-example-disclosure.json"] = [E(Watchers, "example-disclosure", "SomeIdiot@nowhere", "example", Export, "2013-09-22T00:08:00Z")],
        // outcome.code issue-severity "error" → failed; observer identifier wins over display "Cloud"
        ["r5-snapshot3/AuditEvent-example-error.json"] = [E(Hl7, "example-error", "95", null, Create, "2017-09-07T23:42:24Z", outcome: Failed)],
        // category 110114, code 110122 / 110123
        ["r5-snapshot3/AuditEvent-example-login.json"] = [E(Hl7, "example-login", "95", null, Login, "2013-06-20T23:41:23Z")],
        ["r5-snapshot3/AuditEvent-example-logout.json"] = [E(Hl7, "example-logout", "95", null, Logout, "2013-06-20T23:46:41Z")],
        ["r5-snapshot3/AuditEvent-example-media.json"] = [E(Hl7, "example-media", "95", Cx, Export, "2015-08-27T23:42:24Z")],
        ["r5-snapshot3/AuditEvent-example-pixQuery.json"] = [E(Hl7, "example-pixQuery", "95", Cx, Search, "2015-08-26T23:42:24Z")],
        // recorded with +00:00 and milliseconds; patient entity (role 1) Patient/example/_history/1
        ["r5-snapshot3/AuditEvent-example-rest-create-traceID.json"] = [E(Hl7, "example-rest-create-traceID", "95", "example", Create, "2019-12-04T11:59:28.646Z")],
        ["r5-snapshot3/AuditEvent-example-rest.json"] = [E(Hl7, "example-rest", "95", "example", Read, "2013-06-20T23:42:24Z")],
        ["r5-snapshot3/AuditEvent-example-search.json"] = [E(Hl7, "example-search", "95", null, Search, "2015-08-22T23:42:24Z")],
        ["r5-snapshot3/AuditEvent-example.json"] = [E("Grahame's Laptop", "example", "Grahame", null, Read, "2012-10-25T11:04:27Z")],

        // ---- IHE BALP 1.1.4 -----------------------------------------------------------------------------
        // Security Alert 110113 / AuthZ-Consent, E → read; requestor Practitioner/ex-practitioner; deny has outcome 8
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditAuthZconsent-deny.json"] = [E("Device/ex-authz", "ex-auditAuthZconsent-deny", "Practitioner/ex-practitioner", Pat, Read, "2021-12-27T09:49:00Z", outcome: Failed)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditAuthZconsent.json"] = [E("Device/ex-authz", "ex-auditAuthZconsent", "Practitioner/ex-practitioner", Pat, Read, "2021-12-27T09:49:00Z")],
        // requestors with only a who.display
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicCreate1.json"] = [E(Dev, "ex-auditBasicCreate1", "Betty Jones", Pat, Create, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicCreate2.json"] = [E(Dev, "ex-auditBasicCreate2", "Charley Miller", Pat, Create, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicCreateClient.json"] = [E(Dev, "ex-auditBasicCreateClient", "John Smith", Pat, Create, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicCreateNoPatient.json"] = [E(Dev, "ex-auditBasicCreateNoPatient", "John Smith", null, Create, Balp)],
        // no requestor: the first Device agent (who.reference Device/ex-device) is the user
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicCreateNoUser.json"] = [E(Dev, "ex-auditBasicCreateNoUser", Dev, Pat, Create, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicCreateNoUserJob.json"] = [E(Dev, "ex-auditBasicCreateNoUserJob", Dev, Pat, Create, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicCreateNoUserReport.json"] = [E(Dev, "ex-auditBasicCreateNoUserReport", Dev, Pat, Create, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicCreateServer.json"] = [E(MyMachine, "ex-auditBasicCreateServer", "John Smith", Pat, Create, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicDelete2.json"] = [E(Dev, "ex-auditBasicDelete2", "Charley Miller", Pat, Delete, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicDeleteClient.json"] = [E(MyMachine, "ex-auditBasicDeleteClient", "John Smith", Pat, Delete, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicDeleteInformant.json"] = [E(Dev, "ex-auditBasicDeleteInformant", "Betty Jones", Pat, Delete, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicDeleteNoPatient.json"] = [E(Dev, "ex-auditBasicDeleteNoPatient", "John Smith", null, Delete, "2020-04-06T09:49:00Z")],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicDeleteNoUser.json"] = [E(MyMachine, "ex-auditBasicDeleteNoUser", Dev, Pat, Delete, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicDeleteNoUserJob.json"] = [E(MyMachine, "ex-auditBasicDeleteNoUserJob", Dev, Pat, Delete, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicDeleteNoUserReport.json"] = [E(MyMachine, "ex-auditBasicDeleteNoUserReport", Dev, Pat, Delete, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicDeleteServer.json"] = [E(Dev, "ex-auditBasicDeleteServer", "John Smith", Pat, Delete, Balp)],
        // patch is action U
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicPatch.json"] = [E(Dev, "ex-auditBasicPatch", "John Smith", Pat, Update, Balp)],
        // subtype search / search-type with action E
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicQueryGetClient.json"] = [E(MyMachine, "ex-auditBasicQueryGetClient", "John Smith", Pat, Search, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicQueryGetNoPatient.json"] = [E(Dev, "ex-auditBasicQueryGetNoPatient", "John Smith", null, Search, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicQueryGetServer.json"] = [E(Dev, "ex-auditBasicQueryGetServer", "John Smith", Pat, Search, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicQueryPost.json"] = [E(Dev, "ex-auditBasicQueryPost", "John Smith", Pat, Search, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicReadClient.json"] = [E(MyMachine, "ex-auditBasicReadClient", "John Smith", Pat, Read, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicReadNoPatient.json"] = [E(Dev, "ex-auditBasicReadNoPatient", "John Smith", null, Read, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicReadNoUser.json"] = [E(Dev, "ex-auditBasicReadNoUser", Dev, Pat, Read, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicReadOClient.json"] = [E(MyMachine, "ex-auditBasicReadOClient", "JohnSmith", Pat, Read, Balp)],
        // requestor has identifier value and display: identifier wins
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicReadOServer.json"] = [E(Dev, "ex-auditBasicReadOServer", "35fb1058-7f36-415b-b862-677a37c95f35", Pat, Read, Balp)],
        // requestor has no who at all → next rule: first Device agent
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicReadOServerMin.json"] = [E(Dev, "ex-auditBasicReadOServerMin", Dev, Pat, Read, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicReadServer.json"] = [E(Dev, "ex-auditBasicReadServer", "John Smith", Pat, Read, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicUpdate1.json"] = [E(Dev, "ex-auditBasicUpdate1", "Betty Jones", Pat, Update, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicUpdate2.json"] = [E(Dev, "ex-auditBasicUpdate2", "Charley Miller", Pat, Update, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicUpdateNoPatient.json"] = [E(Dev, "ex-auditBasicUpdateNoPatient", Dev, null, Update, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicUpdateNoUser.json"] = [E(Dev, "ex-auditBasicUpdateNoUser", Dev, Pat, Update, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicUpdateNoUserJob.json"] = [E(Dev, "ex-auditBasicUpdateNoUserJob", Dev, Pat, Update, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditBasicUpdateNoUserReport.json"] = [E(Dev, "ex-auditBasicUpdateNoUserReport", Dev, Pat, Update, Balp)],
        // Poke (110100, subtype poke, action R) → read, no patient; Min2 lists ETREAT among purposes → emergency
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditPoke-SAML-Comp.json"] = [E(Dev, "ex-auditPoke-SAML-Comp", "05086900124", null, Read, "2021-12-03T09:49:00Z")],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditPoke-SAML-Min.json"] = [E(Dev, "ex-auditPoke-SAML-Min", "05086900124", null, Read, "2021-12-03T09:49:00Z")],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditPoke-SAML-Min2.json"] = [E(Dev, "ex-auditPoke-SAML-Min2", "JoeL", null, Read, "2021-12-03T09:49:00Z", Emergency)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditPoke-SAML-QDI-Comp.json"] = [E(Dev, "ex-auditPoke-SAML-QDI-Comp", "UID=kskagerb", null, Read, "2021-12-03T09:49:00Z")],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditPoke-SAML-QDI-Min.json"] = [E(Dev, "ex-auditPoke-SAML-QDI-Min", "UID=kskagerb", null, Read, "2021-12-03T09:49:00Z")],
        // the requestor is the patient (who.reference Patient/ex-patient); 110106 → export, 110107 Import with C → create
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditPrivacyDisclosure-measurereport.json"] = [E(ModelAbc, "ex-auditPrivacyDisclosure-measurereport", "Patient/ex-patient", Pat, Export, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditPrivacyDisclosure-recipient-minCodes.json"] = [E(Dev, "ex-auditPrivacyDisclosure-recipient-minCodes", "Patient/ex-patient", Pat, Create, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditPrivacyDisclosure-recipient.json"] = [E(Dev, "ex-auditPrivacyDisclosure-recipient", "Patient/ex-patient", Pat, Create, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditPrivacyDisclosure-source.json"] = [E(ModelAbc, "ex-auditPrivacyDisclosure-source", "Patient/ex-patient", Pat, Export, Balp)],
        ["r4-ihe-balp-1.1.4/AuditEvent-ex-auditPrivacyDisclosure-source2.json"] = [E(ModelAbc, "ex-auditPrivacyDisclosure-source2", "Patient/ex-patient", Pat, Export, Balp)],

        // ---- gematik E-Rezept ---------------------------------------------------------------------------
        // searchset Bundles of 3; the only agent is not requestor and names no Practitioner/Device → first agent;
        // the entity is a Task (the KVNR is only in entity.name) → no patient per the contract
        ["r4-gematik-erp/2023-07-01_07_response_getAuditEvent.json"] =
        [
            E("Device/1234", "58862", "1-1.54.102323123404", null, Create, "2020-02-27T08:04:27.434Z"),
            E("Device/5678", "58863", "3-1.54.10123404", null, Read, "2020-02-27T09:04:27.434Z"),
            E("Device/1234", "620049", "3-1.54.10123404", null, Update, "2020-02-27T10:04:27.434Z"),
        ],
        ["r4-gematik-erp/2025-01-15_07_response_getAuditEvent.json"] =
        [
            E("Device/1234", "58862", "1-2-DOC-Testkarte-012423424", null, Create, "2025-01-15T15:29:00.434Z"),
            E("Device/5678", "58863", "3-2-APO-XanthippeVeilchenblau01", null, Read, "2025-01-15T15:29:00.434Z"),
            E("Device/1234", "620049", "3-2-APO-XanthippeVeilchenblau01", null, Update, "2025-01-15T15:29:00.434Z"),
        ],
        ["r4-gematik-erp/wf-1.5.2_AuditEvent-9361863d-fec0-4ba9-8776-7905cf1b0cfa.json"] =
            [E("Device/1", "9361863d-fec0-4ba9-8776-7905cf1b0cfa", "1-SMC-B-Testkarte-883110000095957", null, Create, "2025-10-01T15:29:00.434Z")],
    };
}
