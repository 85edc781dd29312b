using LogControl.Reports;
using LogControl.Reports.Comparison;
using LogControl.Reports.Compliance;
using LogControl.Reports.Extract;
using LogControl.Reports.Public;
using LogControl.Reports.Trends;
using NodaTime;
using static LogControl.Tests.Reports.ReportScenario;

namespace LogControl.Tests.Reports;

/// <summary>
/// Each report's figures on the hand-built scenario of <see cref="ReportScenario"/>, compared whole (every row, every
/// measure), and the same reports limited to one unit as a manager sees them: never a row or a count of another unit.
/// </summary>
public sealed class ReportTests(ReportScenario scenario) : IClassFixture<ReportScenario>
{
    private static readonly LocalDate Jan1 = new(2026, 1, 1), Sep30 = new(2026, 9, 30);

    private static string Line(ComplianceRow r) =>
        $"{r.UnitId}|{r.UnitName}|{r.Frequency}|{r.LastPeriodicFrom:uuuu-MM-dd}|{r.LastPeriodicTo:uuuu-MM-dd}|{(r.LastSignedOffAt is { } at ? Domain.Time.SwedishTime.DateOf(at) : null):uuuu-MM-dd}|" +
        $"{r.NextDueOn:uuuu-MM-dd}|{r.Overdue}|{r.DaysOverdue}|{r.OpenImmediateReviews}|{r.OpenInvestigations}";

    [Fact]
    public async Task compliance_per_unit()
    {
        var report = await ComplianceReport.RunAsync(scenario.Store, new ComplianceParameters(AsOf));
        report.Rows.Select(Line).ShouldBe([
            // Last periodic R1 (2025 H2, signed 2026-01-25); open R4 (immediate, due 04-16, 85 days ago) and R5 (due 07-30); I1 open.
            "HT-A|Hemtjänst Åby|HalfYearly|2025-07-01|2025-12-31|2026-01-25|2026-04-16|True|85|1|1",
            // R2 signed late but signed; nothing open: the next review is that of 2026 H2, due 30 days after 2026-12-31. I2 concluded.
            "HT-B|Hemtjänst Berga|HalfYearly|2025-07-01|2025-12-31|2026-02-05|2027-01-30|False|0|0|0",
            // R3 never signed: overdue since 2026-01-30, 161 days on 2026-07-10.
            "HT-C|Hemtjänst Centrum|HalfYearly||||2026-01-30|True|161|0|0",
            // Monthly, nothing scheduled yet: July's review is due 2026-08-30.
            "SB-X|Xbo särskilt boende|Monthly||||2026-08-30|False|0|0|0",
        ]);
    }

    [Fact]
    public async Task compliance_for_a_manager_shows_only_their_units()
    {
        var report = await ComplianceReport.RunAsync(scenario.Store, new ComplianceParameters(AsOf, ["HT-B", "SB-X"]));
        report.Rows.Select(r => r.UnitId).ShouldBe(["HT-B", "SB-X"]);
    }

    private static string Line(TrendRow r) => r.Period.Label + "|" + Body(r);

    private static string Body(TrendRow r) =>
        $"{r.Accesses}|{r.Anomalies}|{string.Join(",", r.AnomaliesByRule.Where(x => x.Value > 0).Select(x => $"{x.Key}={x.Value}"))}|" +
        $"{r.ReviewsDue}/{r.ReviewsOnTime}/{r.ReviewsLate}/{r.ReviewsNotDone}|{r.Findings}|{r.InvestigationsOpened}|{r.ConcludedNoMisuse}/{r.ConcludedMisuse}";

    [Fact]
    public async Task trends_by_quarter_and_by_year()
    {
        var quarters = await TrendsReport.RunAsync(scenario.Store, new TrendsParameters(Jan1, Sep30, PeriodKind.Quarter, AsOf));
        quarters.Rows.Select(Line).ShouldBe([
            // Accesses 3+2+1 (HT-A, HT-B, HT-C); B1's emergency access without relationship: two anomalies; R1 on time, R2 late,
            // R3 not done (all due 01-30); R1's finding; I1 and I2 opened; I2 concluded misuse.
            "2026 kv. 1|6|2|NO_RELATIONSHIP=1,EMERGENCY_ACCESS=1|3/1/1/1|1|2|0/1",
            // 2 HT-A (one of them 00:30 on 1 April, Q1 in UTC) + 1 HT-B + 1 SB-X (23:59 on 30 June); A2's access to K2; R4 due 04-16, not done.
            "2026 kv. 2|4|1|NO_RELATIONSHIP=1|1/0/0/1|0|0|0/0",
            // SB-X 00:10 on 1 July (Q2 in UTC); R5 is due 07-30, after the report's day: not yet to do.
            "2026 kv. 3|1|0||0/0/0/0|0|0|0/0",
        ]);
        Body(quarters.Total).ShouldBe("11|3|NO_RELATIONSHIP=2,EMERGENCY_ACCESS=1|4/1/1/2|1|2|0/1");

        var years = await TrendsReport.RunAsync(scenario.Store, new TrendsParameters(Jan1, Sep30, PeriodKind.Year, AsOf));
        years.Rows.Select(Line).ShouldBe(["2026|11|3|NO_RELATIONSHIP=2,EMERGENCY_ACCESS=1|4/1/1/2|1|2|0/1"]);
    }

