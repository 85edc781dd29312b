namespace LogControl.Domain.Ingestion;

/// <summary>Quarantine reason codes, fixed by the CLI contract (more may be added, none renamed).</summary>
public static class ReasonCodes
{
    public const string MissingColumn = "missing_column";
    public const string MissingField = "missing_field";
    public const string BadTimestamp = "bad_timestamp";
    public const string NonexistentLocalTime = "nonexistent_local_time";
    public const string BadAction = "bad_action";
    public const string BadPurpose = "bad_purpose";
    public const string BadPersonnummer = "bad_personnummer";
    public const string ConflictingDuplicate = "conflicting_duplicate";
    public const string MalformedJson = "malformed_json";
    public const string NotFhir = "not_fhir";
    public const string UnknownFactType = "unknown_fact_type";
    public const string MalformedFact = "malformed_fact";

    // Added by this project (the contract allows additions).
    /// <summary>A FHIR resource that is neither an AuditEvent nor a Bundle, given as a file or NDJSON line.</summary>
    public const string NotAuditEvent = "not_audit_event";
    /// <summary>A CSV record longer than the reader's limit (typically an unterminated quote); skipped to its end.</summary>
    public const string RecordTooLong = "record_too_long";
}
