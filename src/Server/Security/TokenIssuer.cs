using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Serialization;
using LogControl.Workflow.Accounts;
using LogControl.Workflow.Security;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LogControl.Server.Security;

/// <summary>The OAuth-style answer of POST /api/auth/token.</summary>
public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] long ExpiresIn);

/// <summary>Issues local JWTs (HS256) whose claims follow <see cref="ClaimNames"/>: sub, name, one role and one unit claim each.</summary>
public sealed class TokenIssuer(SigningKey key, IOptions<AuthSettings> settings, TimeProvider time)
{
    /// <summary>The account's username, to find the account again when the token is presented.</summary>
    public const string UsernameClaim = "preferred_username";
    /// <summary>The account's stream version at issue: a token stops working when the account changes.</summary>
    public const string AccountVersionClaim = "acv";

    /// <summary>The claims of an account, the same for a bearer token and the browser's cookie.</summary>
    public static List<Claim> ClaimsOf(Account account)
    {
        var claims = new List<Claim>
        {
            new(ClaimNames.UserId, account.UserId),
            new(UsernameClaim, account.Username),
            new(AccountVersionClaim, account.Version.ToString(CultureInfo.InvariantCulture)),
        };
        if (account.Name != null) claims.Add(new(ClaimNames.Name, account.Name));
        claims.AddRange(account.Roles.Select(r => new Claim(ClaimNames.Role, r)));
        claims.AddRange(account.Units.Select(u => new Claim(ClaimNames.Unit, u)));
        return claims;
    }

    public TokenResponse Issue(Account account)
    {
        var s = settings.Value;
        var claims = ClaimsOf(account);
        claims.Add(new(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")));

        var now = time.GetUtcNow().UtcDateTime;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = s.Issuer,
            Audience = s.Issuer,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + s.TokenLifetime,
            SigningCredentials = new SigningCredentials(key.Key, SecurityAlgorithms.HmacSha256),
        });
        return new TokenResponse(token, "Bearer", (long)s.TokenLifetime.TotalSeconds);
    }
}