    [Fact]
    public async Task trends_for_a_manager_count_only_their_unit()
    {
        var r = await TrendsReport.RunAsync(scenario.Store, new TrendsParameters(Jan1, Sep30, PeriodKind.Quarter, AsOf, ["HT-B"]));
        r.Rows.Select(Line).ShouldBe([
            "2026 kv. 1|2|2|NO_RELATIONSHIP=1,EMERGENCY_ACCESS=1|1/0/1/0|0|1|0/1",
            "2026 kv. 2|1|0||0/0/0/0|0|0|0/0",
            "2026 kv. 3|0|0||0/0/0/0|0|0|0/0",
        ]);
    }

    private static string Line(ComparisonRow r) => FormattableString.Invariant(
        $"{r.Group}|{r.UnitId}|{r.Accesses}|{r.Anomalies}|{r.AnomaliesPer1000}|{r.GroupMedianPer1000}|{r.RatioToMedian}|{r.ReviewedItems}|{r.Findings}|{r.GroupMedianFindings}");

    [Fact]
    public async Task comparison_against_the_group_median()
    {
        var r = await ComparisonReport.RunAsync(scenario.Store, new ComparisonParameters(Jan1, new LocalDate(2026, 6, 30)));
        r.Rows.Select(Line).ShouldBe([
            // Rates 1/5, 2/3 and 0/1 per 1000: 200, 666.7, 0; median 200. Findings 1, 0, 0: median 0.
            "hemtjanst-dag|HT-A|5|1|200|200|1|3|1|0",
            "hemtjanst-dag|HT-B|3|2|666.7|200|3.3|2|0|0",
            "hemtjanst-dag|HT-C|1|0|0|200|0|0|0|0",
            // A median of 0 gives no ratio.
            "sarskilt-boende|SB-X|1|0|0|0||0|0|0",
        ]);
    }

    [Fact]
    public async Task comparison_for_a_manager_shows_their_row_and_a_median_only_of_a_group_large_enough()
    {
        var r = await ComparisonReport.RunAsync(scenario.Store, new ComparisonParameters(Jan1, new LocalDate(2026, 6, 30), ["HT-A", "SB-X"]));
        r.Rows.Select(Line).ShouldBe([
            "hemtjanst-dag|HT-A|5|1|200|200|1|3|1|0",
            // A group of one: its median would be the unit itself, or with two units the other unit's figure; not shown to a manager.
            "sarskilt-boende|SB-X|1|0|0|||0|0|",
        ]);
    }

    [Fact]
    public async Task client_log_extract_lists_units_and_times_in_local_time()
    {
        var r = await ClientLogExtractReport.RunAsync(scenario.Store, new ClientLogExtractParameters(K1[..8] + "-" + K1[8..], Jan1, new LocalDate(2026, 12, 31)));
        r.ClientId.ShouldBe(K1);
        r.ByUnit.Select(u => $"{u.UnitId}|{u.UnitName}|{u.Accesses}|{u.FirstAt}|{u.LastAt}").ShouldBe([
            $"HT-A|Hemtjänst Åby|4|{Local(2026, 1, 15, 10)}|{Local(2026, 4, 20, 10)}",
            $"HT-B|Hemtjänst Berga|1|{Local(2026, 2, 3, 10)}|{Local(2026, 2, 3, 10)}",
        ]);
        r.Accesses.Select(a => $"{a.At}|{a.UnitId}|{a.Action}|{a.Emergency}").ShouldBe([
            $"{Local(2026, 1, 15, 10)}|HT-A|Läsa|False",
            $"{Local(2026, 2, 3, 10)}|HT-B|Läsa|True",
            $"{Local(2026, 2, 10, 10)}|HT-A|Läsa|False",
            $"{Local(2026, 3, 31, 23, 30)}|HT-A|Läsa|False",
            $"{Local(2026, 4, 20, 10)}|HT-A|Läsa|False",
        ]);

        var scoped = await ClientLogExtractReport.RunAsync(scenario.Store, new ClientLogExtractParameters(K1, Jan1, new LocalDate(2026, 12, 31), ["HT-B"]));
        scoped.Accesses.Select(a => a.UnitId).ShouldBe(["HT-B"]);
        scoped.ByUnit.Select(u => u.UnitId).ShouldBe(["HT-B"]);

        var ranged = await ClientLogExtractReport.RunAsync(scenario.Store, new ClientLogExtractParameters(K1, new LocalDate(2026, 2, 4), new LocalDate(2026, 3, 31)));
        ranged.Accesses.Select(a => a.At).ShouldBe([Local(2026, 2, 10, 10), Local(2026, 3, 31, 23, 30)], "the last local day includes 23:30");

        await Should.ThrowAsync<ArgumentException>(() => ClientLogExtractReport.RunAsync(scenario.Store, new ClientLogExtractParameters("19300101-0003", Jan1, Jan1)));
    }

