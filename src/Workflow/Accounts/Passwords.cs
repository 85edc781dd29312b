using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace LogControl.Workflow.Accounts;

/// <summary>
/// Password hashing with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2, per-password salt,
/// self-describing format, so the parameters can be raised later without breaking stored hashes).
/// </summary>
public static class Passwords
{
    public const int MinimumLength = 12;

    private static readonly PasswordHasher<Account> Hasher = new();
    // Verified against when the username is unknown, so a miss costs as much time as a wrong password.
    private static readonly Lazy<string> DecoyHash = new(() => Hasher.HashPassword(null!, Generate()));
    // No look-alikes (0/O, 1/l/I): generated passwords are read off a screen and typed.
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    public static string Hash(string password) => Hasher.HashPassword(null!, password);

    public static bool Verify(string hash, string password) =>
        Hasher.VerifyHashedPassword(null!, hash, password) != PasswordVerificationResult.Failed;

    /// <summary>Spends the time of one verification without a real hash (unknown usernames).</summary>
    public static void VerifyDecoy(string password) => Verify(DecoyHash.Value, password);

    /// <summary>24 characters from a 57-letter alphabet: about 140 bits from the OS's CSPRNG.</summary>
    public static string Generate(int length = 24) => RandomNumberGenerator.GetString(Alphabet, length);

    /// <summary>Null when the password may be used, else why not.</summary>
    public static string? Weakness(string password, string username) =>
        password.Length < MinimumLength ? $"a password needs at least {MinimumLength} characters"
        : password.Length > 512 ? "a password may have at most 512 characters"
        : password.Trim().Equals(username, StringComparison.OrdinalIgnoreCase) ? "the password must not be the username"
        : null;
}
