using LogControl.Domain.Detection;
using LogControl.Tests.Support;
using NodaTime;
using static LogControl.Tests.Detection.DetectionKit;

namespace LogControl.Tests.Detection;

/// <summary>
/// VOLUME_SPIKE compares a user's distinct clients per day with their own trailing baseline and with peers
/// of the same unit and role that day; it needs a week of history before it can fire.
/// </summary>
public sealed class VolumeSpikeTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task fires_far_above_own_baseline_and_peers_but_not_on_a_busy_day_for_everyone_or_without_history()
    {
        await using var store = db.CreateStore(withAsyncProjections: true);
        var k = new DetectionKit(store);
        var clients = Enumerable.Range(1, 60).Select(i => Pnr("19360101", i)).ToArray();
        var staff = new[] { "U-SPIKE", "U-P1", "U-P2", "U-P3" };
        k.Fact("""{"type":"unit","unit_id":"HT-NORR","name":"Norr","kind":"hemtjanst","covers_units":[]}""");
        foreach (var u in staff.Append("U-NEW"))
            k.Fact($$"""{"type":"staff","user_id":"{{u}}","name":"{{u}}","surname":"{{u}}","role":"underskoterska","unit_id":"HT-NORR","from":"2024-01-01","to":null}""");
        foreach (var c in clients)
            k.Fact($$"""{"type":"enrollment","client_id":"{{c}}","unit_id":"HT-NORR","from":"2025-01-01","to":null}""");

        var day0 = new LocalDate(2026, 3, 2);
        void Reads(string user, LocalDate day, int distinct, int offset = 0)
        {
            for (var i = 0; i < distinct; i++)
                k.Access(user, clients[(offset + i) % clients.Length], $"{day:yyyy-MM-dd} {8 + i % 9:D2}:{i % 60:D2}:00");
        }
        // Ten ordinary days: 4–6 clients a day each.
        for (var d = 0; d < 10; d++)
            for (var s = 0; s < staff.Length; s++)
                Reads(staff[s], day0.PlusDays(d), 4 + (d + s) % 3, offset: s * 10 + d);
        await k.RunAsync();

        Reads("U-SPIKE", day0.PlusDays(10), 30);                      // a spike, while the peers have an ordinary day
        foreach (var p in staff.Skip(1)) Reads(p, day0.PlusDays(10), 5, offset: 40);
        foreach (var u in staff) Reads(u, day0.PlusDays(11), 30);     // a busy day for the whole unit
        for (var d = 9; d < 12; d++) Reads("U-NEW", day0.PlusDays(d), d == 11 ? 30 : 5);   // no history yet
        await k.RunAsync();

        var spikes = (await k.AnomaliesAsync()).Where(a => a.Rule == RuleCodes.VolumeSpike).ToList();
        var spike = spikes.ShouldHaveSingleItem();
        spike.UserId.ShouldBe("U-SPIKE");
        spike.ClientId.ShouldBeNull();
        spike.Day.ShouldBe(day0.PlusDays(10));
        spike.AccessCount.ShouldBe(30);
        spike.Explanation.ShouldContain("30 olika brukare den 2026-03-12");
        spike.Explanation.ShouldContain("normalt 5 per arbetsdag");
        spike.Explanation.ShouldContain("och 5 för kollegor");
    }
}
