using System.IO.Compression;
using System.Text;
using LogControl.Domain.Access;
using LogControl.Domain.Ingestion;
using LogControl.Ingest.Csv;
using LogControl.Ingest.Parsing;
using NodaTime;
using static LogControl.Tests.Ingest.Csv.CsvTestData;

namespace LogControl.Tests.Ingest.Csv;

public class CsvAccessLogReaderTests
{
    // Copy of /work/shared/samples/access-log.csv (the contract example).
    private const string Sample =
        "event_id;timestamp;system;user_id;user_name;user_role;unit_id;client_id;action;purpose;terminal\n" +
        "LC-0000001;2026-03-02 07:41:12;Lifecare;SE2321000032-U1001;Åsa Öberg;underskoterska;HT-NORR;19121212-1212;read;care;ws-norr-03\n" +
        "LC-0000002;2026-03-02T23:15:00+01:00;Lifecare;SE2321000032-U1044;Nils Berg;underskoterska;HT-NATT;19121212-1212;read;emergency;10.2.4.17\n";

    private static ParsedAccess Accepted(IngestItem item)
    {
        item.Kind.ShouldBe(ItemKind.Access, $"{item.ReasonCode}: {item.Reason}");
        return item.Access!;
    }

    private static void ShouldBeRejected(IngestItem item, string code, params string[] reasonMentions)
    {
        item.Kind.ShouldBe(ItemKind.Rejected);
        item.ReasonCode.ShouldBe(code);
        foreach (var m in reasonMentions) item.Reason!.ShouldContain(m);
    }

    private static IngestItem One(string row) => Read(Header + "\n" + row + "\n").ShouldHaveSingleItem();

    [Fact]
    public void Sample_file_reads_both_rows_exactly()
    {
        var items = Read(Sample);
        items.Count.ShouldBe(2);

        var a = Accepted(items[0]);
        items[0].Line.ShouldBe(2);
        items[0].Raw.ShouldBe("LC-0000001;2026-03-02 07:41:12;Lifecare;SE2321000032-U1001;Åsa Öberg;underskoterska;HT-NORR;19121212-1212;read;care;ws-norr-03");
        a.ShouldBe(new ParsedAccess("Lifecare", "LC-0000001", Instant.FromUtc(2026, 3, 2, 6, 41, 12), "SE2321000032-U1001",
            "Åsa Öberg", "underskoterska", "HT-NORR", "191212121212", AccessAction.Read, AccessPurpose.Care,
            AccessOutcome.Success, "ws-norr-03", null));

        var b = Accepted(items[1]);
        items[1].Line.ShouldBe(3);
        b.OccurredAt.ShouldBe(Instant.FromUtc(2026, 3, 2, 22, 15, 0));
        b.Purpose.ShouldBe(AccessPurpose.Emergency);
        b.Terminal.ShouldBe("10.2.4.17");
        b.UserName.ShouldBe("Nils Berg");
        b.UnitId.ShouldBe("HT-NATT");
    }

    [Fact]
    public void Sample_file_on_disk_matches_if_present()
    {
        const string path = "/work/shared/samples/access-log.csv";
        if (!File.Exists(path)) return;
        using var fs = File.OpenRead(path);
        var items = new CsvAccessLogReader().Read(fs, path).ToList();
        items.Count.ShouldBe(2);
        items.ShouldAllBe(i => i.Kind == ItemKind.Access);
        items[0].Access!.OccurredAt.ShouldBe(Instant.FromUtc(2026, 3, 2, 6, 41, 12));
    }

    [Theory]
    [InlineData("event_id")]
    [InlineData("timestamp")]
    [InlineData("system")]
    [InlineData("user_id")]
    [InlineData("client_id")]
    [InlineData("action")]
    public void Missing_required_header_column_rejects_the_whole_file_naming_it(string column)
    {
        var header = string.Join(';', Header.Split(';').Where(c => c != column));
        var items = Read(header + "\n" + Row() + "\n" + Row("E2") + "\n");
        var item = items.ShouldHaveSingleItem();
        ShouldBeRejected(item, ReasonCodes.MissingColumn, $"'{column}'", "test.csv");
        item.Line.ShouldBe(1);
        item.Raw.ShouldBe(header);
    }

    [Fact]
    public void Several_missing_header_columns_are_all_named()
    {
        var item = Read("event_id;system;user_id\nE1;S;U\n").ShouldHaveSingleItem();
        ShouldBeRejected(item, ReasonCodes.MissingColumn, "'timestamp'", "'client_id'", "'action'");
    }

