using LogControl.Domain.Identity;
using LogControl.Domain.Ingestion;
using LogControl.Domain.Reference;
using LogControl.Ingest.Parsing;
using LogControl.Ingest.Reference;
using LogControl.Tests.Support;
using NodaTime;

namespace LogControl.Tests.Ingest.Reference;

public class ReferenceFactReaderTests
{
    private static Instant Utc(int y, int mo, int d, int h, int mi) => Instant.FromUtc(y, mo, d, h, mi);

    // ---- the shared sample -------------------------------------------------------------------------

    [Fact]
    public void Every_line_of_the_sample_file_maps_to_the_expected_record()
    {
        var path = Path.Combine(SharedPaths.Samples, "reference.ndjson");
        using var stream = File.OpenRead(path);
        var items = ReferenceFactReader.Read(stream, path).ToList();

        object[] expected =
        [
            new UnitDescribed("HT-NORR", "Hemtjänst Norr", "hemtjanst", "SE2321000032-U0007", "hemtjanst-dag", []),
            new UnitDescribed("HT-NATT", "Nattpatrullen", "hemtjanst_natt", "SE2321000032-U0009", "hemtjanst-natt", ["HT-NORR", "HT-SYD"]),
            new StaffPlacementRecorded("SE2321000032-U1001", "Åsa Öberg", "Öberg", null, null, "underskoterska", "HT-NORR",
                new LocalDate(2024, 1, 1), null),
            new ClientDescribed("191212121212", "Tolvansson", "a91f", false, null),
            new EnrollmentRecorded("191212121212", "HT-NORR", new LocalDate(2025, 6, 1), null),
            new ShiftRecorded("SE2321000032-U1001", Utc(2026, 3, 2, 6, 0), Utc(2026, 3, 2, 15, 0), "HT-NORR"),
            new VisitRecorded("V-88121", "191212121212", "SE2321000032-U1001", "HT-NORR", Utc(2026, 3, 2, 7, 0), Utc(2026, 3, 2, 7, 30)),
        ];

        items.Count.ShouldBe(expected.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            items[i].Line.ShouldBe(i + 1);
            items[i].Raw.ShouldStartWith("{\"type\":");
            items[i].ShouldBeFact(expected[i]);
        }
    }

    // ---- each type ---------------------------------------------------------------------------------

    [Fact]
    public void Unit_without_covers_units_has_an_empty_list_and_optional_fields_may_be_absent()
    {
        var u = FactAssertions.ReadLine("""{"type":"unit","unit_id":"SB-EKEN"}""").ShouldBeFact<UnitDescribed>();
        u.ShouldBe(u with { UnitId = "SB-EKEN", Name = null, Kind = null, ManagerUserId = null, ComparableGroup = null });
        u.CoversUnits.ShouldBeEmpty();
        u.Extra.ShouldBeNull();
    }

    [Fact]
    public void Staff_with_personnummer_and_period()
    {
        FactAssertions.ReadLine("""
            {"type":"staff","user_id":"U1","name":"Nils Berg","surname":"Berg","personnummer":"19121212-1212",
             "address_key":"h77","role":"sjukskoterska","unit_id":"HSL","from":"2025-01-01","to":"2025-12-31"}
            """).ShouldBeFact(new StaffPlacementRecorded("U1", "Nils Berg", "Berg", "191212121212", "h77", "sjukskoterska", "HSL",
                new LocalDate(2025, 1, 1), new LocalDate(2025, 12, 31)));
    }

    [Fact]
    public void Client_with_protected_identity_and_death_date()
    {
        FactAssertions.ReadLine("""{"type":"client","client_id":"19121212-1212","surname":"T","protected_identity":true,"deceased_on":"2026-02-01"}""")
            .ShouldBeFact(new ClientDescribed("191212121212", "T", null, true, new LocalDate(2026, 2, 1)));
    }

    [Fact]
    public void Client_with_a_system_id_is_kept_as_written()
    {
        FactAssertions.ReadLine("""{"type":"client","client_id":"LC-000123"}""")
            .ShouldBeFact(new ClientDescribed("LC-000123", null, null, false, null));
    }

