using NodaTime;

namespace LogControl.Workflow.Accounts;

// A local account's history. Account changes are security-relevant, so each is an event with who made it
// (By: the administrator's user id, or "cli:<os user>" for tools/logctl) and when. Only password hashes
// (ASP.NET Core Identity's PBKDF2 format) ever reach the store.

/// <param name="UserId">The user's id in the care record system (HSA id): the user_id of access logs and the manager_user_id of units.</param>
public sealed record AccountCreated(
    string Username, string UserId, string? Name, IReadOnlyList<string> Roles, IReadOnlyList<string> Units,
    string PasswordHash, Instant At, string By);

public sealed record AccountPasswordChanged(string Username, string PasswordHash, Instant At, string By);

/// <summary>The whole new set of roles and units (not a delta), so the event alone says what the account may do.</summary>
public sealed record AccountRolesChanged(string Username, IReadOnlyList<string> Roles, IReadOnlyList<string> Units, Instant At, string By);

public sealed record AccountDisabled(string Username, string? Reason, Instant At, string By);
