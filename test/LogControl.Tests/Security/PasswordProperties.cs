using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LogControl.Workflow.Accounts;

namespace LogControl.Tests.Security;

/// <summary>Password hashes: a hash verifies exactly its own password, never shows it, and is salted.</summary>
public sealed class PasswordProperties
{
    // PBKDF2 is slow on purpose (tens of milliseconds a hash), so few but varied cases.
    [Property(MaxTest = 30)]
    public Property a_hash_verifies_only_its_own_password(NonEmptyString password, NonEmptyString other)
    {
        var p = password.Get;
        var hash = Passwords.Hash(p);
        return (Passwords.Verify(hash, p)
                && (other.Get == p || !Passwords.Verify(hash, other.Get))
                && !Passwords.Verify(hash, p + "x")
                && (p.Length < 8 || !hash.Contains(p, StringComparison.Ordinal)) // short strings occur in any base64 text by chance
                && Passwords.Hash(p) != hash)
            .Label($"password of {p.Length} chars");
    }

    [Fact]
    public void generated_passwords_are_long_unambiguous_and_distinct()
    {
        var generated = Enumerable.Range(0, 500).Select(_ => Passwords.Generate()).ToList();
        generated.ShouldAllBe(p => p.Length == 24 && p.All(char.IsAsciiLetterOrDigit) && !p.Any(c => "0O1lI".Contains(c)));
        generated.Distinct().Count().ShouldBe(500);
        generated.ShouldAllBe(p => Passwords.Weakness(p, "someone") == null);
    }
}
