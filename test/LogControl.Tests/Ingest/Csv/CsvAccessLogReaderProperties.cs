using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LogControl.Domain.Ingestion;
using LogControl.Domain.Time;
using LogControl.Ingest.Csv;
using LogControl.Ingest.Parsing;
using NodaTime;
using static LogControl.Tests.Ingest.Csv.CsvTestData;

namespace LogControl.Tests.Ingest.Csv;

public class CsvAccessLogReaderProperties
{
    private const string Header7 = "event_id;timestamp;system;user_id;client_id;action;detail";

    private static readonly byte[] HeaderBytes = Encoding.UTF8.GetBytes(Header + "\n");

    // Bytes biased towards the ones the parser cares about.
    private static readonly Gen<byte> InterestingByte = Gen.Frequency(
        (4, Gen.Elements((byte)';', (byte)',', (byte)'"', (byte)'\n', (byte)'\r', (byte)' ', (byte)'\t')),
        (2, Gen.Elements("0123456789-+:TZ"u8.ToArray())),
        (1, Gen.Elements((byte)0xEF, (byte)0xBB, (byte)0xBF, (byte)0xC3, (byte)0xA5, (byte)0x80, (byte)0xFF, (byte)0)),
        (3, Gen.Choose(0, 255).Select(i => (byte)i)));

    private static readonly Arbitrary<byte[]> InterestingBytes = Gen.ArrayOf(InterestingByte).ToArbitrary();

    private static readonly CsvAccessLogReader[] Readers =
    [
        new(),
        new(maxRecordBytes: 64, bufferBytes: 16),
        new(maxRecordBytes: 100, bufferBytes: 33),
    ];

    // Small buffers exercise refills and records that straddle them.
    private static readonly CsvAccessLogReader[] RowReaders = [new(), new(bufferBytes: 16), new(bufferBytes: 33)];

    private static bool NeverThrows(byte[] bytes)
    {
        foreach (var reader in Readers)
        {
            var items = Read(bytes, reader);
            foreach (var i in items)
            {
                if (i.Raw is null) return false;
                if (i.Kind == ItemKind.Rejected && (i.ReasonCode is null || i.Reason is null)) return false;
                if (i.Kind == ItemKind.Access && i.Access is null) return false;
            }
        }
        return true;
    }

    [Property(MaxTest = 300)]
    public bool Never_throws_on_arbitrary_bytes(byte[] bytes) => NeverThrows(bytes);

    [Property(MaxTest = 300)]
    public Property Never_throws_on_interesting_bytes() => Prop.ForAll(InterestingBytes, NeverThrows);

    [Property(MaxTest = 300)]
    public Property Never_throws_on_arbitrary_bytes_after_a_valid_header() =>
        Prop.ForAll(InterestingBytes, tail => NeverThrows([.. HeaderBytes, .. tail]));

    [Property(MaxTest = 200)]
    public bool Never_throws_on_arbitrary_text_after_a_valid_header(string? tail) =>
        NeverThrows([.. HeaderBytes, .. Encoding.UTF8.GetBytes(tail ?? "")]);

    // ------------------------------------------------------------------ generated rows

    public enum Defect { None, NoEventId, NoClient, BadTimestamp, SpringGap, BadAction, BadPurpose, BadPnr, LoginNoClient }

    public sealed record RowSpec(Defect Defect, int Serial, bool Quote, bool Multiline, int BlankLinesBefore, bool Crlf);

    private static readonly Gen<RowSpec> RowGen =
        from defect in Gen.Elements(Enum.GetValues<Defect>())
        from serial in Gen.Choose(0, 999)
        from quote in Gen.Elements(false, true)
        from multiline in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
        from blanks in Gen.Frequency((4, Gen.Constant(0)), (1, Gen.Choose(1, 3)))
        from crlf in Gen.Elements(false, true)
        select new RowSpec(defect, serial, quote, multiline, blanks, crlf);