    [Fact]
    public void Assignment()
    {
        FactAssertions.ReadLine("""{"type":"assignment","user_id":"U1","client_id":"191212121212","from":"2026-01-01","to":null,"reason":"kontaktman"}""")
            .ShouldBeFact(new AssignmentRecorded("U1", "191212121212", new LocalDate(2026, 1, 1), null, "kontaktman"));
    }

    [Fact]
    public void Relation()
    {
        FactAssertions.ReadLine("""{"type":"relation","user_id":"U1","client_id":"191212121212","kind":"family","from":"2020-05-05"}""")
            .ShouldBeFact(new RelationDeclared("U1", "191212121212", "family", new LocalDate(2020, 5, 5)));
    }

    [Fact]
    public void Enrollment_open_ended()
    {
        FactAssertions.ReadLine("""{"type":"enrollment","client_id":"191212121212","unit_id":"HT-NORR","from":"2025-06-01"}""")
            .ShouldBeFact(new EnrollmentRecorded("191212121212", "HT-NORR", new LocalDate(2025, 6, 1), null));
    }

    [Theory]
    [InlineData("2026-03-02T07:00:00", 6, 0)]        // CET local
    [InlineData("2026-03-02 07:00", 6, 0)]           // space, no seconds
    [InlineData("2026-03-02T07:00:00+01:00", 6, 0)]  // explicit offset
    [InlineData("2026-03-02T06:00:00Z", 6, 0)]       // UTC
    [InlineData("2026-03-02T09:00:00+03:00", 6, 0)]  // other offset, same instant
    public void Shift_start_forms(string start, int hourUtc, int minuteUtc)
    {
        var s = FactAssertions.ReadLine($$"""{"type":"shift","user_id":"U1","unit_id":"HT-NORR","start":"{{start}}","end":"2026-03-02T16:00:00"}""")
            .ShouldBeFact<ShiftRecorded>();
        s.Start.ShouldBe(Utc(2026, 3, 2, hourUtc, minuteUtc));
        s.End.ShouldBe(Utc(2026, 3, 2, 15, 0));
    }

    [Fact]
    public void Summer_time_is_two_hours_ahead_and_the_autumn_overlap_takes_the_earlier_instant()
    {
        var s = FactAssertions.ReadLine("""{"type":"shift","user_id":"U1","unit_id":"HT-NATT","start":"2026-10-24T22:00:00","end":"2026-10-25T02:30:00"}""")
            .ShouldBeFact<ShiftRecorded>();
        s.Start.ShouldBe(Utc(2026, 10, 24, 20, 0));
        s.End.ShouldBe(Utc(2026, 10, 25, 0, 30)); // 02:30 CEST, not 02:30 CET
    }

    [Fact]
    public void Shift_and_visit_end_may_be_null_or_absent()
    {
        FactAssertions.ReadLine("""{"type":"shift","user_id":"U1","unit_id":"HT-NORR","start":"2026-03-02T07:00:00","end":null}""")
            .ShouldBeFact<ShiftRecorded>().End.ShouldBeNull();
        FactAssertions.ReadLine("""{"type":"visit","visit_id":"V1","client_id":"C1","user_id":"U1","start":"2026-03-02T07:00:00"}""")
            .ShouldBeFact(new VisitRecorded("V1", "C1", "U1", null, Utc(2026, 3, 2, 6, 0), null));
    }

    [Fact]
    public void Equal_from_and_to_and_equal_start_and_end_are_allowed()
    {
        FactAssertions.ReadLine("""{"type":"enrollment","client_id":"C1","unit_id":"X","from":"2026-01-01","to":"2026-01-01"}""").Kind.ShouldBe(ItemKind.Fact);
        FactAssertions.ReadLine("""{"type":"shift","user_id":"U1","unit_id":"X","start":"2026-03-02T07:00:00","end":"2026-03-02T06:00:00Z"}""").Kind.ShouldBe(ItemKind.Fact);
    }

    [Fact]
    public void String_values_are_trimmed()
    {
        FactAssertions.ReadLine("""{"type":"enrollment","client_id":" C1 ","unit_id":"HT-NORR\t","from":" 2026-01-01 "}""")
            .ShouldBeFact(new EnrollmentRecorded("C1", "HT-NORR", new LocalDate(2026, 1, 1), null));
    }

