using NodaTime;

namespace LogControl.Domain.Access;

/// <summary>What the user did, normalised from CSV action names and FHIR action/subtype codes.</summary>
public enum AccessAction { Read, Search, Create, Update, Delete, Print, Export, Login, Logout }

/// <summary>Why the access was made. Emergency is nödåtkomst / break-the-glass.</summary>
public enum AccessPurpose { Care, Emergency, Admin, Followup }

/// <summary>Whether the source system let the access through.</summary>
public enum AccessOutcome { Success, Failed }

/// <summary>What every logged access or activity shares: its source identity and content digest.</summary>
public interface IAccessEvent
{
    string System { get; }
    string EventId { get; }
    Instant OccurredAt { get; }
    string UserId { get; }
    string Digest { get; }
}

/// <summary>
/// A staff member's account opened, changed, printed or exported a client's record.
/// One per source log row; identified by <see cref="System"/> + <see cref="EventId"/>.
/// <see cref="Digest"/> is a hash of every mapped field, so a re-delivered row with different content
/// can be told from a plain duplicate without reading the whole event back.
/// </summary>
public sealed record AccessRecorded(
    string System,
    string EventId,
    Instant OccurredAt,
    string UserId,
    string? UserName,
    string? UserRole,
    string? UnitId,
    string ClientId,
    AccessAction Action,
    AccessPurpose Purpose,
    AccessOutcome Outcome,
    string? Terminal,
    string? Detail,
    string Digest) : IAccessEvent;

/// <summary>
/// Logged activity that names no client: log in, log out, a search without a client, or a FHIR
/// AuditEvent about no patient. Kept for audit; patient-access detection ignores it.
/// </summary>
public sealed record ActivityRecorded(
    string System,
    string EventId,
    Instant OccurredAt,
    string UserId,
    string? UserName,
    string? UserRole,
    string? UnitId,
    AccessAction Action,
    AccessPurpose Purpose,
    AccessOutcome Outcome,
    string? Terminal,
    string? Detail,
    string Digest) : IAccessEvent;
