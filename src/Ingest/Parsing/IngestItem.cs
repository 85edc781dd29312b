using LogControl.Domain.Access;
using NodaTime;

namespace LogControl.Ingest.Parsing;

/// <summary>An access event as parsed and validated from any input format, before dedupe and append.</summary>
public sealed record ParsedAccess(
    string System,
    string EventId,
    Instant OccurredAt,
    string UserId,
    string? UserName,
    string? UserRole,
    string? UnitId,
    string? ClientId,
    AccessAction Action,
    AccessPurpose Purpose,
    AccessOutcome Outcome,
    string? Terminal,
    string? Detail);

public enum ItemKind
{
    /// <summary>An access event (patient or not); <see cref="IngestItem.Access"/> is set.</summary>
    Access,
    /// <summary>A reference-data fact; <see cref="IngestItem.Fact"/> is set (one of the Domain.Reference records).</summary>
    Fact,
    /// <summary>Rejected; <see cref="IngestItem.ReasonCode"/> and <see cref="IngestItem.Reason"/> are set.</summary>
    Rejected,
    /// <summary>Read but deliberately not ingested (e.g. a non-AuditEvent entry in a FHIR Bundle); counted, not quarantined.</summary>
    Skipped,
}

/// <summary>
/// One record read from an input: its physical line (1-based, where the record starts), its raw text
/// (kept for quarantine and provenance), and what it became.
/// </summary>
public readonly record struct IngestItem(
    ItemKind Kind,
    long Line,
    string Raw,
    ParsedAccess? Access = null,
    object? Fact = null,
    string? ReasonCode = null,
    string? Reason = null)
{
    public static IngestItem Accepted(long line, string raw, ParsedAccess access) => new(ItemKind.Access, line, raw, access);
    public static IngestItem ForFact(long line, string raw, object fact) => new(ItemKind.Fact, line, raw, Fact: fact);
    public static IngestItem Rejected(long line, string raw, string code, string reason) => new(ItemKind.Rejected, line, raw, ReasonCode: code, Reason: reason);
    public static IngestItem Skip(long line, string raw, string why) => new(ItemKind.Skipped, line, raw, Reason: why);
}