    // ---- personnummer ------------------------------------------------------------------------------

    [Fact]
    public void Ten_digit_client_id_takes_its_century_from_the_facts_own_date()
    {
        // 121212-1212: born 2012 seen from 2026, born 1912 when the enrollment started in 2000.
        FactAssertions.ReadLine("""{"type":"client","client_id":"121212-1212"}""")
            .ShouldBeFact<ClientDescribed>().ClientId.ShouldBe("201212121212");
        FactAssertions.ReadLine("""{"type":"enrollment","client_id":"1212121212","unit_id":"X","from":"2000-01-01"}""")
            .ShouldBeFact<EnrollmentRecorded>().ClientId.ShouldBe("191212121212");
        FactAssertions.ReadLine("""{"type":"client","client_id":"121212+1212"}""")
            .ShouldBeFact<ClientDescribed>().ClientId.ShouldBe("191212121212");
        FactAssertions.ReadLine("""{"type":"visit","visit_id":"V","client_id":"121212-1212","user_id":"U","start":"2026-03-02T08:00:00"}""")
            .ShouldBeFact<VisitRecorded>().ClientId.ShouldBe("201212121212");
    }

    [Fact]
    public void Samordningsnummer_is_accepted()
    {
        const string nine = "701272123"; // YYMMDDNNN, day 12 + 60 = 72
        var full = "19" + nine + Personnummer.CheckDigit(nine);
        FactAssertions.ReadLine($$"""{"type":"client","client_id":"{{full}}"}""")
            .ShouldBeFact<ClientDescribed>().ClientId.ShouldBe(full);
    }

    [Theory]
    [InlineData("""{"type":"client","client_id":"191212121213"}""", "client_id")]
    [InlineData("""{"type":"enrollment","client_id":"19121212-1213","unit_id":"X"}""", "client_id")]
    [InlineData("""{"type":"visit","visit_id":"V","client_id":"1212121213","user_id":"U","start":"2026-03-02T08:00:00"}""", "client_id")]
    [InlineData("""{"type":"staff","user_id":"U1","personnummer":"19121212-1213"}""", "personnummer")]
    public void Wrong_check_digit_is_bad_personnummer(string json, string field) =>
        FactAssertions.ReadLine(json).ShouldBeRejected(ReasonCodes.BadPersonnummer, field);

    [Fact]
    public void Staff_personnummer_that_is_no_personnummer_is_malformed()
    {
        FactAssertions.ReadLine("""{"type":"staff","user_id":"U1","personnummer":"unknown"}""")
            .ShouldBeRejected(ReasonCodes.MalformedFact, "personnummer");
        FactAssertions.ReadLine("""{"type":"staff","user_id":"U1","personnummer":""}""")
            .ShouldBeFact<StaffPlacementRecorded>().Personnummer.ShouldBeNull();
    }

    // ---- rejections --------------------------------------------------------------------------------

    [Theory]
    [InlineData("""{"type":"vacation","user_id":"U1"}""", "vacation")]
    [InlineData("""{"type":"Unit","unit_id":"X"}""", "Unit")]
    [InlineData("""{"type":"","unit_id":"X"}""", "empty")]
    [InlineData("""{"unit_id":"X"}""", "type")]
    [InlineData("""{"type":null,"unit_id":"X"}""", "type")]
    [InlineData("""{"type":7,"unit_id":"X"}""", "type")]
    public void Unknown_or_missing_type(string json, string reasonContains) =>
        FactAssertions.ReadLine(json).ShouldBeRejected(ReasonCodes.UnknownFactType, reasonContains);

