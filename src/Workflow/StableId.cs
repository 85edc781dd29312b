using System.Security.Cryptography;
using System.Text;

namespace LogControl.Workflow;

/// <summary>Stream ids derived from a natural key, so "the review of unit X for the first half of 2026" has exactly one stream.</summary>
public static class StableId
{
    public static Guid From(string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8: application-defined
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
