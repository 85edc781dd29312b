using System.Text;
using LogControl.Server.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LogControl.Tests.Security;

/// <summary>Auth:SigningKey as configured by an operator: base64 or plain text, never shorter than 256 bits.</summary>
public sealed class SigningKeyTests
{
    private static byte[] KeyOf(string configured) =>
        new SigningKey(Options.Create(new AuthSettings { SigningKey = configured }), NullLogger<SigningKey>.Instance).Key.Key;

    [Fact]
    public void a_configured_key_is_read_as_base64_or_else_as_text()
    {
        var random = System.Security.Cryptography.RandomNumberGenerator.GetBytes(48);
        KeyOf(Convert.ToBase64String(random)).ShouldBe(random);
        const string text = "this is a long enough pass phrase for HS256!";
        KeyOf(text).ShouldBe(Encoding.UTF8.GetBytes(text));
    }

    [Fact]
    public void a_short_configured_key_is_refused_with_a_hint()
    {
        Should.Throw<InvalidOperationException>(() => KeyOf("too-short")).Message.ShouldContain("256 bits");
        Should.Throw<InvalidOperationException>(() => KeyOf(Convert.ToBase64String(new byte[16]))).Message.ShouldContain("256 bits");
    }
}