    public static TheoryData<string, string> MissingKeyFields => new()
    {
        { """{"type":"unit","name":"N"}""", "unit_id" },
        { """{"type":"unit","unit_id":""}""", "unit_id" },
        { """{"type":"unit","unit_id":"   "}""", "unit_id" },
        { """{"type":"unit","unit_id":null}""", "unit_id" },
        { """{"type":"staff","unit_id":"X"}""", "user_id" },
        { """{"type":"client","surname":"S"}""", "client_id" },
        { """{"type":"enrollment","unit_id":"X"}""", "client_id" },
        { """{"type":"enrollment","client_id":"C"}""", "unit_id" },
        { """{"type":"assignment","client_id":"C"}""", "user_id" },
        { """{"type":"assignment","user_id":"U"}""", "client_id" },
        { """{"type":"shift","unit_id":"X","start":"2026-03-02T07:00:00"}""", "user_id" },
        { """{"type":"shift","user_id":"U","unit_id":"X"}""", "start" },
        { """{"type":"shift","user_id":"U","start":"2026-03-02T07:00:00"}""", "unit_id" },
        { """{"type":"visit","client_id":"C","user_id":"U","start":"2026-03-02T07:00:00"}""", "visit_id" },
        { """{"type":"visit","visit_id":"V","user_id":"U","start":"2026-03-02T07:00:00"}""", "client_id" },
        { """{"type":"visit","visit_id":"V","client_id":"C","start":"2026-03-02T07:00:00"}""", "user_id" },
        { """{"type":"visit","visit_id":"V","client_id":"C","user_id":"U"}""", "start" },
        { """{"type":"relation","client_id":"C","kind":"family"}""", "user_id" },
        { """{"type":"relation","user_id":"U","kind":"family"}""", "client_id" },
        { """{"type":"relation","user_id":"U","client_id":"C"}""", "kind" },
    };

    [Theory]
    [MemberData(nameof(MissingKeyFields))]
    public void Missing_key_field_is_malformed_and_named(string json, string field) =>
        FactAssertions.ReadLine(json).ShouldBeRejected(ReasonCodes.MalformedFact, field);

    [Theory]
    [InlineData("""{"type":"unit","unit_id":42}""", "unit_id")]
    [InlineData("""{"type":"unit","unit_id":"X","name":["a"]}""", "name")]
    [InlineData("""{"type":"unit","unit_id":"X","covers_units":"HT-NORR"}""", "covers_units")]
    [InlineData("""{"type":"unit","unit_id":"X","covers_units":["A",1]}""", "covers_units[1]")]
    [InlineData("""{"type":"client","client_id":"C","protected_identity":"yes"}""", "protected_identity")]
    [InlineData("""{"type":"client","client_id":"C","protected_identity":1}""", "protected_identity")]
    [InlineData("""{"type":"staff","user_id":"U","from":20240101}""", "from")]
    [InlineData("""{"type":"shift","user_id":"U","unit_id":"X","start":1772434800}""", "start")]
    public void Wrong_json_type_is_malformed_and_named(string json, string field) =>
        FactAssertions.ReadLine(json).ShouldBeRejected(ReasonCodes.MalformedFact, field);

    [Theory]
    [InlineData("""{"type":"staff","user_id":"U","from":"2024-13-01"}""", "from")]
    [InlineData("""{"type":"staff","user_id":"U","from":"2024-01-01","to":"31/12/2024"}""", "to")]
    [InlineData("""{"type":"client","client_id":"C","deceased_on":"2026-02-30"}""", "deceased_on")]
    [InlineData("""{"type":"relation","user_id":"U","client_id":"C","kind":"family","from":"2026-03-02T07:00:00"}""", "from")]
    [InlineData("""{"type":"shift","user_id":"U","unit_id":"X","start":"2026-03-02"}""", "start")]
    [InlineData("""{"type":"shift","user_id":"U","unit_id":"X","start":"2026-03-02T07:00:00","end":"soon"}""", "end")]
    [InlineData("""{"type":"visit","visit_id":"V","client_id":"C","user_id":"U","start":"2026-03-02T25:00:00"}""", "start")]
    public void Unparseable_date_or_date_time_is_malformed_and_named(string json, string field) =>
        FactAssertions.ReadLine(json).ShouldBeRejected(ReasonCodes.MalformedFact, field, "\"");