    private static string? ExpectedCode(Defect d) => d switch
    {
        Defect.None or Defect.LoginNoClient => null,
        Defect.NoEventId or Defect.NoClient => ReasonCodes.MissingField,
        Defect.BadTimestamp => ReasonCodes.BadTimestamp,
        Defect.SpringGap => ReasonCodes.NonexistentLocalTime,
        Defect.BadAction => ReasonCodes.BadAction,
        Defect.BadPurpose => ReasonCodes.BadPurpose,
        Defect.BadPnr => ReasonCodes.BadPersonnummer,
        _ => throw new ArgumentOutOfRangeException(nameof(d)),
    };

    private static string Q(string v, bool quote) => quote ? "\"" + v.Replace("\"", "\"\"") + "\"" : v;

    [Property(MaxTest = 200)]
    public Property Every_record_yields_one_item_as_expected()
    {
        var gen = Gen.ListOf(RowGen).SelectMany(rows => Gen.Elements(RowReaders).Select(r => (rows, r)));
        return Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (rows, reader) = t;
            var sb = new StringBuilder("event_id;timestamp;system;user_id;client_id;action;purpose;detail\n");
            var line = 2L;
            var expectedLines = new List<long>();
            var i = 0;
            foreach (var r in rows)
            {
                var nl = r.Crlf ? "\r\n" : "\n";
                for (var b = 0; b < r.BlankLinesBefore; b++) { sb.Append(b % 2 == 0 ? "" : "  ").Append(nl); line++; }
                var pnr = Personnummer(1940 + r.Serial % 80, 1 + r.Serial % 12, 1 + r.Serial % 28, r.Serial, samordning: r.Serial % 5 == 0);
                var fields = new[]
                {
                    r.Defect == Defect.NoEventId ? "" : $"E{i}",
                    r.Defect switch { Defect.BadTimestamp => "2026-02-30 10:00", Defect.SpringGap => "2026-03-29 02:15:00", _ => "2026-03-02 07:41:12" },
                    "Lifecare",
                    $"U{r.Serial}",
                    r.Defect switch { Defect.NoClient or Defect.LoginNoClient => "", Defect.BadPnr => WithWrongCheckDigit(pnr), _ => pnr },
                    r.Defect switch { Defect.BadAction => "peek", Defect.LoginNoClient => "login", _ => "read" },
                    r.Defect == Defect.BadPurpose ? "fun" : "emergency",
                    r.Multiline ? "a;b\nc \"d\"" : "x",
                };
                sb.AppendJoin(';', fields.Select(f => Q(f, r.Quote || r.Multiline && f.Contains('\n')))).Append(nl);
                expectedLines.Add(line);
                line += r.Multiline ? 2 : 1;
                i++;
            }

            var items = Read(sb.ToString(), reader);
            if (items.Count != rows.Count) return false.Label($"count {items.Count} != {rows.Count}");
            for (var k = 0; k < rows.Count; k++)
            {
                var code = ExpectedCode(rows[k].Defect);
                var item = items[k];
                if (item.Line != expectedLines[k]) return false.Label($"row {k}: line {item.Line} != {expectedLines[k]}");
                if (code is null && item.Kind != ItemKind.Access) return false.Label($"row {k}: {item.ReasonCode} {item.Reason}");
                if (code is not null && (item.Kind != ItemKind.Rejected || item.ReasonCode != code))
                    return false.Label($"row {k}: expected {code}, got {item.Kind} {item.ReasonCode}");
                if (code is null && rows[k].Multiline && item.Access!.Detail != "a;b\nc \"d\"") return false.Label($"row {k}: detail");
            }
            return true.ToProperty();
        });
    }

    // ------------------------------------------------------------------ quoting round trip

    private static readonly Gen<string> FieldValue =
        Gen.ArrayOf(Gen.Elements(";", ",", "\"", "\"\"", "\n", "\r", "\r\n", " ", "\t", "a", "Z", "0", "å", "Ö", "€", "—", "😀"))
            .Select(cs => string.Concat(cs).Trim())
            .Where(s => s.Length > 0);

    [Property(MaxTest = 300)]
    public Property Quoted_values_round_trip()
    {
        var gen =
            from eventId in FieldValue
            from userName in FieldValue
            from detail in FieldValue
            from delimiter in Gen.Elements(';', ',')
            from crlf in Gen.Elements(false, true)
            from reader in Gen.Elements(RowReaders)
            select (eventId, userName, detail, delimiter, crlf, reader);

        return Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (eventId, userName, detail, d, crlf, reader) = t;
            var nl = crlf ? "\r\n" : "\n";
            var header = string.Join(d, "event_id", "timestamp", "system", "user_id", "client_id", "action", "user_name", "detail");
            var row = string.Join(d, Q(eventId, true), "2026-03-02 07:41:12", "S", "U", "KL-1", "read", Q(userName, true), Q(detail, true));
            var rawRow = row;
            var items = Read(header + nl + row + nl + row.Replace("KL-1", "KL-2") + nl, reader);
            if (items.Count != 2) return false.Label($"count {items.Count}");
            var a = items[0].Access;
            if (a is null) return false.Label($"{items[0].ReasonCode} {items[0].Reason}");
            var ok = a.EventId == eventId && a.UserName == userName && a.Detail == detail && items[0].Raw == rawRow
                     && items[1].Access?.ClientId == "KL-2"
                     && items[1].Line == 3 + row.Count(c => c == '\n');
            return ok.Label($"got '{a.EventId}' '{a.UserName}' '{a.Detail}' line {items[1].Line}");
        });
    }

    // ------------------------------------------------------------------ fast timestamp path agrees with SwedishTime

    private static readonly Gen<string> TimestampText =
        from y in Gen.Elements(1000, 1969, 2024, 2026, 9998, 9999, 999, 0)
        from mo in Gen.Choose(0, 13)
        from d in Gen.Choose(0, 32)
        from h in Gen.Elements(0, 1, 2, 3, 12, 23, 24)
        from mi in Gen.Elements(0, 15, 30, 59, 60)
        from s in Gen.Elements(-1, 0, 59, 60)
        from frac in Gen.Elements("", ".5", ",123", ".123456789", ".1234567890", ".")
        from sep in Gen.Elements("T", " ", "t")
        from off in Gen.Elements("", "Z", "z", "+01:00", "-05:30", "+14:00", "+18:00", "+19:00", "+0100", "+01", "-00:00", "+01:60")
        select $"{y:D4}-{mo:D2}-{d:D2}{sep}{h:D2}:{mi:D2}" + (s < 0 ? "" : $":{s:D2}{frac}") + off;

    [Property(MaxTest = 2000)]
    public Property Fast_timestamp_path_agrees_with_SwedishTime() =>
        Prop.ForAll(TimestampText.ToArbitrary(), text =>
        {
            if (!CsvTimestamp.TryFast(Encoding.ASCII.GetBytes(text), out var fast, out var fastStatus)) return true.ToProperty();
            var slowStatus = SwedishTime.TryParseInstant(text, out var slow);
            return (fastStatus == slowStatus && (fastStatus != SwedishTime.ParseStatus.Ok || fast == slow))
                .Label($"{text}: fast {fastStatus} {fast}, SwedishTime {slowStatus} {slow}");
        });

    [Property(MaxTest = 2000)]
    public Property Timestamp_parsing_never_throws() =>
        Prop.ForAll(TimestampText.ToArbitrary(), text =>
        {
            CsvTimestamp.Parse(text, out _);
            CsvTimestamp.Parse(Encoding.ASCII.GetBytes(text), out _);
            return true;
        });

    [Theory]
    [InlineData("9999-12-31T23:00:00-05:00")]
    [InlineData("0000-01-01T00:00:00+14:00")]
    [InlineData("9999-12-31T23:59:59")]
    public void SwedishTime_never_throws_at_the_edges_of_the_calendar(string text) =>
        Should.NotThrow(() => SwedishTime.TryParseInstant(text, out _));
}
