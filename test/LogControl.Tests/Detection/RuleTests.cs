using LogControl.Domain.Detection;
using LogControl.Tests.Support;
using static LogControl.Tests.Detection.DetectionKit;

namespace LogControl.Tests.Detection;

/// <summary>
/// Every rule of contracts/anomalies.md fires on its pattern and stays silent on the nearest legitimate
/// look-alike, through the real ingest pipeline, daemon and detection projection. The expected set of
/// anomalies is compared whole: a rule that fires where it should not fails the test as surely as one
/// that stays silent.
/// </summary>
public sealed class RuleTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly string PDay = Pnr("19800101", 101);
    private static readonly string PCoworker = Pnr("19810202", 202);
    private static readonly string C1 = Pnr("19300101", 1);
    private static readonly string CSyd = Pnr("19300102", 2);
    private static readonly string CSyd2 = Pnr("19300103", 3);
    private static readonly string CProt = Pnr("19300104", 4);
    private static readonly string CEnded5 = Pnr("19300105", 5);
    private static readonly string CEnded60 = Pnr("19300106", 6);
    private static readonly string CDead = Pnr("19300107", 7);
    private static readonly string CDead10 = Pnr("19300108", 8);
    private static readonly string CRel = Pnr("19300109", 9);
    private static readonly string CSameAddr = Pnr("19300110", 10);
    private static readonly string CSameName = Pnr("19300111", 11);

    private static void Facts(DetectionKit k)
    {
        k.Fact("""{"type":"unit","unit_id":"HT-NORR","name":"Hemtjänst Norr","kind":"hemtjanst","covers_units":[]}""")
         .Fact("""{"type":"unit","unit_id":"HT-SYD","name":"Hemtjänst Syd","kind":"hemtjanst","covers_units":[]}""")
         .Fact("""{"type":"unit","unit_id":"HT-NATT","name":"Nattpatrullen","kind":"hemtjanst_natt","covers_units":["HT-NORR"]}""")
         .Fact($$"""{"type":"staff","user_id":"U-DAY","name":"Åsa Öberg","surname":"Öberg","personnummer":"{{PDay}}","address_key":"A1","role":"underskoterska","unit_id":"HT-NORR","from":"2024-01-01","to":null}""")
         .Fact($$"""{"type":"staff","user_id":"U-CW","name":"Karin Lund","surname":"Lund","personnummer":"{{PCoworker}}","role":"underskoterska","unit_id":"HT-NORR","from":"2024-01-01","to":null}""")
         .Fact("""{"type":"staff","user_id":"U-NIGHT","name":"Nils Berg","surname":"Berg","role":"underskoterska","unit_id":"HT-NATT","from":"2024-01-01","to":null}""")
         .Fact("""{"type":"staff","user_id":"U-COVER","name":"Eva Ek","surname":"Ek","role":"underskoterska","unit_id":"HT-SYD","from":"2024-01-01","to":null}""")
         .Fact("""{"type":"staff","user_id":"U-NURSE","name":"Sara Al","surname":"Al","role":"sjukskoterska","unit_id":"HSL","from":"2024-01-01","to":null}""")
         .Fact("""{"type":"staff","user_id":"U-LEFT","name":"Lars Ny","surname":"Ny","role":"underskoterska","unit_id":"HT-NORR","from":"2024-01-01","to":"2026-02-20"}""")
         .Fact("""{"type":"staff","user_id":"U-FAIL","name":"Per Ås","surname":"Ås","role":"underskoterska","unit_id":"HT-NORR","from":"2024-01-01","to":null}""")
         .Fact("""{"type":"shift","user_id":"U-DAY","unit_id":"HT-NORR","start":"2026-03-02T07:00:00","end":"2026-03-02T16:00:00"}""")
         .Fact("""{"type":"shift","user_id":"U-NIGHT","unit_id":"HT-NATT","start":"2026-03-02T21:30:00","end":"2026-03-03T07:30:00"}""")
         .Fact("""{"type":"shift","user_id":"U-COVER","unit_id":"HT-NORR","start":"2026-03-02T07:00:00","end":"2026-03-02T16:00:00"}""")
         .Fact("""{"type":"assignment","user_id":"U-NURSE","client_id":"CPROT","from":"2026-01-01","to":null,"reason":"sjukskoterska"}""".Replace("CPROT", CProt))
         .Fact("""{"type":"relation","user_id":"U-DAY","client_id":"CREL","kind":"family","from":"2025-01-01"}""".Replace("CREL", CRel));
        foreach (var (client, unit, to) in new[]
                 {
                     (C1, "HT-NORR", "null"), (CSyd, "HT-SYD", "null"), (CSyd2, "HT-SYD", "null"), (CProt, "HT-NORR", "null"),
                     (CEnded5, "HT-NORR", "\"2026-02-25\""), (CEnded60, "HT-NORR", "\"2026-01-01\""), (CDead, "HT-NORR", "null"),
                     (CDead10, "HT-NORR", "null"), (CRel, "HT-NORR", "null"), (CSameAddr, "HT-NORR", "null"),
                     (CSameName, "HT-NORR", "null"), (PDay, "HT-SYD", "null"), (PCoworker, "HT-SYD", "null"),
                 })
            k.Fact($$"""{"type":"enrollment","client_id":"{{client}}","unit_id":"{{unit}}","from":"2025-01-01","to":{{to}}}""");
        k.Fact($$"""{"type":"client","client_id":"{{CProt}}","surname":"Gömd","address_key":"X","protected_identity":true,"deceased_on":null}""")
         .Fact($$"""{"type":"client","client_id":"{{CDead}}","surname":"Död","address_key":"D1","protected_identity":false,"deceased_on":"2026-01-15"}""")
         .Fact($$"""{"type":"client","client_id":"{{CDead10}}","surname":"Död","address_key":"D2","protected_identity":false,"deceased_on":"2026-02-20"}""")
         .Fact($$"""{"type":"client","client_id":"{{CSameAddr}}","surname":"öberg","address_key":"A1","protected_identity":false,"deceased_on":null}""")
         .Fact($$"""{"type":"client","client_id":"{{CSameName}}","surname":"Öberg","address_key":"A2","protected_identity":false,"deceased_on":null}""");
    }

    [Fact]
    public async Task each_rule_fires_on_its_pattern_and_not_on_the_nearest_look_alike()
    {
        await using var store = db.CreateStore(withAsyncProjections: true);
        var k = new DetectionKit(store);
        Facts(k);
        await k.RunAsync();

        var expected = new List<(string Rule, string User, string? Client, string[] Refs)>();
        void Expect(string rule, string user, string? client, params string[] refs) => expected.Add((rule, user, client, refs));

        k.Access("U-DAY", C1, "2026-03-02 10:00:00");                                       // own unit's client during shift
        var syd1 = k.Access("U-DAY", CSyd, "2026-03-02 10:05:00");                          // another unit's client
        var syd2 = k.Access("U-DAY", CSyd, "2026-03-02 10:07:00");
        var prot = k.Access("U-DAY", CProt, "2026-03-02 11:00:00");                         // protected, explained only by enrollment
        k.Access("U-NURSE", CProt, "2026-03-02 11:00:00", unit: "HSL");                     // protected, assigned nurse
        var own = k.Access("U-DAY", PDay, "2026-03-02 11:30:00");                           // own record (also shares surname+address with self)
        var rel = k.Access("U-DAY", CRel, "2026-03-02 12:00:00");                           // declared relation
        var same = k.Access("U-DAY", CSameAddr, "2026-03-02 12:05:00");                     // same surname and address
        k.Access("U-DAY", CSameName, "2026-03-02 12:10:00");                                // same surname, different address
        var cw = k.Access("U-DAY", PCoworker, "2026-03-02 12:15:00");                       // a co-worker's record
        k.Access("U-DAY", C1, "2026-03-02 16:10:00");                                       // 10 minutes after shift end
        var off = k.Access("U-DAY", C1, "2026-03-02 17:00:00");                             // 60 minutes after
        var left = k.Access("U-LEFT", C1, "2026-03-02 10:00:00");                           // after employment ended
        k.Access("U-DAY", CEnded5, "2026-03-02 10:20:00");                                  // enrollment ended 5 days ago
        var ended = k.Access("U-DAY", CEnded60, "2026-03-02 10:25:00");                     // ... 60 days ago
        var dead = k.Access("U-DAY", CDead, "2026-03-02 10:30:00");                         // died 46 days ago
        k.Access("U-DAY", CDead10, "2026-03-02 10:35:00");                                  // died 10 days ago
        k.Access("U-NIGHT", C1, "2026-03-02 23:15:00", unit: "HT-NATT");                    // night patrol, covered unit
        k.Access("U-COVER", C1, "2026-03-02 10:00:00", unit: "HT-SYD");                     // covering shift at another unit
        var emergency = k.Access("U-DAY", CSyd, "2026-03-02 13:00:00", purpose: "emergency");
        k.Access("U-DAY", C1, "2026-03-02 13:30:00", action: "print");                      // explained print
        var print = k.Access("U-DAY", CSyd2, "2026-03-02 13:35:00", action: "export");
        var failed = Enumerable.Range(0, 3).Select(i => k.FhirRead("U-FAIL", C1, $"2026-03-02T1{i}:00:00+01:00")).ToArray();
        k.FhirRead("U-FAIL", CSyd, "2026-03-02T10:00:00+01:00");                            // two failures are not a pattern
        k.FhirRead("U-FAIL", CSyd, "2026-03-02T11:00:00+01:00");
        await k.RunAsync();

        Expect(RuleCodes.NoRelationship, "U-DAY", CSyd, syd1, syd2, emergency);
        Expect(RuleCodes.EmergencyAccess, "U-DAY", CSyd, emergency);
        Expect(RuleCodes.ProtectedIdentity, "U-DAY", CProt, prot);
        Expect(RuleCodes.OwnRecord, "U-DAY", PDay, own);
        Expect(RuleCodes.NoRelationship, "U-DAY", PDay, own);
        Expect(RuleCodes.RelativeOrNeighbour, "U-DAY", CRel, rel);
        Expect(RuleCodes.RelativeOrNeighbour, "U-DAY", CSameAddr, same);
        Expect(RuleCodes.CoworkerRecord, "U-DAY", PCoworker, cw);
        Expect(RuleCodes.NoRelationship, "U-DAY", PCoworker, cw);
        Expect(RuleCodes.OffShift, "U-DAY", C1, off);
        Expect(RuleCodes.AfterEmployment, "U-LEFT", C1, left);
        Expect(RuleCodes.NoRelationship, "U-LEFT", C1, left);
        Expect(RuleCodes.AfterCareEnded, "U-DAY", CEnded60, ended);
        Expect(RuleCodes.NoRelationship, "U-DAY", CEnded60, ended);
        Expect(RuleCodes.AfterCareEnded, "U-DAY", CDead, dead);
        Expect(RuleCodes.PrintExport, "U-DAY", CSyd2, print);
        Expect(RuleCodes.NoRelationship, "U-DAY", CSyd2, print);
        Expect(RuleCodes.FailedAccess, "U-FAIL", C1, failed);

        var actual = await k.AnomaliesAsync();
        actual.Select(a => $"{a.Rule} {a.UserId} {a.ClientId} [{string.Join(",", a.SourceEventIds)}]").Order()
            .ShouldBe(expected.Select(e => $"{e.Rule} {e.User} {e.Client} [{string.Join(",", e.Refs)}]").Order());

        actual.ShouldAllBe(a => a.Day == Day("2026-03-02"));
        actual.ShouldAllBe(a => a.Severity == RuleCatalog.SeverityCode(RuleCatalog.Get(a.Rule).Severity));
        actual.Single(a => a.Rule == RuleCodes.NoRelationship && a.ClientId == CSyd).AccessCount.ShouldBe(3);
        // Plain-language explanations name the evidence.
        var noRel = actual.Single(a => a.Rule == RuleCodes.NoRelationship && a.ClientId == CSyd).Explanation;
        noRel.ShouldContain("Åsa Öberg (U-DAY)");
        noRel.ShouldContain("3 gånger den 2026-03-02");
        noRel.ShouldContain("(HT-NORR)");
        actual.Single(a => a.Rule == RuleCodes.OffShift).Explanation.ShouldContain("föregående pass slutade 2026-03-02 16:00");
        actual.Single(a => a.Rule == RuleCodes.AfterEmployment).Explanation.ShouldContain("2026-02-20");
        actual.Single(a => a.Rule == RuleCodes.AfterCareEnded && a.ClientId == CDead).Explanation.ShouldContain("avled (2026-01-15)");
        actual.Single(a => a.Rule == RuleCodes.RelativeOrNeighbour && a.ClientId == CRel).Explanation.ShouldContain("(familj)");
        actual.Single(a => a.Rule == RuleCodes.RelativeOrNeighbour && a.ClientId == CSameAddr).Explanation.ShouldContain("samma efternamn och samma adress");
        actual.Single(a => a.Rule == RuleCodes.ProtectedIdentity).Explanation.ShouldContain("en insats vid användarens enhet");
        actual.Single(a => a.Rule == RuleCodes.FailedAccess).Explanation.ShouldContain("3 misslyckade försök");
        actual.ShouldAllBe(a => !a.Explanation.Contains('{'));

        // The case view rolls each user's anomalies up into one line, the most serious first.
        var cases = await new LogControl.Projections.Detection.AnomalyQueries(store).CasesAsync();
        cases.Select(c => c.UserId).ShouldBe(["U-LEFT", "U-DAY", "U-FAIL"]);
        cases[0].HighestSeverity.ShouldBe("critical");
        cases[1].Anomalies.ShouldBe(expected.Count(e => e.User == "U-DAY"));
    }
}