    [Fact]
    public void Shift_in_the_spring_dst_gap_is_malformed()
    {
        FactAssertions.ReadLine("""{"type":"shift","user_id":"U","unit_id":"X","start":"2026-03-29T02:30:00","end":"2026-03-29T08:00:00"}""")
            .ShouldBeRejected(ReasonCodes.MalformedFact, "start", "2026-03-29T02:30:00", "does not exist");
        FactAssertions.ReadLine("""{"type":"visit","visit_id":"V","client_id":"C","user_id":"U","start":"2026-03-29T01:30:00","end":"2026-03-29T02:15:00"}""")
            .ShouldBeRejected(ReasonCodes.MalformedFact, "end", "does not exist");
        // With an offset the same wall time is an ordinary instant.
        FactAssertions.ReadLine("""{"type":"shift","user_id":"U","unit_id":"X","start":"2026-03-29T02:30:00+01:00","end":"2026-03-29T08:00:00"}""")
            .ShouldBeFact<ShiftRecorded>().Start.ShouldBe(Utc(2026, 3, 29, 1, 30));
    }

    [Fact]
    public void End_before_start_is_malformed()
    {
        FactAssertions.ReadLine("""{"type":"shift","user_id":"U","unit_id":"X","start":"2026-03-02T16:00:00","end":"2026-03-02T07:00:00"}""")
            .ShouldBeRejected(ReasonCodes.MalformedFact, "end", "before", "start");
        FactAssertions.ReadLine("""{"type":"visit","visit_id":"V","client_id":"C","user_id":"U","start":"2026-03-02T08:30:00","end":"2026-03-02T08:00:00"}""")
            .ShouldBeRejected(ReasonCodes.MalformedFact, "end", "before");
    }

    [Theory]
    [InlineData("staff", """ "user_id":"U" """)]
    [InlineData("enrollment", """ "client_id":"C","unit_id":"X" """)]
    [InlineData("assignment", """ "user_id":"U","client_id":"C" """)]
    public void To_before_from_is_malformed(string type, string keys) =>
        FactAssertions.ReadLine($$"""{"type":"{{type}}",{{keys}},"from":"2026-02-01","to":"2026-01-31"}""")
            .ShouldBeRejected(ReasonCodes.MalformedFact, "to 2026-01-31", "before", "from 2026-02-01");

    [Fact]
    public void Duplicate_field_is_malformed()
    {
        FactAssertions.ReadLine("""{"type":"unit","unit_id":"A","unit_id":"B"}""")
            .ShouldBeRejected(ReasonCodes.MalformedFact, "unit_id", "more than once");
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("42")]
    [InlineData("\"unit\"")]
    [InlineData("null")]
    public void A_line_that_is_json_but_no_object_is_malformed(string line) =>
        FactAssertions.ReadText(line).Single().ShouldBeRejected(ReasonCodes.MalformedFact, "object");

    // ---- streams -----------------------------------------------------------------------------------

    [Fact]
    public void Invalid_json_line_is_rejected_with_line_number_and_its_neighbours_are_read()
    {
        var text =
            "{\"type\":\"unit\",\"unit_id\":\"A\"}\n" +
            "\n" +
            "{\"type\":\"unit\",\"unit_id\":\"B\"\r\n" +            // line 3: truncated
            "   \n" +
            "{\"type\":\"vacation\"}\n" +                          // line 5
            "{\"type\":\"unit\",\"unit_id\":\"C\"}";               // line 6, no final newline

        var items = FactAssertions.ReadText(text, "ref/2026-03.ndjson");

        items.Select(i => i.Line).ShouldBe([1L, 3L, 5L, 6L]);
        items[0].ShouldBeFact<UnitDescribed>().UnitId.ShouldBe("A");
        items[1].ShouldBeRejected(ReasonCodes.MalformedFact, "invalid JSON", "ref/2026-03.ndjson", "line 3");
        items[1].Raw.ShouldBe("{\"type\":\"unit\",\"unit_id\":\"B\"");
        items[2].ShouldBeRejected(ReasonCodes.UnknownFactType, "vacation");
        items[3].ShouldBeFact<UnitDescribed>().UnitId.ShouldBe("C");
    }

