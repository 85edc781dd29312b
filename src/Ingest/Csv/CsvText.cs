using System.Buffers;
using System.Text;

namespace LogControl.Ingest.Csv;

/// <summary>
/// Byte-to-string decoding for the CSV reader: UTF-8, or Windows-1252 for files (or single fields) that
/// are not valid UTF-8. Windows-1252 is a hand-written table (Latin-1 except 0x80–0x9F) so no global
/// <c>CodePagesEncodingProvider</c> registration is needed. Never throws.
/// </summary>
internal static class CsvText
{
    // Windows-1252 0x80–0x9F. The five bytes undefined in 1252 (0x81, 0x8D, 0x8F, 0x90, 0x9D) map to the
    // C1 control with the same value, as Windows' MultiByteToWideChar does.
    private const string Cp1252High =
        "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F" +
        "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static bool IsValidUtf8(ReadOnlySpan<byte> bytes) => Utf8Validity(bytes);

    private static bool Utf8Validity(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes);

    /// <summary>
    /// Decodes as UTF-8 when <paramref name="utf8"/> is set and the bytes are valid UTF-8; otherwise as
    /// Windows-1252 (the per-field fallback for a file sniffed as UTF-8 with a later invalid byte).
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> bytes, bool utf8, bool knownValid)
    {
        if (bytes.IsEmpty) return string.Empty;
        if (utf8 && (knownValid || Utf8Validity(bytes))) return Utf8.GetString(bytes);
        return DecodeCp1252(bytes);
    }

    public static string DecodeCp1252(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IndexOfAnyInRange((byte)0x80, (byte)0x9F) < 0) return Encoding.Latin1.GetString(bytes);
        char[]? rented = null;
        var chars = bytes.Length <= 512 ? stackalloc char[bytes.Length] : (rented = ArrayPool<char>.Shared.Rent(bytes.Length));
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            chars[i] = b is >= 0x80 and <= 0x9F ? Cp1252High[b - 0x80] : (char)b;
        }
        var s = new string(chars[..bytes.Length]);
        if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        return s;
    }

    /// <summary>
    /// Length of the longest prefix of <paramref name="bytes"/> that does not end inside a UTF-8 multi-byte
    /// sequence (used to sniff a buffer that was cut at an arbitrary byte).
    /// </summary>
    public static int CompleteUtf8Prefix(ReadOnlySpan<byte> bytes)
    {
        var n = bytes.Length;
        for (var back = 1; back <= 4 && back <= n; back++)
        {
            var b = bytes[n - back];
            if ((b & 0xC0) == 0x80) continue; // continuation byte: keep looking for the lead byte
            var need = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 1;
            return need > back ? n - back : n;
        }
        return n;
    }

    public static ReadOnlySpan<byte> TrimAscii(ReadOnlySpan<byte> s)
    {
        var a = 0;
        var b = s.Length;
        while (a < b && IsSpace(s[a])) a++;
        while (b > a && IsSpace(s[b - 1])) b--;
        return s[a..b];
    }

    public static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0x0B or 0x0C;

    public static bool IsBlank(ReadOnlySpan<byte> s) => s.IndexOfAnyExcept(" \t\r\v\f"u8) < 0;

    /// <summary>Shortens a value for use inside a human-readable reason.</summary>
    public static string Quote(string? value, int max = 80)
    {
        value ??= string.Empty;
        if (value.Length > max) value = string.Concat(value.AsSpan(0, max), "…");
        return "'" + value + "'";
    }
}
