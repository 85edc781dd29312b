using System.Security.Cryptography;
using System.Text.Json;
using LogControl.Domain.Access;
using LogControl.Domain.Identity;
using LogControl.Domain.Ingestion;
using LogControl.Domain.Time;
using LogControl.Ingest.Parsing;
using NodaTime;
using static LogControl.Ingest.Fhir.FhirJson;

namespace LogControl.Ingest.Fhir;

/// <summary>The outcome of mapping one AuditEvent: an access event, or a rejection reason.</summary>
internal readonly record struct MapResult(ParsedAccess? Access, string? ReasonCode, string? Reason)
{
    public static MapResult Ok(ParsedAccess a) => new(a, null, null);
    public static MapResult Fail(string code, string reason) => new(null, code, reason);
}

/// <summary>
/// Maps one FHIR AuditEvent (R4 or R5 shape) onto a <see cref="ParsedAccess"/> as the contract
/// <c>shared/contracts/fhir-auditevent.md</c> says. Decisions the contract leaves open are listed in
/// <c>MAPPING.md</c> next to this file. Never throws on bad content.
/// </summary>
internal static class AuditEventMapper
{
    private const string DicomSystem = "http://dicom.nema.org/resources/ontology/DCM";
    private const string DicomOid = "urn:oid:1.2.840.10008.2.16.4";

    private const string DicomLogin = "110122";
    private const string DicomLogout = "110123";
    private const string DicomExport = "110106";
    private const string DicomQuery = "110112";
    private const string DicomSourceRoleId = "110153";

    private static readonly HashSet<string> SearchCodes = new(StringComparer.Ordinal) { "search", "search-type", "search-system" };
    private static readonly HashSet<string> EmergencyCodes = new(StringComparer.Ordinal) { "ETREAT", "BTG" };
    private static readonly HashSet<string> AdminCodes = new(StringComparer.Ordinal) { "HOPERAT", "HSYSADMIN" };
    private static readonly HashSet<string> UserResourceTypes = new(StringComparer.Ordinal) { "Practitioner", "PractitionerRole", "Device" };

    private const int MaxDetail = 200;

    public static MapResult Map(JsonElement ae)
    {
        if (!IsObject(ae)) return MapResult.Fail(ReasonCodes.NotFhir, "AuditEvent is not a JSON object");

        // system + event id
        var observer = Obj(Obj(ae, "source"), "observer");
        var system = Str(Obj(observer, "identifier"), "value") ?? Str(observer, "display") ?? Str(observer, "reference");
        if (system is null)
            return MapResult.Fail(ReasonCodes.MissingField, "AuditEvent.source.observer has no identifier value, display or reference");
        var eventId = Str(ae, "id") ?? ContentHash(ae);

        // timestamp
        var (tsField, tsText) = TimestampText(ae);
        if (tsText is null)
            return MapResult.Fail(ReasonCodes.MissingField, "AuditEvent has no recorded, period.start, occurredDateTime or occurredPeriod.start");
        var status = ParseInstant(tsText, out var occurredAt);
        if (status == SwedishTime.ParseStatus.NonexistentLocalTime)
            return MapResult.Fail(ReasonCodes.NonexistentLocalTime, $"{tsField} '{tsText}' is a local time that does not exist in Europe/Stockholm");
        if (status != SwedishTime.ParseStatus.Ok)
            return MapResult.Fail(ReasonCodes.BadTimestamp, $"{tsField} '{tsText}' is not a valid instant");

        // user
        var agents = Items(ae, "agent").ToList();
        var user = ChooseUser(agents);
        string userId;
        string? userName = null, userRole = null, unitId = null, terminal = null;
        if (user is { } u)
        {
            userId = u.Id;
            userName = Str(u.Agent, "name") ?? Str(Obj(u.Agent, "who"), "display");
            userRole = FirstCode(Codings(u.Agent, "role")) ?? FirstCode(Codings(u.Agent, "type"));
            unitId = UnitOf(u.Agent);
            terminal = NetworkOf(u.Agent);
        }
        else
        {
            // No agent names anybody: the observer (the system that recorded the event) is the actor.
            userId = system;
        }
        terminal ??= agents.Where(a => Codings(a, "type").Any(c => c.Code == DicomSourceRoleId && IsDicom(c)))
            .Select(NetworkOf).FirstOrDefault(n => n is not null);

        // client
        var clientId = ClientOf(ae, occurredAt);

        var action = ActionOf(ae);
        var purpose = PurposeOf(ae, agents);
        var outcome = OutcomeOf(ae);
        var detail = DetailOf(ae, outcome);

        return MapResult.Ok(new ParsedAccess(
            system, eventId, occurredAt, userId, userName, userRole, unitId, clientId,
            action, purpose, outcome, terminal, detail));
    }

