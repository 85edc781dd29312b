using System.Security.Cryptography;
using System.Text;
using Marten;
using NodaTime;

namespace LogControl.Server.Ingest;

/// <summary>
/// An API key that lets a source system push logs over HTTP. Only a SHA-256 hash of the key is stored:
/// keys are 256-bit random values, so a fast hash is enough (there is nothing to brute-force).
/// </summary>
public sealed class SourceSystemKey
{
    public string Id { get; set; } = "";           // the key hash, hex
    public string System { get; set; } = "";
    public Instant CreatedAt { get; set; }
    public Instant? RevokedAt { get; set; }

    public static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key))).ToLowerInvariant();

    /// <summary>Creates and stores a new key for <paramref name="system"/>; the plain key is returned once and never stored.</summary>
    public static async Task<string> IssueAsync(IDocumentStore store, string system, CancellationToken ct = default)
    {
        var key = "lck_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await using var session = store.LightweightSession();
        session.Store(new SourceSystemKey { Id = Hash(key), System = system, CreatedAt = SystemClock.Instance.GetCurrentInstant() });
        await session.SaveChangesAsync(ct);
        return key;
    }

    /// <summary>The system a presented key belongs to, or null when the key is unknown or revoked.</summary>
    public static async Task<string?> AuthenticateAsync(IQuerySession session, string? presented, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(presented)) return null;
        var doc = await session.LoadAsync<SourceSystemKey>(Hash(presented.Trim()), ct);
        return doc is { RevokedAt: null } ? doc.System : null;
    }
}