    [Fact]
    public void Empty_file_is_rejected_as_missing_columns()
    {
        ShouldBeRejected(Read("").ShouldHaveSingleItem(), ReasonCodes.MissingColumn, "empty");
        ShouldBeRejected(Read("  \n\r\n").ShouldHaveSingleItem(), ReasonCodes.MissingColumn, "empty");
    }

    [Fact]
    public void Header_only_file_yields_nothing() => Read(Header + "\n").ShouldBeEmpty();

    [Theory]
    [InlineData("", "event_id")]
    [InlineData("  ", "event_id")]
    public void Empty_event_id_is_missing_field(string value, string column) =>
        ShouldBeRejected(One(Row(eventId: value)), ReasonCodes.MissingField, $"'{column}'");

    [Fact]
    public void Each_required_field_empty_is_missing_field()
    {
        ShouldBeRejected(One(Row(timestamp: "")), ReasonCodes.MissingField, "'timestamp'");
        ShouldBeRejected(One(Row(system: "")), ReasonCodes.MissingField, "'system'");
        ShouldBeRejected(One(Row(userId: " ")), ReasonCodes.MissingField, "'user_id'");
        ShouldBeRejected(One(Row(action: "")), ReasonCodes.MissingField, "'action'");
        ShouldBeRejected(One(Row(clientId: "")), ReasonCodes.MissingField, "'client_id'", "'read'");
        ShouldBeRejected(One(Row(clientId: "", action: "export")), ReasonCodes.MissingField, "'client_id'");
        ShouldBeRejected(One(Row(eventId: "", userId: "")), ReasonCodes.MissingField, "'event_id'", "'user_id'");
    }

    [Theory]
    [InlineData("login", AccessAction.Login)]
    [InlineData("LOGOUT", AccessAction.Logout)]
    [InlineData(" Search ", AccessAction.Search)]
    public void Client_id_may_be_empty_for_login_logout_search(string action, AccessAction expected)
    {
        var a = Accepted(One(Row(clientId: "", action: action)));
        a.ClientId.ShouldBeNull();
        a.Action.ShouldBe(expected);
    }

    [Fact]
    public void Short_row_counts_missing_fields_as_empty_and_extra_fields_are_ignored()
    {
        var items = Read(Header + "\nE1;2026-03-02 07:41:12;Lifecare;U1\n" + Row() + ";extra;more\n");
        ShouldBeRejected(items[0], ReasonCodes.MissingField, "'client_id'", "'action'");
        var a = Accepted(items[1]);
        a.Terminal.ShouldBe("ws-1");
    }

    [Theory]
    [InlineData("2026-03-02")]
    [InlineData("yesterday")]
    [InlineData("2026-02-30 10:00:00")]
    [InlineData("2026-03-02 25:00:00")]
    [InlineData("2026-13-02T10:00:00Z")]
    [InlineData("02/03/2026 10:00")]
    public void Unparseable_timestamp_is_bad_timestamp(string ts) =>
        ShouldBeRejected(One(Row(timestamp: ts)), ReasonCodes.BadTimestamp, "'timestamp'", ts);

    [Fact]
    public void Spring_gap_local_time_does_not_exist()
    {
        var item = One(Row(timestamp: "2026-03-29 02:30"));
        ShouldBeRejected(item, ReasonCodes.NonexistentLocalTime, "2026-03-29 02:30");
        // the same wall time with an explicit offset is fine
        Accepted(One(Row(timestamp: "2026-03-29T02:30:00+01:00"))).OccurredAt.ShouldBe(Instant.FromUtc(2026, 3, 29, 1, 30));
    }

    [Fact]
    public void Autumn_overlap_takes_the_earlier_instant()
    {
        Accepted(One(Row(timestamp: "2026-10-25 02:30"))).OccurredAt.ShouldBe(Instant.FromUtc(2026, 10, 25, 0, 30));
        Accepted(One(Row(timestamp: "2026-10-25T02:30:00"))).OccurredAt.ShouldBe(Instant.FromUtc(2026, 10, 25, 0, 30));
        Accepted(One(Row(timestamp: "2026-10-25 03:30:00"))).OccurredAt.ShouldBe(Instant.FromUtc(2026, 10, 25, 2, 30));
    }

