using LogControl.Domain.Time;
using NodaTime;

namespace LogControl.Ingest.Csv;

/// <summary>
/// Timestamp parsing for the CSV reader. A byte-level fast path handles the common shapes
/// (<c>yyyy-MM-dd[T ]HH:mm[:ss[.f…]]</c> with optional <c>Z</c> or <c>±HH:mm</c>) with fully validated
/// ranges; anything it does not recognise goes to <see cref="SwedishTime.TryParseInstant"/>, which stays the
/// authority (the fast path must never accept what SwedishTime would reject, see the tests).
/// </summary>
internal static class CsvTimestamp
{
    public static SwedishTime.ParseStatus Parse(ReadOnlySpan<byte> text, out Instant instant)
    {
        if (TryFast(text, out instant, out var status)) return status;
        text = CsvText.TrimAscii(text);
        if (text.Length > 64) { instant = default; return SwedishTime.ParseStatus.Invalid; }
        Span<char> chars = stackalloc char[text.Length];
        for (var i = 0; i < text.Length; i++) chars[i] = (char)text[i]; // non-ASCII never parses anyway
        return Slow(chars[..text.Length], out instant);
    }

    public static SwedishTime.ParseStatus Parse(string text, out Instant instant)
    {
        var t = text.AsSpan().Trim();
        if (t.Length <= 64)
        {
            Span<byte> b = stackalloc byte[t.Length];
            var ascii = true;
            for (var i = 0; i < t.Length; i++)
            {
                if (t[i] > 0x7F) { ascii = false; break; }
                b[i] = (byte)t[i];
            }
            if (ascii && TryFast(b, out instant, out var status)) return status;
        }
        return Slow(t, out instant);
    }

    private static SwedishTime.ParseStatus Slow(ReadOnlySpan<char> text, out Instant instant)
    {
        try
        {
            return SwedishTime.TryParseInstant(text, out instant);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Defensive: the reader must never throw on input (e.g. an instant outside NodaTime's range).
            instant = default;
            return SwedishTime.ParseStatus.Invalid;
        }
    }

    /// <summary>Returns false when the text is not in a shape the fast path knows (then ask SwedishTime).</summary>
    internal static bool TryFast(ReadOnlySpan<byte> t, out Instant instant, out SwedishTime.ParseStatus status)
    {
        instant = default;
        status = SwedishTime.ParseStatus.Invalid;
        t = CsvText.TrimAscii(t);
        if (t.Length < 16) return false;
        if (t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != ' ') || t[13] != ':') return false;
        if (!D4(t, 0, out var year) || !D2(t, 5, out var month) || !D2(t, 8, out var day) ||
            !D2(t, 11, out var hour) || !D2(t, 14, out var minute)) return false;

        var p = 16;
        var second = 0;
        long nanos = 0;
        if (p < t.Length && t[p] == ':')
        {
            if (p + 3 > t.Length || !D2(t, p + 1, out second)) return false;
            p += 3;
            if (p < t.Length && (t[p] == '.' || t[p] == ','))
            {
                var q = p + 1;
                var digits = 0;
                while (q < t.Length && char.IsAsciiDigit((char)t[q]))
                {
                    if (++digits > 9) return false;
                    nanos = nanos * 10 + (t[q] - '0');
                    q++;
                }
                if (digits == 0) return false;
                for (var k = digits; k < 9; k++) nanos *= 10;
                p = q;
            }
        }

        // Only unambiguous, clearly valid values; anything else is left to SwedishTime.
        if (year is < 1000 or > 9998 || month is < 1 or > 12 || day < 1 ||
            day > CalendarSystem.Iso.GetDaysInMonth(year, month) ||
            hour > 23 || minute > 59 || second > 59) return false;

        var local = new LocalDateTime(year, month, day, hour, minute, second).PlusNanoseconds(nanos);

        if (p == t.Length)
        {
            status = SwedishTime.FromLocal(local, out instant);
            return true;
        }
        if (t[p] == 'Z' && p + 1 == t.Length)
        {
            instant = local.InUtc().ToInstant();
            status = SwedishTime.ParseStatus.Ok;
            return true;
        }
        if ((t[p] == '+' || t[p] == '-') && p + 6 == t.Length && t[p + 3] == ':' &&
            D2(t, p + 1, out var oh) && D2(t, p + 4, out var om) && oh <= 14 && om <= 59)
        {
            var sign = t[p] == '-' ? -1 : 1;
            var offset = Offset.FromSeconds(sign * (oh * 3600 + om * 60));
            instant = new OffsetDateTime(local, offset).ToInstant();
            status = SwedishTime.ParseStatus.Ok;
            return true;
        }
        return false;
    }

    private static bool D2(ReadOnlySpan<byte> t, int i, out int v)
    {
        v = 0;
        if (i + 2 > t.Length) return false;
        int a = t[i] - '0', b = t[i + 1] - '0';
        if ((uint)a > 9 || (uint)b > 9) return false;
        v = a * 10 + b;
        return true;
    }

    private static bool D4(ReadOnlySpan<byte> t, int i, out int v)
    {
        v = 0;
        if (!D2(t, i, out var hi) || !D2(t, i + 2, out var lo)) return false;
        v = hi * 100 + lo;
        return true;
    }
}
