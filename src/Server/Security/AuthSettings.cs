namespace LogControl.Server.Security;

/// <summary>
/// The "Auth" configuration section (logcontrol.json, Auth__X environment variables or --Auth:X=... arguments).
/// Local accounts work with no settings at all; an external identity provider is switched on by <see cref="Authority"/>.
/// </summary>
public sealed class AuthSettings
{
    public const string Section = "Auth";

    /// <summary>HS256 key for local tokens (at least 32 bytes; base64 or plain text). Unset: generated once into .data/jwt.key.</summary>
    public string? SigningKey { get; set; }
    /// <summary>Issuer and audience of local tokens.</summary>
    public string Issuer { get; set; } = "logcontrol";
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);
    /// <summary>False turns off POST /api/auth/token and local tokens (only the external provider's are accepted).</summary>
    public bool LocalAccounts { get; set; } = true;

    /// <summary>The OpenID Connect issuer of an external identity provider (its discovery document and keys are read from there).</summary>
    public string? Authority { get; set; }
    /// <summary>The audience the provider's access tokens are issued for; required with <see cref="Authority"/>.</summary>
    public string? Audience { get; set; }
    public bool RequireHttpsMetadata { get; set; } = true;
    /// <summary>Claim types in the provider's tokens, mapped onto ours (sub, name, role, unit).</summary>
    public string UserIdClaim { get; set; } = "sub";
    public string NameClaim { get; set; } = "name";
    public string RoleClaim { get; set; } = "role";
    public string UnitClaim { get; set; } = "unit";
    /// <summary>Provider role values translated to ours, e.g. "LogControl.Admins" = "admin". Values already ours pass unchanged.</summary>
    public Dictionary<string, string> RoleMap { get; set; } = new(StringComparer.Ordinal);

    public bool ExternalEnabled => !string.IsNullOrWhiteSpace(Authority);
}