    [Theory]
    [InlineData("2026-03-02T07:41:12Z", 7, 41, 12, 0)]
    [InlineData("2026-03-02T07:41:12.250Z", 7, 41, 12, 250)]
    [InlineData("2026-03-02 07:41:12,5", 6, 41, 12, 500)]
    [InlineData("2026-03-02T08:41:12+01:00", 7, 41, 12, 0)]
    [InlineData("2026-03-02T02:11:12-05:30", 7, 41, 12, 0)]
    [InlineData("2026-07-02 09:41:12", 7, 41, 12, 0)]
    [InlineData(" 2026-03-02T08:41 ", 7, 41, 0, 0)]
    public void Timestamp_forms(string ts, int h, int m, int s, int ms)
    {
        var expected = Instant.FromUtc(2026, ts.Contains("-07-") ? 7 : 3, 2, h, m, s).Plus(Duration.FromMilliseconds(ms));
        Accepted(One(Row(timestamp: ts))).OccurredAt.ShouldBe(expected);
    }

    [Theory]
    [InlineData("view")]
    [InlineData("reads")]
    [InlineData("läsa")]
    public void Unknown_action_is_bad_action(string action) =>
        ShouldBeRejected(One(Row(action: action)), ReasonCodes.BadAction, "'action'", action);

    [Fact]
    public void Action_is_case_insensitive_and_trimmed()
    {
        Accepted(One(Row(action: " PRINT "))).Action.ShouldBe(AccessAction.Print);
        Accepted(One(Row(action: "Export"))).Action.ShouldBe(AccessAction.Export);
        Accepted(One(Row(action: "\"Delete\""))).Action.ShouldBe(AccessAction.Delete);
    }

    [Theory]
    [InlineData("", AccessPurpose.Care)]
    [InlineData("EMERGENCY", AccessPurpose.Emergency)]
    [InlineData(" admin", AccessPurpose.Admin)]
    [InlineData("followup", AccessPurpose.Followup)]
    public void Purposes(string purpose, AccessPurpose expected) =>
        Accepted(One(Row(purpose: purpose))).Purpose.ShouldBe(expected);

    [Fact]
    public void Unknown_purpose_is_bad_purpose() =>
        ShouldBeRejected(One(Row(purpose: "curiosity")), ReasonCodes.BadPurpose, "'purpose'", "curiosity");

    [Fact]
    public void Wrong_check_digit_is_bad_personnummer()
    {
        ShouldBeRejected(One(Row(clientId: "19121212-1213")), ReasonCodes.BadPersonnummer, "'client_id'", "19121212-1213");
        ShouldBeRejected(One(Row(clientId: "1212121213")), ReasonCodes.BadPersonnummer);
    }

    [Fact]
    public void Valid_samordningsnummer_is_accepted_and_normalised()
    {
        var pnr = Personnummer(1985, 4, 17, 123, samordning: true); // day 77
        pnr.Substring(6, 2).ShouldBe("77");
        Accepted(One(Row(clientId: pnr[..8] + "-" + pnr[8..]))).ClientId.ShouldBe(pnr);
        ShouldBeRejected(One(Row(clientId: WithWrongCheckDigit(pnr))), ReasonCodes.BadPersonnummer);
    }

    [Fact]
    public void Ten_digit_personnummer_gets_its_century_from_the_access_year()
    {
        // 2026 access: '-' → at most 99 years old, '+' → 100 or older.
        Accepted(One(Row(clientId: "121212-1212"))).ClientId.ShouldBe("201212121212");
        Accepted(One(Row(clientId: "121212+1212"))).ClientId.ShouldBe("191212121212");
        var old = Personnummer(1931, 5, 6, 789);
        Accepted(One(Row(clientId: old[2..8] + "-" + old[8..]))).ClientId.ShouldBe(old);
        Accepted(One(Row(clientId: old[2..]))).ClientId.ShouldBe(old);
    }

    [Fact]
    public void Other_client_ids_are_kept_trimmed()
    {
        Accepted(One(Row(clientId: "  KL-00042 "))).ClientId.ShouldBe("KL-00042");
        Accepted(One(Row(clientId: "123456789"))).ClientId.ShouldBe("123456789"); // 9 digits: not a personnummer
    }

    [Fact]
    public void Header_is_case_insensitive_reordered_and_extra_columns_ignored()
    {
        var text = " Action ;CLIENT_ID;Detail;Timestamp;USER_ID; System ;Event_Id;ignored_col\n" +
                   "read;19121212-1212;journal/anteckningar;2026-03-02 07:41:12;U7;Treserva;T-1;zzz\n";
        var a = Accepted(Read(text).ShouldHaveSingleItem());
        a.ShouldBe(new ParsedAccess("Treserva", "T-1", Instant.FromUtc(2026, 3, 2, 6, 41, 12), "U7", null, null, null,
            "191212121212", AccessAction.Read, AccessPurpose.Care, AccessOutcome.Success, null, "journal/anteckningar"));
    }

    [Fact]
    public void Comma_delimiter_is_detected()
    {
        var text = Header.Replace(';', ',') + "\n" + Row().Replace(';', ',') + "\n";
        Accepted(Read(text).ShouldHaveSingleItem()).UserId.ShouldBe("U1");
    }

