using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using NodaTime;

namespace LogControl.Workflow.Accounts;

/// <summary>
/// A local account, the aggregate of its stream and its inline snapshot (the document logins read).
/// The stream id is derived from the normalised username, so a username can be looked up and can only be taken once.
/// </summary>
public sealed class Account
{
    public Guid Id { get; set; }
    public string Username { get; set; } = "";
    public string UserId { get; set; } = "";
    public string? Name { get; set; }
    public List<string> Roles { get; set; } = [];
    public List<string> Units { get; set; } = [];
    public string PasswordHash { get; set; } = "";
    public Instant CreatedAt { get; set; }
    public Instant? DisabledAt { get; set; }
    /// <summary>The stream version. Tokens carry it, so any change to the account (password, roles, disabling) revokes older tokens.</summary>
    public long Version { get; set; }

    [JsonIgnore] public bool Disabled => DisabledAt != null;

    public static Account Create(AccountCreated e) => new()
    {
        Id = StreamId(e.Username), Username = e.Username, UserId = e.UserId, Name = e.Name,
        Roles = [.. e.Roles], Units = [.. e.Units], PasswordHash = e.PasswordHash, CreatedAt = e.At,
    };

    public void Apply(AccountPasswordChanged e) => PasswordHash = e.PasswordHash;

    public void Apply(AccountRolesChanged e)
    {
        Roles = [.. e.Roles];
        Units = [.. e.Units];
    }

    public void Apply(AccountDisabled e) => DisabledAt = e.At;

    /// <summary>Usernames are case-insensitive: trimmed and lower-cased before anything else sees them.</summary>
    public static string Normalize(string username) => username.Trim().ToLowerInvariant();

    /// <summary>A version-8 UUID from SHA-256 of the normalised username: the same name always maps to the same stream.</summary>
    public static Guid StreamId(string username)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("logcontrol:account:" + Normalize(username)));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
