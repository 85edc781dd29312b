using LogControl.Domain.Detection;
using LogControl.Domain.Identity;
using LogControl.Generator;
using LogControl.Tests.Support;
using NodaTime;
using Xunit.Abstractions;

namespace LogControl.Tests.Generator;

/// <summary>One small municipality (seed 1), generated once for the tests of a class, plus the oracle over it.</summary>
public sealed class SmallMunicipality
{
    public const int Seed = 1;
    public string Dir { get; }
    public GenerationResult Result { get; }
    public GeneratedData Data { get; }
    public DetectionOracle Oracle { get; }

    public SmallMunicipality() : this(Scale.Small, Seed, IngestTestKit.TempDir()) { }

    /// <summary>Any scale into any folder: for checking a medium or large run by hand with the same tests.</summary>
    internal SmallMunicipality(Scale scale, int seed, string dir)
    {
        Dir = dir;
        Result = new MunicipalityGenerator().Generate(new GeneratorOptions(seed, scale, Dir));
        Data = new GeneratedData(Dir);
        Oracle = new DetectionOracle(Data);
    }
}

/// <summary>The generator's output, judged by an independent reading of docs/DETECTION.md (no database).</summary>
public sealed class GeneratorTests(SmallMunicipality small, ITestOutputHelper output) : IClassFixture<SmallMunicipality>
{
    private GeneratedData Data => small.Data;
    private DetectionOracle Oracle => small.Oracle;

    private HashSet<string> LabelledKeys => Data.Labels.SelectMany(l => l.SourceEventIds).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void The_same_seed_gives_identical_bytes_and_another_seed_other_data()
    {
        var again = IngestTestKit.TempDir();
        new MunicipalityGenerator().Generate(new GeneratorOptions(SmallMunicipality.Seed, Scale.Small, again));
        var first = Snapshot(small.Dir);
        var second = Snapshot(again);
        second.Keys.ShouldBe(first.Keys);
        foreach (var (path, bytes) in first)
            second[path].SequenceEqual(bytes).ShouldBeTrue($"{path} differs between two runs with the same seed");

        var other = IngestTestKit.TempDir();
        new MunicipalityGenerator().Generate(new GeneratorOptions(SmallMunicipality.Seed + 1, Scale.Small, other));
        var third = Snapshot(other);
        third["reference/01-staff.ndjson"].SequenceEqual(first["reference/01-staff.ndjson"]).ShouldBeFalse();
        third["labels.ndjson"].SequenceEqual(first["labels.ndjson"]).ShouldBeFalse();
    }

    private static SortedDictionary<string, byte[]> Snapshot(string dir) =>
        new(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(p => Path.GetRelativePath(dir, p).Replace('\\', '/'), File.ReadAllBytes), StringComparer.Ordinal);

    [Fact]
    public void Small_scale_has_the_promised_size_period_and_formats()
    {
        var r = small.Result;
        r.Staff.ShouldBeInRange(35, 45);
        r.Clients.ShouldBeInRange(180, 230);
        r.AccessRows.ShouldBeInRange(15_000, 25_000);
        r.From.ShouldBe(new LocalDate(2026, 3, 16));
        r.To.ShouldBe(new LocalDate(2026, 4, 5));
        Data.Accesses.Count.ShouldBe((int)r.AccessRows);
        Data.Accesses.Select(a => a.System).Distinct().Order().ShouldBe(["Combine", "Lifecare", "Treserva"]);
        var files = r.Files.Select(f => f.Path).ToList();
        files.ShouldContain(f => f.StartsWith("access/") && f.EndsWith(".csv"));
        files.ShouldContain(f => f.StartsWith("access/") && f.EndsWith(".csv.gz"));
        files.ShouldContain(f => f.StartsWith("fhir/") && f.EndsWith(".ndjson"));
        files.ShouldContain(f => f.StartsWith("fhir/") && f.EndsWith(".ndjson.gz"));
        files.ShouldContain("labels.ndjson");
        File.Exists(Path.Combine(small.Dir, "manifest.json")).ShouldBeTrue();
        // Both DST nights of the period are worked through: the spring night has accesses after 03:00 local.
        var zone = DateTimeZoneProviders.Tzdb["Europe/Stockholm"];
        Data.Accesses.Any(a => a.Day == new LocalDate(2026, 3, 29) && a.At.InZone(zone).Hour is >= 3 and < 7).ShouldBeTrue();
    }