    private static string[] Table(PublicStatisticsModel m, string title) =>
        m.Tables.Single(t => t.Title == title).Rows.Select(r => r.Label + "|" + string.Join("|", r.Cells.Select(c => c.Display))).ToArray();

    [Fact]
    public async Task public_statistics_hide_small_counts_and_what_would_give_them_away()
    {
        var q = await PublicStatisticsReport.RunAsync(scenario.Store, new TrendsParameters(Jan1, Sep30, PeriodKind.Quarter, AsOf));
        // Accesses 6, 4, 1 (year 11): 4 and 1 are small; with the year and the total shown, each would follow from the other
        // two, so nothing else needs hiding: the two small ones hide each other (4+1 = 11−6, but not which is which).
        Table(q, "Åtkomster till journaler").ShouldBe(["2026 kv. 1|6", "2026 kv. 2|<5", "2026 kv. 3|<5", "2026 hela året|11", "Totalt|11"]);
        // Closed investigations: one with misuse confirmed in Q1; every non-zero count is small, zeros stay.
        Table(q, "Avslutade utredningar efter utfall").ShouldBe([
            "2026 kv. 1|0|<5|<5", "2026 kv. 2|0|0|0", "2026 kv. 3|0|0|0", "2026 hela året|0|<5|<5", "Totalt|0|<5|<5"]);
        foreach (var t in q.Tables)
            foreach (var c in t.Rows.SelectMany(r => r.Cells))
                (c.Value is null or 0 or >= 5).ShouldBeTrue($"{t.Title}: a visible value below 5 ({c.Display})");

        var y = await PublicStatisticsReport.RunAsync(scenario.Store, new TrendsParameters(Jan1, Sep30, PeriodKind.Year, AsOf));
        Table(y, "Åtkomster till journaler").ShouldBe(["2026|11", "Totalt|11"], "the year as in the quarterly table: the same cells hidden");
    }
}

/// <summary>The review page's evidence queries on a scope drawn by the review workflow itself.</summary>
public sealed class ReviewEvidenceTests(ReportScenario scenario) : IClassFixture<ReportScenario>
{
    [Fact]
    public async Task every_item_gets_its_accesses_with_the_explanation_and_the_clients_enrollments()
    {
        var store = scenario.Store;
        var id = Guid.NewGuid();
        var upTo = await LogControl.Projections.StoreSql.HighWaterAsync(store, CancellationToken.None);
        var (items, rule) = await LogControl.Workflow.Reviews.ReviewScope.DrawAsync(store, "HT-A", new LocalDate(2026, 1, 1), new LocalDate(2026, 6, 30), 7, upTo);
        var review = new LogControl.Workflow.Reviews.Review();
        review.Apply(new LogControl.Workflow.Reviews.ReviewScheduled(id, "HT-A", LogControl.Workflow.Reviews.ReviewKind.Periodic,
            new LocalDate(2026, 1, 1), new LocalDate(2026, 6, 30), new LocalDate(2026, 7, 1), new LocalDate(2026, 7, 30), Local(2026, 7, 1)));
        review.Apply(new LogControl.Workflow.Reviews.ReviewScopeDrawn(id, items, rule, Local(2026, 7, 2)));

        var evidence = await LogControl.Reports.ReviewPreparation.ReviewEvidence.LoadAsync(store, review);
        evidence.Items.Select(i => i.ItemId).ShouldBe(review.ItemOrder);
        foreach (var (item, ev) in items.Zip(evidence.Items))
            ev.Accesses.Select(a => a.SourceRef).ShouldBe(item.SourceEventIds, ignoreOrder: true);

        // A2's access to K2 (a client of HT-B) on 1 April: nothing explained it; K2's enrollment is at HT-B.
        var anomaly = evidence.Items.Single(i => i.ItemId.StartsWith("A:"));
        anomaly.Accesses.Select(a => $"{a.UserId}|{a.ClientId}|{a.At}|{a.Explanation?.ToString() ?? "-"}").ShouldBe([$"A2|{K2}|{Local(2026, 4, 1, 0, 30)}|-"]);
        anomaly.ClientEnrollments.Select(e => $"{e.UnitId}|{e.From:uuuu-MM-dd}|{e.To}").ShouldBe(["HT-B|2025-01-01|"]);
        anomaly.ShiftsAround.ShouldBeEmpty("the scenario has no shifts");
        // The sample: one of HT-A's two users, one local day of their accesses, each with the explanation detection found
        // (K1 is HT-A's client: its enrollment at the user's own unit; K2 is not: nothing).
        var sample = evidence.Items.Single(i => i.ItemId.StartsWith("S:"));
        sample.Accesses.ShouldNotBeEmpty();
        sample.Accesses.Select(a => (a.UserId, Domain.Time.SwedishTime.DateOf(a.At))).Distinct().Count().ShouldBe(1);
        foreach (var a in sample.Accesses)
            a.Explanation.ShouldBe(a.ClientId == K1 ? LogControl.Projections.Detection.ExplanationKind.EnrollmentAtOwnUnit : null);
    }
}
