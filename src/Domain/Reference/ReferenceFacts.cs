using NodaTime;

namespace LogControl.Domain.Reference;

// Reference data facts (contracts/reference-data.md) as events. Facts are history: a later fact for the
// same key supersedes an earlier one only from its own date. Unknown source fields are kept in Extra.
// `to`/`end` may be null (open-ended) per the contract; `to` dates are inclusive.

public sealed record UnitDescribed(
    string UnitId,
    string? Name,
    string? Kind,
    string? ManagerUserId,
    string? ComparableGroup,
    IReadOnlyList<string> CoversUnits,
    IReadOnlyDictionary<string, string>? Extra = null);

public sealed record StaffPlacementRecorded(
    string UserId,
    string? Name,
    string? Surname,
    string? Personnummer,
    string? AddressKey,
    string? Role,
    string? UnitId,
    LocalDate? From,
    LocalDate? To,
    IReadOnlyDictionary<string, string>? Extra = null);

public sealed record ClientDescribed(
    string ClientId,
    string? Surname,
    string? AddressKey,
    bool ProtectedIdentity,
    LocalDate? DeceasedOn,
    IReadOnlyDictionary<string, string>? Extra = null);

public sealed record EnrollmentRecorded(
    string ClientId,
    string UnitId,
    LocalDate? From,
    LocalDate? To,
    IReadOnlyDictionary<string, string>? Extra = null);

public sealed record AssignmentRecorded(
    string UserId,
    string ClientId,
    LocalDate? From,
    LocalDate? To,
    string? Reason,
    IReadOnlyDictionary<string, string>? Extra = null);

public sealed record ShiftRecorded(
    string UserId,
    Instant Start,
    Instant? End,
    string UnitId,
    IReadOnlyDictionary<string, string>? Extra = null);

public sealed record VisitRecorded(
    string VisitId,
    string ClientId,
    string UserId,
    string? UnitId,
    Instant Start,
    Instant? End,
    IReadOnlyDictionary<string, string>? Extra = null);

public sealed record RelationDeclared(
    string UserId,
    string ClientId,
    string Kind,
    LocalDate? From,
    IReadOnlyDictionary<string, string>? Extra = null);