    [Fact]
    public void Every_personnummer_is_Luhn_valid()
    {
        Data.Personnummer.ShouldNotBeEmpty();
        foreach (var pnr in Data.Personnummer.Where(p => Personnummer.LooksLikeOne(p)))
            Personnummer.HasValidCheckDigit(pnr).ShouldBeTrue(pnr);
        Data.Personnummer.ShouldAllBe(p => Personnummer.LooksLikeOne(p));
    }

    [Fact]
    public void Legitimate_accesses_are_explained_and_fire_no_rule()
    {
        var labelled = LabelledKeys;
        var legit = Data.Accesses.Where(a => a.IsPatientAccess && !a.Failed && !labelled.Contains(a.Key)).ToList();
        var unexplained = legit.Where(a => Oracle.Explain(a) is null).ToList();
        var ratio = 1 - unexplained.Count / (double)legit.Count;
        output.WriteLine($"legitimate patient accesses: {legit.Count}, explained: {ratio:P3}");
        foreach (var kind in Enum.GetValues<OExplanation>())
            output.WriteLine($"  {kind}: {legit.Count(a => Oracle.Explain(a) == kind)}");
        foreach (var a in unexplained.Take(10)) output.WriteLine($"  unexplained: {a}");
        ratio.ShouldBeGreaterThanOrEqualTo(0.99);

        var hits = legit.Select(a => (Access: a, Rules: Oracle.Rules(a))).Where(x => x.Rules.Count > 0).ToList();
        foreach (var (a, rules) in hits.Take(10)) output.WriteLine($"  fires {string.Join(",", rules)}: {a}");
        hits.ShouldBeEmpty();
    }

    [Fact]
    public void Every_rule_has_primary_labels_and_every_label_fires_as_labelled()
    {
        var byKey = Data.Accesses.ToDictionary(a => a.Key, StringComparer.Ordinal);
        foreach (var rule in RuleCodes.All)
            Data.Labels.Count(l => l.Primary && l.Rule == rule).ShouldBeGreaterThanOrEqualTo(4, rule);

        foreach (var incident in Data.Labels.GroupBy(l => l.IncidentId))
        {
            var labels = incident.ToList();
            labels.Count(l => l.Primary).ShouldBe(1, incident.Key);
            foreach (var label in labels)
            {
                label.SourceEventIds.ShouldNotBeEmpty(label.IncidentId);
                var evidence = label.SourceEventIds.Select(k => byKey.GetValueOrDefault(k).ShouldNotBeNull($"{label.IncidentId}: {k} is not in the generated files")).ToList();
                evidence.ShouldAllBe(a => a.UserId == label.UserId && a.Day == label.Date);
                switch (label.Rule)
                {
                    case RuleCodes.VolumeSpike:
                        label.ClientId.ShouldBeNull();
                        Oracle.VolumeSpikeFires(label.UserId, label.Date).ShouldBeTrue($"{label.IncidentId}: {label.Description}");
                        break;
                    case RuleCodes.FailedAccess:
                        evidence.ShouldAllBe(a => a.Failed && a.ClientId == label.ClientId);
                        Oracle.FailedAccessFires(label.UserId, label.ClientId!, label.Date).ShouldBeTrue(label.IncidentId);
                        break;
                    default:
                        evidence.ShouldAllBe(a => a.ClientId == label.ClientId);
                        foreach (var a in evidence)
                            Oracle.Rules(a).ShouldContain(label.Rule, $"{label.IncidentId} {label.Rule}: {label.Description}");
                        break;
                }
            }

            // No surprises: the injected accesses fire exactly the incident's labelled rules.
            var fired = labels.SelectMany(l => l.SourceEventIds).Distinct().SelectMany(k => Oracle.Rules(byKey[k])).ToHashSet();
            var expected = labels.Select(l => l.Rule).Where(r => r is not (RuleCodes.VolumeSpike or RuleCodes.FailedAccess)).ToHashSet();
            fired.Order().ShouldBe(expected.Order(), $"{incident.Key}: {labels[0].Description}");
        }
    }