    [Fact]
    public void Crlf_line_endings()
    {
        var items = Read(Header + "\r\n" + Row() + "\r\n" + Row("E2", terminal: "") + "\r\n");
        items.Count.ShouldBe(2);
        items[0].Raw.ShouldNotEndWith("\r");
        Accepted(items[0]).Terminal.ShouldBe("ws-1");
        Accepted(items[1]).Terminal.ShouldBeNull();
        items[1].Line.ShouldBe(3);
    }

    [Fact]
    public void Last_row_without_line_ending_is_read() =>
        Accepted(Read(Header + "\n" + Row()).ShouldHaveSingleItem()).EventId.ShouldBe("E1");

    [Fact]
    public void Utf8_with_bom()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Sample)).ToArray();
        var items = Read(bytes);
        items.Count.ShouldBe(2);
        Accepted(items[0]).UserName.ShouldBe("Åsa Öberg");
        items[0].Line.ShouldBe(2);
    }

    [Fact]
    public void Windows_1252_file_is_decoded()
    {
        var cp1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;
        var text = Sample.Replace("underskoterska;HT-NATT", "undersköterska;HT-NATT") + Row("E3", userName: "Zoë “Ž” Åkesson") + "\n";
        var items = Read(cp1252.GetBytes(text));
        items.Count.ShouldBe(3);
        Accepted(items[0]).UserName.ShouldBe("Åsa Öberg");
        items[0].Raw.ShouldContain("Åsa Öberg");
        Accepted(items[1]).UserRole.ShouldBe("undersköterska");
        Accepted(items[2]).UserName.ShouldBe("Zoë “Ž” Åkesson");
    }

    [Fact]
    public void Windows_1252_after_an_ascii_prefix_falls_back_per_field()
    {
        // The sniffed prefix (64 bytes here) is plain ASCII, so the file is read as UTF-8; the later row with a
        // 1252 byte is not valid UTF-8 and is decoded as Windows-1252.
        var cp1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;
        var text = Header + "\n" + Row("E1") + "\n" + Row("E2", userName: "Åsa Öberg") + "\n" + Row("E3", userName: "Åsa Öberg") + "\n";
        var bytes = cp1252.GetBytes(text).Take(cp1252.GetByteCount(text[..text.LastIndexOf("E3", StringComparison.Ordinal)])).ToArray()
            .Concat(Encoding.UTF8.GetBytes(Row("E3", userName: "Åsa Öberg") + "\n")).ToArray();
        var items = Read(bytes, new CsvAccessLogReader(bufferBytes: 64));
        items.Count.ShouldBe(3);
        Accepted(items[1]).UserName.ShouldBe("Åsa Öberg");
        items[1].Raw.ShouldContain("Åsa Öberg");
        Accepted(items[2]).UserName.ShouldBe("Åsa Öberg"); // real UTF-8 still UTF-8
    }

    [Fact]
    public void Gzip_stream_supplied_by_the_caller()
    {
        using var compressed = new MemoryStream();
        using (var gz = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            var sb = new StringBuilder(Header).Append('\n');
            for (var i = 0; i < 5000; i++) sb.Append(Row($"E{i}", userName: "Åsa Öberg")).Append('\n');
            gz.Write(Encoding.UTF8.GetBytes(sb.ToString()));
        }
        compressed.Position = 0;
        using var unzip = new GZipStream(compressed, CompressionMode.Decompress);
        var items = new CsvAccessLogReader(bufferBytes: 4096).Read(unzip, "x.csv.gz").ToList();
        items.Count.ShouldBe(5000);
        items.ShouldAllBe(i => i.Kind == ItemKind.Access && i.Access!.UserName == "Åsa Öberg");
        items[^1].Line.ShouldBe(5001);
        items[^1].Access!.EventId.ShouldBe("E4999");
    }

    [Fact]
    public void Quoted_fields_with_delimiters_quotes_and_newlines_keep_physical_line_numbers()
    {
        var header = "event_id;timestamp;system;user_id;client_id;action;detail\n";
        var text = header +
                   "E1;2026-03-02 07:41:12;Lifecare;U1;19121212-1212;read;\"a;b \"\"quoted\"\" c\"\n" +   // line 2
                   "E2;2026-03-02 07:41:12;Lifecare;U1;19121212-1212;read;\"line one\nline two\r\nline three\"\n" + // lines 3-5
                   "\"E3\";\"2026-03-02 07:41:12\";Lifecare;\"U;1\";19121212-1212;read;\n" +                // line 6
                   "\n" +                                                                              // line 7 (blank)
                   "E4;2026-03-02 07:41:12;Lifecare;U1;19121212-1212;read;\"\"\n";                       // line 8
        var items = Read(text);
        items.Count.ShouldBe(4);
        items.Select(i => i.Line).ShouldBe([2L, 3L, 6L, 8L]);
        Accepted(items[0]).Detail.ShouldBe("a;b \"quoted\" c");
        Accepted(items[1]).Detail.ShouldBe("line one\nline two\r\nline three");
        items[1].Raw.ShouldBe("E2;2026-03-02 07:41:12;Lifecare;U1;19121212-1212;read;\"line one\nline two\r\nline three\"");
        var e3 = Accepted(items[2]);
        e3.EventId.ShouldBe("E3");
        e3.UserId.ShouldBe("U;1");
        e3.Detail.ShouldBeNull();
        Accepted(items[3]).Detail.ShouldBeNull();
    }

    [Fact]
    public void Blank_lines_are_skipped_but_counted_as_physical_lines()
    {
        var items = Read("\n" + Header + "\n\n   \n" + Row("E1") + "\n\t\r\n" + Row("E2") + "\n\n");
        items.Select(i => i.Line).ShouldBe([5L, 7L]);
        items.ShouldAllBe(i => i.Kind == ItemKind.Access);
    }

    [Fact]
    public void Lone_cr_is_data_not_a_line_break()
    {
        var items = Read(Header + "\n" + Row(userName: "a\rb") + "\n");
        Accepted(items.ShouldHaveSingleItem()).UserName.ShouldBe("a\rb");
    }

    [Fact]
    public void Unterminated_quote_runs_to_end_of_input()
    {
        var items = Read(Header + "\n" + Row("E1") + "\n" + "E2;\"2026-03-02 07:41:12;Lifecare\n" + Row("E3") + "\n");
        items.Count.ShouldBe(2);
        Accepted(items[0]);
        items[1].Kind.ShouldBe(ItemKind.Rejected);
        items[1].Line.ShouldBe(3);
        items[1].Raw.ShouldEndWith("ws-1");
    }

    [Fact]
    public void Too_long_record_is_rejected_and_skipped_without_losing_the_next()
    {
        var reader = new CsvAccessLogReader(maxRecordBytes: 200, bufferBytes: 64);
        var longDetail = new string('x', 5000);
        var text = "event_id;timestamp;system;user_id;client_id;action;detail\n" +
                   "E1;2026-03-02 07:41:12;S;U;19121212-1212;read;short\n" +
                   "E2;2026-03-02 07:41:12;S;U;19121212-1212;read;\"" + longDetail + "\n" + longDetail + "\"\n" +
                   "E3;2026-03-02 07:41:12;S;U;19121212-1212;read;" + longDetail + "\n" +
                   "E4;2026-03-02 07:41:12;S;U;19121212-1212;read;short\n";
        var items = Read(text, reader);
        items.Count.ShouldBe(4);
        Accepted(items[0]);
        ShouldBeRejected(items[1], ReasonCodes.RecordTooLong, "200");
        items[1].Line.ShouldBe(3);
        items[1].Raw.ShouldStartWith("E2;");
        ShouldBeRejected(items[2], ReasonCodes.RecordTooLong);
        items[2].Line.ShouldBe(5);
        Accepted(items[3]).EventId.ShouldBe("E4");
        items[3].Line.ShouldBe(6);
    }

    [Fact]
    public void Small_buffers_give_the_same_result()
    {
        var text = Sample + "E9;\"2026-03-02 07:41:12\";Lifecare;U;\"x\n\ny\";19121212-1212;read;;;\n" + Sample.Split('\n')[1] + "\n";
        var expected = Read(text);
        foreach (var size in new[] { 16, 17, 31, 64, 100 })
            Read(text, new CsvAccessLogReader(bufferBytes: size)).ShouldBe(expected);
    }

    [Fact]
    public void Cancellation_is_honoured()
    {
        using var cts = new CancellationTokenSource();
        using var ms = new MemoryStream(Encoding.UTF8.GetBytes(Sample));
        var e = new CsvAccessLogReader().Read(ms, "x", cts.Token).GetEnumerator();
        e.MoveNext().ShouldBeTrue();
        cts.Cancel();
        Should.Throw<OperationCanceledException>(() => e.MoveNext());
    }

    [Fact]
    public void Reason_truncates_very_long_values()
    {
        var item = One(Row(action: new string('q', 500)));
        ShouldBeRejected(item, ReasonCodes.BadAction);
        item.Reason!.Length.ShouldBeLessThan(300);
    }
}