    [Fact]
    public void Utf8_bom_and_crlf_are_handled()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }
            .Concat(System.Text.Encoding.UTF8.GetBytes("{\"type\":\"unit\",\"unit_id\":\"Å\",\"name\":\"Äldreboende Öst\"}\r\n{\"type\":\"unit\",\"unit_id\":\"B\"}\r\n"))
            .ToArray();
        var items = ReferenceFactReader.Read(new MemoryStream(bytes), "bom.ndjson").ToList();
        items.Count.ShouldBe(2);
        items[0].ShouldBeFact(new UnitDescribed("Å", "Äldreboende Öst", null, null, null, []));
        items[1].Line.ShouldBe(2);
    }

    [Fact]
    public void Empty_stream_yields_nothing() =>
        FactAssertions.ReadText("").ShouldBeEmpty();

    [Fact]
    public void Read_is_lazy_and_leaves_the_stream_open()
    {
        var stream = new MemoryStream("{\"type\":\"unit\",\"unit_id\":\"A\"}\n"u8.ToArray());
        var items = ReferenceFactReader.Read(stream, "x");
        stream.Position.ShouldBe(0);
        items.Count().ShouldBe(1);
        stream.CanRead.ShouldBeTrue();
    }

    [Fact]
    public void Cancellation_stops_reading()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var stream = new MemoryStream("{\"type\":\"unit\",\"unit_id\":\"A\"}\n"u8.ToArray());
        Should.Throw<OperationCanceledException>(() => ReferenceFactReader.Read(stream, "x", cts.Token).ToList());
    }

    // ---- unknown fields ----------------------------------------------------------------------------

    [Fact]
    public void Unknown_fields_are_kept_in_extra_as_raw_json()
    {
        var u = FactAssertions.ReadLine("""
            {"type":"unit","unit_id":"X","colour":"röd","cost_centre":4711,"tags":["a", "b"],"meta":{"src":"HR"},"gone":null,"flag":true}
            """).ShouldBeFact<UnitDescribed>();
        u.Extra.ShouldNotBeNull();
        u.Extra.Count.ShouldBe(6);
        u.Extra["colour"].ShouldBe("\"röd\"");
        u.Extra["cost_centre"].ShouldBe("4711");
        u.Extra["tags"].ShouldBe("[\"a\", \"b\"]");
        u.Extra["meta"].ShouldBe("{\"src\":\"HR\"}");
        u.Extra["gone"].ShouldBe("null");
        u.Extra["flag"].ShouldBe("true");
    }

    [Fact]
    public void Field_names_of_another_type_are_unknown_for_this_type()
    {
        var e = FactAssertions.ReadLine("""{"type":"enrollment","client_id":"C","unit_id":"X","reason":"kontaktman","Unit_Id":"Y"}""")
            .ShouldBeFact<EnrollmentRecorded>();
        e.Extra.ShouldNotBeNull().Keys.Order(StringComparer.Ordinal).ShouldBe(["Unit_Id", "reason"]);
    }

    [Fact]
    public void Every_type_keeps_extra()
    {
        string[] lines =
        [
            """{"type":"unit","unit_id":"X","x":1}""",
            """{"type":"staff","user_id":"U","x":1}""",
            """{"type":"client","client_id":"C","x":1}""",
            """{"type":"enrollment","client_id":"C","unit_id":"X","x":1}""",
            """{"type":"assignment","user_id":"U","client_id":"C","x":1}""",
            """{"type":"shift","user_id":"U","unit_id":"X","start":"2026-03-02T07:00:00","x":1}""",
            """{"type":"visit","visit_id":"V","client_id":"C","user_id":"U","start":"2026-03-02T07:00:00","x":1}""",
            """{"type":"relation","user_id":"U","client_id":"C","kind":"friend","x":1}""",
        ];
        foreach (var line in lines)
        {
            var item = FactAssertions.ReadLine(line);
            item.Kind.ShouldBe(ItemKind.Fact, line);
            FactAssertions.ExtraOf(item.Fact!).ShouldBe(new Dictionary<string, string> { ["x"] = "1" }, line);
        }
    }

    [Fact]
    public void Public_read_fact_works_without_a_reference_year()
    {
        using var doc = System.Text.Json.JsonDocument.Parse("""{"type":"client","client_id":"19121212-1212"}""");
        ReferenceFactReader.ReadFact(doc.RootElement, 9, "raw").ShouldBeFact(new ClientDescribed("191212121212", null, null, false, null));
        ReferenceFactReader.ReadFact(doc.RootElement, 9, "raw").Line.ShouldBe(9);
        ReferenceFactReader.ReadFact(default, 1, "raw").ShouldBeRejected(ReasonCodes.MalformedFact);
    }
}
