using System.Text;
using LogControl.Domain.Identity;
using LogControl.Ingest.Csv;
using LogControl.Ingest.Parsing;

namespace LogControl.Tests.Ingest.Csv;

/// <summary>Synthetic test data: valid personnummer/samordningsnummer and reader helpers.</summary>
internal static class CsvTestData
{
    public const string Header = "event_id;timestamp;system;user_id;user_name;user_role;unit_id;client_id;action;purpose;terminal";

    /// <summary>A synthetic, Luhn-valid personnummer as 12 digits (samordningsnummer: day + 60).</summary>
    public static string Personnummer(int year, int month, int day, int serial, bool samordning = false)
    {
        var yymmddnnn = $"{year % 100:D2}{month:D2}{(samordning ? day + 60 : day):D2}{serial % 1000:D3}";
        var check = LogControl.Domain.Identity.Personnummer.CheckDigit(yymmddnnn);
        return $"{year / 100:D2}{yymmddnnn}{check}";
    }

    /// <summary>Same number with the check digit deliberately wrong.</summary>
    public static string WithWrongCheckDigit(string pnr)
    {
        var last = pnr[^1] - '0';
        return pnr[..^1] + (char)('0' + (last + 1) % 10);
    }

    public static List<IngestItem> Read(string text, CsvAccessLogReader? reader = null) =>
        Read(Encoding.UTF8.GetBytes(text), reader);

    public static List<IngestItem> Read(byte[] bytes, CsvAccessLogReader? reader = null)
    {
        using var ms = new MemoryStream(bytes);
        return (reader ?? new CsvAccessLogReader()).Read(ms, "test.csv").ToList();
    }

    public static string Row(string eventId = "E1", string timestamp = "2026-03-02 07:41:12", string system = "Lifecare",
        string userId = "U1", string userName = "Nils Berg", string role = "underskoterska", string unit = "HT-NORR",
        string clientId = "19121212-1212", string action = "read", string purpose = "care", string terminal = "ws-1") =>
        string.Join(';', eventId, timestamp, system, userId, userName, role, unit, clientId, action, purpose, terminal);
}
