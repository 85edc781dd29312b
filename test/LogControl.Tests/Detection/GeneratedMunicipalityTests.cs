using LogControl.Generator;
using LogControl.Hosting.Detection;
using LogControl.Projections.Detection;
using LogControl.Tests.Generator;
using LogControl.Tests.Support;
using static LogControl.Tests.Support.IngestTestKit;

namespace LogControl.Tests.Detection;

/// <summary>
/// The small generated municipality end to end: every labelled incident is found under its rule, nothing
/// else is flagged, and legitimate work is explained. The generator labels what docs/DETECTION.md says must
/// fire (checked there by an independent oracle), so any difference here is a difference between the
/// specification and the SQL.
/// </summary>
public sealed class GeneratedMunicipalityTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task detection_finds_exactly_the_labelled_misuse_and_explains_the_rest()
    {
        var dir = TempDir();
        var result = new MunicipalityGenerator().Generate(new GeneratorOptions(5, Scale.Small, dir));
        var data = new GeneratedData(dir);
        await using var store = db.CreateStore(withAsyncProjections: true);
        (await IngestAsync(store, [.. result.IngestPaths])).Rejected.ShouldBe(0);
        await DetectionRunner.CatchUpAsync(store, null, CancellationToken.None);

        var anomalies = await new AnomalyQueries(store).ListAsync();
        static string Key(string rule, string user, string? client, NodaTime.LocalDate day) =>
            $"{rule} {user} {(rule == "VOLUME_SPIKE" ? "-" : client)} {day:uuuu-MM-dd}";
        var found = anomalies.Select(a => Key(a.Rule, a.UserId, a.ClientId, a.Day)).Order().ToList();
        var labelled = data.Labels.Select(l => Key(l.Rule, l.UserId, l.ClientId, l.Date)).Distinct().Order().ToList();
        found.ShouldBe(labelled);

        // Each anomaly's evidence is the labelled accesses of its incident, no more.
        var labelledAccesses = data.Labels.SelectMany(l => l.SourceEventIds).ToHashSet(StringComparer.Ordinal);
        anomalies.Where(a => a.Rule != "VOLUME_SPIKE").SelectMany(a => a.SourceEventIds).ShouldAllBe(id => labelledAccesses.Contains(id));

        var explained = await LogControl.Projections.StoreSql.QueryAsync(store,
            "select source_ref, explanation is not null from lc.lc_access_timeline where not failed", r => (r.GetString(0), r.GetBoolean(1)), CancellationToken.None);
        var legit = explained.Where(e => !labelledAccesses.Contains(e.Item1)).ToList();
        legit.Count.ShouldBeGreaterThan(10_000);
        legit.ShouldAllBe(e => e.Item2, "every legitimate access is explained by a care relationship");
    }
}
