using System.Text.RegularExpressions;
using LogControl.Domain.Time;
using NodaTime;
using NodaTime.Text;

namespace LogControl.Projections.Replay;

/// <summary>
/// "As known at" an instant: transaction time, i.e. what the event store held then (the events' stored
/// timestamps), not the valid time of the facts. Parsing of the instant for the API and the CLI.
/// </summary>
public static partial class AsOf
{
    [GeneratedRegex(@"(Z|z|[+-]\d{2}(:?\d{2})?)$")]
    private static partial Regex OffsetSuffix();

    /// <summary>
    /// The API's form: an ISO 8601 instant with Z or an offset (<c>2026-03-02T10:00:00Z</c>). A server does not
    /// guess a zone; a '+' sent unencoded in a query string arrives as a space, so the error says so.
    /// </summary>
    public static bool TryParseInstant(string? text, out Instant instant, out string error)
    {
        instant = default;
        error = "";
        var t = text?.Trim() ?? "";
        if (t.Length == 0) { error = "asOf is empty; give an ISO 8601 instant such as 2026-03-02T10:00:00Z"; return false; }
        if (!OffsetSuffix().IsMatch(t) || SwedishTime.TryParseInstant(t, out instant) != SwedishTime.ParseStatus.Ok)
        {
            error = $"asOf '{text}' is not an ISO 8601 instant with Z or an offset, such as 2026-03-02T10:00:00Z"
                    + (text!.Contains(' ') ? " (encode '+' as %2B in a query string)" : "");
            return false;
        }
        return true;
    }

    /// <summary>
    /// The CLI's form: an instant with Z or an offset, or a local date-time in Europe/Stockholm
    /// (<c>2026-03-02T10:00</c>). A local time in the spring gap does not exist, and one in the autumn overlap
    /// happened twice: both are refused rather than guessed, since the answer can differ by an hour.
    /// </summary>
    public static bool TryParseLocalOrInstant(string? text, out Instant instant, out string error)
    {
        var t = text?.Trim() ?? "";
        if (OffsetSuffix().IsMatch(t)) return TryParseInstant(t, out instant, out error);
        instant = default;
        error = "";
        foreach (var pattern in new[] { "uuuu'-'MM'-'dd'T'HH':'mm':'ss;FFFFFFFFF", "uuuu'-'MM'-'dd' 'HH':'mm':'ss;FFFFFFFFF", "uuuu'-'MM'-'dd'T'HH':'mm", "uuuu'-'MM'-'dd' 'HH':'mm" })
        {
            var r = LocalDateTimePattern.CreateWithInvariantCulture(pattern).Parse(t);
            if (!r.Success) continue;
            var mapping = SwedishTime.Zone.MapLocal(r.Value);
            switch (mapping.Count)
            {
                case 1: instant = mapping.Single().ToInstant(); return true;
                case 0: error = $"{t} does not exist in Europe/Stockholm (the clocks skip that hour)"; return false;
                default:
                    error = $"{t} happened twice in Europe/Stockholm (the clocks went back); add the offset, e.g. {t}+02:00 or {t}+01:00";
                    return false;
            }
        }
        error = $"'{text}' is neither an instant (2026-03-02T10:00:00Z) nor a Stockholm local time (2026-03-02T10:00)";
        return false;
    }
}
