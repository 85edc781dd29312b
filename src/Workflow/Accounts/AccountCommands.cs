using System.Text.RegularExpressions;
using LogControl.Workflow.Security;
using Marten;
using Marten.Exceptions;
using NodaTime;

namespace LogControl.Workflow.Accounts;

/// <summary>What an administrator (CLI or HTTP) asks for. Password null: one is generated and returned once.</summary>
public sealed record NewAccount(string Username, string UserId, string? Name, IReadOnlyList<string> Roles, IReadOnlyList<string>? Units, string? Password = null);

/// <summary>The created account; <see cref="GeneratedPassword"/> is set only when the system chose the password.</summary>
public sealed record CreatedAccount(AccountView Account, string? GeneratedPassword);

/// <summary>An account as shown to administrators and auditors: never the hash.</summary>
public sealed record AccountView(string Username, string UserId, string? Name, IReadOnlyList<string> Roles, IReadOnlyList<string> Units,
    bool Disabled, Instant CreatedAt, Instant? DisabledAt)
{
    public static AccountView Of(Account a) => new(a.Username, a.UserId, a.Name, a.Roles, a.Units, a.Disabled, a.CreatedAt, a.DisabledAt);
}

/// <summary>Why a login failed (for the server log only; the caller always gets the same 401).</summary>
public enum LoginFailure { None, UnknownUser, WrongPassword, Disabled }

/// <summary>
/// The one code path for account changes: `logctl users ...`, the admin endpoints and the tests' AuthKit all
/// go through here, so validation and events are the same whoever asks.
/// </summary>
public static partial class AccountCommands
{
    [GeneratedRegex("^[a-z0-9][a-z0-9._@-]{1,63}$")]
    private static partial Regex UsernamePattern();

    public static async Task<CreatedAccount> CreateAsync(IDocumentSession session, NewAccount request, string by, Instant at, CancellationToken ct = default)
    {
        var username = Account.Normalize(request.Username ?? "");
        if (!UsernamePattern().IsMatch(username))
            throw Invalid("invalid_username", "a username has 2-64 characters: letters a-z, digits and . _ @ - (starting with a letter or digit)");
        var userId = (request.UserId ?? "").Trim();
        if (userId.Length is 0 or > 64 || userId.Any(char.IsWhiteSpace))
            throw Invalid("invalid_user_id", "the user id (the HSA id in the care record system) is required, without spaces, at most 64 characters");
        var (roles, units) = CheckRoles(request.Roles, request.Units);
        var generated = request.Password == null ? Passwords.Generate() : null;
        var password = request.Password ?? generated!;
        if (Passwords.Weakness(password, username) is { } weak) throw Invalid("weak_password", weak);

        var id = Account.StreamId(username);
        if (await session.Events.FetchStreamStateAsync(id, ct) != null) throw Exists(username);
        var name = string.IsNullOrWhiteSpace(request.Name) ? null : request.Name.Trim();
        var created = new AccountCreated(username, userId, name, roles, units, Passwords.Hash(password), at, by);
        session.Events.StartStream<Account>(id, created);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (ExistingStreamIdCollisionException)
        {
            throw Exists(username); // created concurrently
        }
        return new CreatedAccount(AccountView.Of(Account.Create(created)), generated);
    }

    /// <summary>Sets a new password; null generates one, which is returned.</summary>
    public static async Task<string?> ChangePasswordAsync(IDocumentSession session, string username, string? password, string by, Instant at, CancellationToken ct = default)
    {
        var name = Account.Normalize(username);
        var generated = password == null ? Passwords.Generate() : null;
        if (Passwords.Weakness(password ?? generated!, name) is { } weak) throw Invalid("weak_password", weak);
        var stream = await FetchAsync(session, name, ct);
        stream.AppendOne(new AccountPasswordChanged(name, Passwords.Hash(password ?? generated!), at, by));
        await session.SaveChangesAsync(ct);
        return generated;
    }

    public static async Task<AccountView> ChangeRolesAsync(IDocumentSession session, string username, IReadOnlyList<string> roles, IReadOnlyList<string>? units,
        string by, Instant at, CancellationToken ct = default)
    {
        var name = Account.Normalize(username);
        var (r, u) = CheckRoles(roles, units);
        var stream = await FetchAsync(session, name, ct);
        var changed = new AccountRolesChanged(name, r, u, at, by);
        stream.AppendOne(changed);
        await session.SaveChangesAsync(ct);
        stream.Aggregate!.Apply(changed);
        return AccountView.Of(stream.Aggregate);
    }

