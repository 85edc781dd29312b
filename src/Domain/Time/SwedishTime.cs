using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace LogControl.Domain.Time;

/// <summary>
/// Time as the contracts define it: ISO 8601; with an offset or Z that instant, without an offset local
/// time in Europe/Stockholm. In the autumn overlap the earlier instant is taken; a local time in the
/// spring gap does not exist and is an error.
/// </summary>
public static class SwedishTime
{
    public static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Europe/Stockholm"];

    public enum ParseStatus { Ok, Invalid, NonexistentLocalTime }

    private static readonly OffsetDateTimePattern[] OffsetPatterns =
    [
        OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss;FFFFFFFFFo<G>"),
        OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd' 'HH':'mm':'ss;FFFFFFFFFo<G>"),
        OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mmo<G>"),
        OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd' 'HH':'mmo<G>"),
    ];

    private static readonly LocalDateTimePattern[] LocalPatterns =
    [
        LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss;FFFFFFFFF"),
        LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd' 'HH':'mm':'ss;FFFFFFFFF"),
        LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm"),
        LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd' 'HH':'mm"),
    ];

    /// <summary>Parses a contract timestamp. Never throws.</summary>
    public static ParseStatus TryParseInstant(ReadOnlySpan<char> text, out Instant instant)
    {
        instant = default;
        text = text.Trim();
        if (text.Length < 16) return ParseStatus.Invalid;

        var s = text.ToString();
        var hasOffset = HasOffset(text);
        if (hasOffset)
        {
            foreach (var p in OffsetPatterns)
            {
                var r = p.Parse(s);
                if (!r.Success) continue;
                // An offset can push a date at the end of year 9999 past Instant.MaxValue, where
                // ToInstant() throws OverflowException; such a timestamp is simply invalid.
                try { instant = r.Value.ToInstant(); }
                catch (OverflowException) { return ParseStatus.Invalid; }
                return ParseStatus.Ok;
            }
            return ParseStatus.Invalid;
        }

        foreach (var p in LocalPatterns)
        {
            var r = p.Parse(s);
            if (!r.Success) continue;
            return FromLocal(r.Value, out instant);
        }
        return ParseStatus.Invalid;
    }

    /// <summary>Local Stockholm wall time to an instant: earlier instant in the overlap, gap is an error.</summary>
    public static ParseStatus FromLocal(LocalDateTime local, out Instant instant)
    {
        var mapping = Zone.MapLocal(local);
        switch (mapping.Count)
        {
            case 0:
                instant = default;
                return ParseStatus.NonexistentLocalTime;
            default:
                instant = mapping.First().ToInstant();
                return ParseStatus.Ok;
        }
    }

    public static bool TryParseDate(ReadOnlySpan<char> text, out LocalDate date)
    {
        var r = LocalDatePattern.Iso.Parse(text.Trim().ToString());
        date = r.Success ? r.Value : default;
        return r.Success;
    }

    private static readonly OffsetDateTimePattern IsoWithOffset =
        OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'sso<+HH:mm>");

    /// <summary>ISO 8601 in Stockholm local time with its offset, as the exports use: 2026-03-02T07:41:12+01:00.</summary>
    public static string FormatIso(Instant instant) => IsoWithOffset.Format(instant.InZone(Zone).ToOffsetDateTime());

    public static LocalDate DateOf(Instant instant) => instant.InZone(Zone).Date;

    public static ZonedDateTime InStockholm(Instant instant) => instant.InZone(Zone);

    private static bool HasOffset(ReadOnlySpan<char> t)
    {
        if (t[^1] is 'Z' or 'z') return true;
        // The date part (yyyy-MM-dd) ends at index 9; a sign after it can only start an offset.
        return t.Length > 11 && t[11..].IndexOfAny('+', '-') >= 0;
    }
}
