using LogControl.Projections.Detection;
using JasperFx.Events.Daemon;
using LogControl.Domain.Time;
using LogControl.Projections.Reference;
using LogControl.Tests.Support;
using Marten;
using Marten.Events;
using NodaTime;
using static LogControl.Tests.Support.IngestTestKit;

namespace LogControl.Tests.Projections;

/// <summary>
/// Reference data as history, through the real pipeline and the async daemon: a later fact supersedes an
/// earlier one only from its own date; the same date ingested later wins; ends are inclusive.
/// </summary>
public sealed class ReferenceHistoryTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private DocumentStore _store = null!;
    private ReferenceHistory _history = null!;

    private static readonly string[] First =
    [
        """{"type":"unit","unit_id":"HT-NATT","name":"Nattpatrullen","kind":"hemtjanst_natt","manager_user_id":"M9","comparable_group":"natt","covers_units":["HT-NORR","HT-SYD"]}""",
        """{"type":"staff","user_id":"U1","name":"Åsa Öberg","surname":"Öberg","role":"underskoterska","unit_id":"HT-NORR","from":"2024-01-01","to":null}""",
        """{"type":"staff","user_id":"U1","name":"Åsa Öberg","surname":"Öberg","role":"sjukskoterska","unit_id":"HT-SYD","from":"2026-03-01","to":null}""",
        """{"type":"staff","user_id":"U2","name":"Nils Berg","surname":"Berg","role":"underskoterska","unit_id":"HT-NORR","from":"2025-01-01","to":null}""",
        """{"type":"staff","user_id":"U3","name":"Eva Lund","surname":"Lund","role":"underskoterska","unit_id":"HT-NORR","from":"2024-01-01","to":"2025-06-30"}""",
        """{"type":"enrollment","client_id":"C1","unit_id":"HT-NORR","from":"2025-06-01","to":"2026-01-31"}""",
        """{"type":"enrollment","client_id":"C1","unit_id":"HT-SYD","from":"2026-02-01","to":null}""",
        """{"type":"enrollment","client_id":"C2","unit_id":"HT-NORR","from":"2025-01-01","to":null}""",
        """{"type":"enrollment","client_id":"C2","unit_id":"HT-NORR","from":"2026-03-01","to":"2026-03-10"}""",
        """{"type":"shift","user_id":"U1","unit_id":"HT-NORR","start":"2026-03-02T07:00:00","end":"2026-03-02T16:00:00"}""",
        """{"type":"shift","user_id":"U2","unit_id":"HT-NORR","start":"2026-03-29T01:00:00","end":"2026-03-29T05:00:00"}""",
    ];

    // A later file: the same key and start date as an earlier fact, so it wins.
    private static readonly string[] Second =
    [
        """{"type":"staff","user_id":"U2","name":"Nils Berg","surname":"Berg","role":"underskoterska","unit_id":"HT-NATT","from":"2025-01-01","to":null}""",
    ];

    public async Task InitializeAsync()
    {
        _store = db.CreateStore(withAsyncProjections: true);
        var dir = TempDir();
        File.WriteAllLines(Path.Combine(dir, "1-facts.ndjson"), First);
        File.WriteAllLines(Path.Combine(dir, "2-facts.ndjson"), Second);
        (await IngestAsync(_store, dir)).Rejected.ShouldBe(0);
        using var daemon = await _store.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();
        await _store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
        await daemon.StopAllAsync();
        _history = new ReferenceHistory(_store);
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private static LocalDate D(string iso) => NodaTime.Text.LocalDatePattern.Iso.Parse(iso).Value;

    private static Instant Local(string isoLocal)
    {
        SwedishTime.TryParseInstant(isoLocal, out var i).ShouldBe(SwedishTime.ParseStatus.Ok);
        return i;
    }

    [Fact]
    public async Task a_later_placement_supersedes_the_earlier_one_only_from_its_own_date()
    {
        (await _history.PlacementOnAsync("U1", D("2023-12-31"))).ShouldBeNull();
        (await _history.PlacementOnAsync("U1", D("2024-01-01")))!.UnitId.ShouldBe("HT-NORR");
        (await _history.PlacementOnAsync("U1", D("2026-02-28")))!.UnitId.ShouldBe("HT-NORR");
        var after = (await _history.PlacementOnAsync("U1", D("2026-03-01")))!;
        (after.UnitId, after.Role).ShouldBe(("HT-SYD", "sjukskoterska"));
    }

    [Fact]
    public async Task for_the_same_start_date_the_fact_ingested_later_wins()
    {
        (await _history.PlacementOnAsync("U2", D("2025-06-01")))!.UnitId.ShouldBe("HT-NATT");
    }

    [Fact]
    public async Task end_dates_are_inclusive()
    {
        (await _history.PlacementOnAsync("U3", D("2025-06-30")))!.UnitId.ShouldBe("HT-NORR");
        (await _history.PlacementOnAsync("U3", D("2025-07-01"))).ShouldBeNull();
        (await _history.StaffOfUnitAsync("HT-NORR", D("2025-06-30"))).ShouldBe(["U1", "U3"]);
        (await _history.StaffOfUnitAsync("HT-NORR", D("2026-03-01"))).ShouldBeEmpty();
    }

    [Fact]
    public async Task which_clients_a_unit_served_on_a_date()
    {
        (await _history.EnrollmentsOnAsync("C1", D("2026-01-31"))).Select(e => e.UnitId).ShouldBe(["HT-NORR"]);
        (await _history.EnrollmentsOnAsync("C1", D("2026-02-01"))).Select(e => e.UnitId).ShouldBe(["HT-SYD"]);
        (await _history.ClientsServedAsync("HT-NORR", D("2026-01-15"))).ShouldBe(["C1", "C2"]);
        (await _history.ClientsServedAsync("HT-NORR", D("2026-02-15"))).ShouldBe(["C2"]);
        // C2's open enrollment is superseded from 2026-03-01 by one ending 2026-03-10.
        (await _history.ClientsServedAsync("HT-NORR", D("2026-03-10"))).ShouldBe(["C2"]);
        (await _history.ClientsServedAsync("HT-NORR", D("2026-03-11"))).ShouldBeEmpty();
    }

    [Fact]
    public async Task who_was_on_shift_with_the_30_minute_margin_and_across_the_spring_dst_change()
    {
        var margin = Duration.FromMinutes(30);
        (await _history.ShiftsAroundAsync("U1", Local("2026-03-02 16:20:00"), margin)).Count.ShouldBe(1);
        (await _history.ShiftsAroundAsync("U1", Local("2026-03-02 16:40:00"), margin)).ShouldBeEmpty();
        (await _history.ShiftsAroundAsync("U1", Local("2026-03-02 06:31:00"), margin)).Count.ShouldBe(1);
        (await _history.OnShiftAsync("HT-NORR", Local("2026-03-02 10:00:00"))).ShouldBe(["U1"]);

        // 01:00–05:00 local on the night the clocks go forward is three real hours.
        var night = (await _history.ShiftsAroundAsync("U2", Local("2026-03-29 03:30:00"), Duration.Zero)).Single();
        (night.End!.Value - night.Start).ShouldBe(Duration.FromHours(3));
    }

    [Fact]
    public async Task covered_units_come_from_the_unit_description()
    {
        (await _history.CoveredUnitsAsync("HT-NATT")).ShouldBe(["HT-NORR", "HT-SYD"]);
        (await _history.CoveredUnitsAsync("NO-SUCH-UNIT")).ShouldBeEmpty();
    }

    [Fact]
    public async Task a_rebuild_from_the_events_gives_the_same_answers()
    {
        using var daemon = await _store.BuildProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync(DetectionProjection.Name, CancellationToken.None);
        (await _history.PlacementOnAsync("U1", D("2026-03-01")))!.UnitId.ShouldBe("HT-SYD");
        (await _history.PlacementOnAsync("U2", D("2025-06-01")))!.UnitId.ShouldBe("HT-NATT");
        (await _history.ClientsServedAsync("HT-NORR", D("2026-03-11"))).ShouldBeEmpty();
    }
}