    /// <summary>Disables the account: no new tokens, and tokens already issued stop working. Disabling twice is a no-op.</summary>
    public static async Task<AccountView> DisableAsync(IDocumentSession session, string username, string? reason, string by, Instant at, CancellationToken ct = default)
    {
        var name = Account.Normalize(username);
        var stream = await FetchAsync(session, name, ct);
        if (stream.Aggregate!.Disabled) return AccountView.Of(stream.Aggregate);
        var disabled = new AccountDisabled(name, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(), at, by);
        stream.AppendOne(disabled);
        await session.SaveChangesAsync(ct);
        stream.Aggregate.Apply(disabled);
        return AccountView.Of(stream.Aggregate);
    }

    /// <summary>The account for a username and password, or why not. Same work whether or not the user exists.</summary>
    public static async Task<(Account? Account, LoginFailure Failure)> AuthenticateAsync(IQuerySession session, string? username, string? password, CancellationToken ct = default)
    {
        password ??= "";
        var account = string.IsNullOrWhiteSpace(username) ? null : await session.LoadAsync<Account>(Account.StreamId(username), ct);
        if (account == null)
        {
            Passwords.VerifyDecoy(password);
            return (null, LoginFailure.UnknownUser);
        }
        if (!Passwords.Verify(account.PasswordHash, password)) return (null, LoginFailure.WrongPassword);
        return account.Disabled ? (null, LoginFailure.Disabled) : (account, LoginFailure.None);
    }

    public static async Task<IReadOnlyList<AccountView>> ListAsync(IQuerySession session, CancellationToken ct = default) =>
        (await session.Query<Account>().OrderBy(a => a.Username).ToListAsync(ct)).Select(AccountView.Of).ToList();

    // --- the store-level forms used by the CLI and the tests (one session per command) ---

    public static async Task<CreatedAccount> CreateAsync(IDocumentStore store, NewAccount request, string by, CancellationToken ct = default)
    {
        await using var session = store.LightweightSession();
        return await CreateAsync(session, request, by, SystemClock.Instance.GetCurrentInstant(), ct);
    }

    /// <summary>
    /// Roles must be known; unit managers need at least one unit, and only they get units (a unit claim means
    /// "manages this unit"). The auditor is read-only, so that role is never combined with one that can change things.
    /// </summary>
    internal static (string[] Roles, string[] Units) CheckRoles(IReadOnlyList<string>? roles, IReadOnlyList<string>? units)
    {
        var r = (roles ?? []).Select(x => x.Trim()).Where(x => x.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        if (r.Length == 0) throw Invalid("role_required", $"an account needs at least one role ({string.Join(", ", Roles.All)})");
        if (r.FirstOrDefault(x => !Roles.All.Contains(x)) is { } unknown)
            throw Invalid("invalid_role", $"unknown role '{unknown}' (known: {string.Join(", ", Roles.All)})");
        if (r.Contains(Roles.Auditor) && r.Length > 1)
            throw Invalid("auditor_read_only", "the auditor role is read-only and cannot be combined with other roles");
        var u = (units ?? []).Select(x => x.Trim()).Where(x => x.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (r.Contains(Roles.UnitManager) && u.Length == 0) throw Invalid("units_required", "a unit manager needs at least one unit");
        if (!r.Contains(Roles.UnitManager) && u.Length > 0) throw Invalid("units_without_manager", "units are given only to unit managers (the units they manage)");
        return ([.. Roles.All.Where(r.Contains)], u);
    }

    private static async Task<JasperFx.Events.IEventStream<Account>> FetchAsync(IDocumentSession session, string username, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<Account>(Account.StreamId(username), ct);
        return stream.Aggregate == null ? throw CommandRejected.NotFound($"account '{username}'") : stream;
    }

    private static CommandRejected Invalid(string code, string message) => new(code, message, 400);
    private static CommandRejected Exists(string username) => new("account_exists", $"the account '{username}' already exists", 409);
}