    // ---- id ---------------------------------------------------------------------------------

    /// <summary>
    /// Lowercase hex SHA-256 of the resource written compactly (whitespace between tokens dropped), so the
    /// same resource gives the same id whether it came pretty-printed in a .json file or on an NDJSON line.
    /// </summary>
    internal static string ContentHash(JsonElement resource)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, SkipValidation = true }))
            resource.WriteTo(w);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    // ---- time -------------------------------------------------------------------------------

    private static (string Field, string? Text) TimestampText(JsonElement ae)
    {
        if (Str(ae, "recorded") is { } r) return ("recorded", r);
        if (Str(Obj(ae, "period"), "start") is { } p) return ("period.start", p);
        if (Str(ae, "occurredDateTime") is { } o) return ("occurredDateTime", o);
        if (Str(Obj(ae, "occurredPeriod"), "start") is { } op) return ("occurredPeriod.start", op);
        return ("recorded", null);
    }

    /// <summary>An instant with offset as given; without offset Stockholm local time; a bare date is Stockholm midnight.</summary>
    private static SwedishTime.ParseStatus ParseInstant(string text, out Instant instant)
    {
        var status = SwedishTime.TryParseInstant(text, out instant);
        if (status == SwedishTime.ParseStatus.Invalid && text.Length == 10 && SwedishTime.TryParseDate(text, out var date))
            return SwedishTime.FromLocal(date.AtMidnight(), out instant);
        return status;
    }

    // ---- user -------------------------------------------------------------------------------

    private readonly record struct ChosenUser(JsonElement Agent, string Id);

    /// <summary>
    /// The requestor agent; else the first Practitioner/PractitionerRole/Device agent; else the first agent
    /// of any kind. An agent that names nobody (no who identifier, reference, altId or display) is passed over.
    /// </summary>
    private static ChosenUser? ChooseUser(List<JsonElement> agents)
    {
        foreach (var a in agents)
            if (True(a, "requestor") && AgentId(a) is { } id) return new(a, id);
        foreach (var a in agents)
            if (IsUserResource(a) && AgentId(a) is { } id) return new(a, id);
        foreach (var a in agents)
            if (AgentId(a) is { } id) return new(a, id);
        return null;
    }

    private static bool IsUserResource(JsonElement agent)
    {
        var who = Obj(agent, "who");
        var type = Str(who, "type") ?? ReferenceType(Str(who, "reference"));
        return type is not null && UserResourceTypes.Contains(type);
    }

    /// <summary>who.identifier.value, else who.reference, else altId (R4) or the R5 AlternativeUserID extension, else who.display.</summary>
    private static string? AgentId(JsonElement agent)
    {
        var who = Obj(agent, "who");
        return Str(Obj(who, "identifier"), "value")
            ?? Str(who, "reference")
            ?? Str(agent, "altId")
            ?? AlternativeUserId(agent)
            ?? Str(who, "display");
    }

    private static string? AlternativeUserId(JsonElement agent)
    {
        foreach (var ext in Items(agent, "extension"))
            if (Str(ext, "url") is { } url && url.EndsWith("auditevent-AlternativeUserID", StringComparison.Ordinal))
                if (Str(Obj(ext, "valueIdentifier"), "value") is { } v) return v;
        return null;
    }

    private static string? UnitOf(JsonElement agent)
    {
        var location = Obj(agent, "location");
        var unit = Str(Obj(location, "identifier"), "value") ?? ReferenceId(Str(location, "reference"));
        if (unit is not null) return unit;
        var assigner = Obj(Obj(Obj(agent, "who"), "identifier"), "assigner");
        return Str(Obj(assigner, "identifier"), "value") ?? ReferenceId(Str(assigner, "reference"));
    }

    private static string? NetworkOf(JsonElement agent) =>
        Str(Obj(agent, "network"), "address") ?? Str(agent, "networkString") ?? Str(agent, "networkUri");

    private static string? FirstCode(IEnumerable<FhirCoding> codings) => codings.Select(c => c.Code).FirstOrDefault(c => c is not null);

    // ---- client -----------------------------------------------------------------------------

    /// <summary>
    /// R5 <c>patient</c>; else the first entity whose role/type says patient; else the first entity whose
    /// <c>what</c> is a Patient reference. From the chosen reference the identifier value wins over the
    /// reference's id. A personnummer with a valid check digit is normalised to 12 digits; any other value is kept.
    /// </summary>
    private static string? ClientOf(JsonElement ae, Instant occurredAt)
    {
        var raw = PatientReferenceValue(Obj(ae, "patient"), requirePatientType: false);
        if (raw is null)
        {
            var entities = Items(ae, "entity").ToList();
            foreach (var e in entities)
                if (HasPatientRole(e) && PatientReferenceValue(Obj(e, "what"), requirePatientType: false) is { } v) { raw = v; break; }
            if (raw is null)
                foreach (var e in entities)
                    if (PatientReferenceValue(Obj(e, "what"), requirePatientType: true) is { } v) { raw = v; break; }
        }
        return raw is null ? null : NormaliseClient(raw, occurredAt);
    }

    private static bool HasPatientRole(JsonElement entity) =>
        Codings(entity, "role").Any(c => c.Code == "1" && (c.System is null || c.System.EndsWith("/object-role", StringComparison.Ordinal)))
        || Codings(entity, "role").Concat(Codings(entity, "type")).Any(c => c.Code is "Patient" or "patient" or "PAT");

    private static string? PatientReferenceValue(JsonElement? reference, bool requirePatientType)
    {
        if (reference is null) return null;
        var refText = Str(reference, "reference");
        var isPatient = Str(reference, "type") == "Patient" || ReferenceType(refText) == "Patient";
        if (requirePatientType && !isPatient) return null;
        return Str(Obj(reference, "identifier"), "value") ?? ReferenceId(refText);
    }

    internal static string NormaliseClient(string value, Instant occurredAt)
    {
        var v = value.AsSpan().Trim();
        if (!Personnummer.LooksLikeOne(v) || !Personnummer.HasValidCheckDigit(v) || !HasPlausibleDate(v))
            return value;
        return Personnummer.Normalise(v, SwedishTime.DateOf(occurredAt).Year);
    }

    /// <summary>MMDD of a personnummer (or samordningsnummer, day + 60) is a possible date.</summary>
    private static bool HasPlausibleDate(ReadOnlySpan<char> pnr)
    {
        Span<int> d = stackalloc int[12];
        var n = 0;
        foreach (var c in pnr)
            if (char.IsAsciiDigit(c) && n < 12) d[n++] = c - '0';
        var off = n - 10; // start of YYMMDD
        var month = d[off + 2] * 10 + d[off + 3];
        var day = d[off + 4] * 10 + d[off + 5];
        if (day > 60) day -= 60;
        return month is >= 1 and <= 12 && day is >= 1 and <= 31;
    }

    // ---- action -----------------------------------------------------------------------------

    /// <summary>
    /// Login/logout (DICOM 110122/110123 as subtype or R5 code) &gt; search subtype &gt; DICOM 110106 Export &gt;
    /// print subtype &gt; DICOM 110112 Query (search) &gt; the action letter (C/R/U/D; E and anything else read).
    /// </summary>
    internal static AccessAction ActionOf(JsonElement ae)
    {
        // R4: type (Coding) + subtype (Coding[]); R5: category (CodeableConcept[]) + code (CodeableConcept).
        var typeCodes = Codings(ae, "type").Concat(Codings(ae, "category")).ToList();
        var subCodes = Codings(ae, "subtype").Concat(Codings(ae, "code")).ToList();
        var all = typeCodes.Concat(subCodes).ToList();

        if (all.Any(c => c.Code == DicomLogin && IsDicom(c))) return AccessAction.Login;
        if (all.Any(c => c.Code == DicomLogout && IsDicom(c))) return AccessAction.Logout;
        if (subCodes.Any(c => c.Code is not null && SearchCodes.Contains(c.Code))) return AccessAction.Search;
        if (all.Any(c => c.Code == DicomExport && IsDicom(c))) return AccessAction.Export;
        if (subCodes.Any(c => c.Code == "print")) return AccessAction.Print;
        if (all.Any(c => c.Code == DicomQuery && IsDicom(c))) return AccessAction.Search;

        return Str(ae, "action") switch
        {
            "C" => AccessAction.Create,
            "R" => AccessAction.Read,
            "U" => AccessAction.Update,
            "D" => AccessAction.Delete,
            "E" => AccessAction.Read,
            _ => RestfulInteraction(subCodes) ?? AccessAction.Read,
        };
    }

    /// <summary>For an AuditEvent without an action code: the FHIR restful-interaction subtype.</summary>
    private static AccessAction? RestfulInteraction(List<FhirCoding> subCodes)
    {
        foreach (var c in subCodes)
        {
            switch (c.Code)
            {
                case "create": return AccessAction.Create;
                case "update" or "patch": return AccessAction.Update;
                case "delete": return AccessAction.Delete;
                case "read" or "vread" or "history" or "history-instance" or "history-type" or "history-system": return AccessAction.Read;
            }
        }
        return null;
    }

    private static bool IsDicom(FhirCoding c) => c.System is null or DicomSystem or DicomOid;

    // ---- purpose / outcome / detail ---------------------------------------------------------

    /// <summary>purposeOfEvent (R4) / authorization (R5) and every agent's purposeOfUse / authorization. Emergency beats admin beats care.</summary>
    internal static AccessPurpose PurposeOf(JsonElement ae, List<JsonElement> agents)
    {
        var codes = Codings(ae, "purposeOfEvent").Concat(Codings(ae, "authorization"))
            .Concat(agents.SelectMany(a => Codings(a, "purposeOfUse").Concat(Codings(a, "authorization"))))
            .Select(c => c.Code)
            .Where(c => c is not null)
            .ToList();
        if (codes.Any(c => EmergencyCodes.Contains(c!))) return AccessPurpose.Emergency;
        if (codes.Any(c => AdminCodes.Contains(c!))) return AccessPurpose.Admin;
        return AccessPurpose.Care;
    }

    /// <summary>R4 <c>outcome</c> other than "0", or R5 <c>outcome.code</c> other than "0"/"success": failed. Absent: success.</summary>
    internal static AccessOutcome OutcomeOf(JsonElement ae)
    {
        var outcome = Prop(ae, "outcome");
        if (outcome is null) return AccessOutcome.Success;
        var o = outcome.Value;
        if (o.ValueKind == JsonValueKind.String)
        {
            var s = o.GetString()?.Trim();
            return string.IsNullOrEmpty(s) || s == "0" ? AccessOutcome.Success : AccessOutcome.Failed;
        }
        if (o.ValueKind == JsonValueKind.Object)
        {
            var code = FirstCode(Codings(o, "code"));
            return code is null || code == "0" || code.Equals("success", StringComparison.OrdinalIgnoreCase)
                ? AccessOutcome.Success
                : AccessOutcome.Failed;
        }
        return AccessOutcome.Success;
    }

    /// <summary>
    /// Failure text for a failed event (R4 outcomeDesc, R5 outcome.detail text); else the first entity
    /// description; else the subtype / R5 code display; else the type / category display. At most 200 chars.
    /// </summary>
    private static string? DetailOf(JsonElement ae, AccessOutcome outcome)
    {
        string? detail = null;
        if (outcome == AccessOutcome.Failed)
            detail = Str(ae, "outcomeDesc")
                ?? Items(Obj(ae, "outcome"), "detail").Select(d => Str(d, "text")).FirstOrDefault(t => t is not null);
        detail ??= Items(ae, "entity").Select(e => Str(e, "description")).FirstOrDefault(t => t is not null);
        detail ??= Codings(ae, "subtype").Concat(Codings(ae, "code")).Select(c => c.Display).FirstOrDefault(t => t is not null);
        detail ??= Codings(ae, "type").Concat(Codings(ae, "category")).Select(c => c.Display).FirstOrDefault(t => t is not null);
        if (detail is null) return null;
        detail = detail.ReplaceLineEndings(" ").Trim();
        return detail.Length <= MaxDetail ? detail : detail[..(MaxDetail - 1)] + "…";
    }
}