    [Fact]
    public void Volume_spikes_and_failed_attempts_fire_only_where_labelled()
    {
        var spikes = Data.Labels.Where(l => l.Rule == RuleCodes.VolumeSpike).Select(l => (l.UserId, l.Date)).ToHashSet();
        var fired = Oracle.VolumeSpikes().ToList();
        foreach (var (user, day) in fired.Where(f => !spikes.Contains(f)))
            output.WriteLine($"unlabelled spike: {user} {day} n={Oracle.DistinctClients(user, day)}");
        fired.ToHashSet().SetEquals(spikes).ShouldBeTrue();

        var failed = Data.Labels.Where(l => l.Rule == RuleCodes.FailedAccess).Select(l => (l.UserId, l.ClientId!, l.Date)).ToHashSet();
        Oracle.FailedAccessGroups().ToHashSet().SetEquals(failed).ShouldBeTrue();
    }

    [Fact]
    public void The_nearest_legitimate_lookalikes_are_present_several_times()
    {
        var labelled = LabelledKeys;
        var legit = Data.Accesses.Where(a => a.IsPatientAccess && !labelled.Contains(a.Key)).ToList();
        var ok = legit.Where(a => !a.Failed).ToList();

        var sameSurname = ok.Count(a => Oracle.PlacementAsOf(a.UserId, a.Day) is { Surname: { } s } p && Data.Clients[a.ClientId!] is var c
            && string.Equals(c.Surname, s, StringComparison.OrdinalIgnoreCase) && c.AddressKey != p.AddressKey);
        var afterShift = ok.Count(a => Data.Shifts.TryGetValue(a.UserId, out var sh)
            && sh.Any(s => a.At > s.End + Duration.FromMinutes(5) && a.At <= s.End + Duration.FromMinutes(15)));
        var endedDaysAgo = ok.Count(a => Oracle.OwnUnit(a.UserId, a.Day) is { } u && Data.Enrollments[a.ClientId!].TryGetValue(u, out var f)
            && f[^1].To is { } to && to < a.Day && to >= a.Day.PlusDays(-7) && Data.Clients[a.ClientId!].DeceasedOn is null);
        var nightPatrol = ok.Count(a => Oracle.Explain(a) == OExplanation.EnrollmentAtCoveredUnit);
        var covering = ok.Count(a => Oracle.Explain(a) == OExplanation.EnrollmentAtShiftUnit);
        var twoFailed = legit.Where(a => a.Failed).GroupBy(a => (a.UserId, a.ClientId, a.Day)).Count(g => g.Count() == 2);
        var deceased = ok.Count(a => Data.Clients[a.ClientId!].DeceasedOn is { } d && Period.Between(d, a.Day, PeriodUnits.Days).Days is >= 8 and <= 12);

        output.WriteLine($"same surname/other address {sameSurname}, 10 min after shift {afterShift}, enrollment ended days ago {endedDaysAgo}, " +
                         $"night patrol {nightPatrol}, covering shift {covering}, two failed {twoFailed}, deceased ~10 days {deceased}");
        foreach (var n in new[] { sameSurname, afterShift, endedDaysAgo, nightPatrol, covering, twoFailed, deceased })
            n.ShouldBeGreaterThanOrEqualTo(3);
    }

    [Fact]
    public async Task The_generate_verb_writes_a_municipality_and_prints_one_summary_line()
    {
        var dir = IngestTestKit.TempDir();
        using var p = IngestTestKit.StartLogCtl("generate", "--out", dir, "--seed", "5", "--scale", "small");
        var stdout = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        p.ExitCode.ShouldBe(0);
        var line = stdout.Trim();
        line.ShouldNotContain("\n");
        line.ShouldStartWith("generated scale=small seed=5 ");
        File.Exists(Path.Combine(dir, "manifest.json")).ShouldBeTrue();
        File.Exists(Path.Combine(dir, "labels.ndjson")).ShouldBeTrue();
    }
}
