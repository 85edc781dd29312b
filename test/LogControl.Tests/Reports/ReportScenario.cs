using LogControl.Domain.Time;
using LogControl.Tests.Detection;
using LogControl.Tests.Support;
using LogControl.Workflow;
using LogControl.Workflow.Investigations;
using LogControl.Workflow.Reviews;
using Marten;
using NodaTime;
using static LogControl.Tests.Detection.DetectionKit;

namespace LogControl.Tests.Reports;

/// <summary>
/// A small municipality built once per test class, through the real pipeline: reference facts and access rows
/// ingested and judged by detection, reviews and investigations appended as their own events to Marten (inline
/// snapshots and the review summaries update as in production). Every expected figure in the report tests is
/// worked out by hand from the comments here.
/// </summary>
public sealed class ReportScenario : IAsyncLifetime
{
    public readonly TestDatabase Db = new();
    public DocumentStore Store { get; private set; } = null!;

    public static readonly string K1 = Pnr("19300101", 1), K2 = Pnr("19300102", 2), K3 = Pnr("19300103", 3), K4 = Pnr("19300104", 4);
    /// <summary>The day the reports answer for.</summary>
    public static readonly LocalDate AsOf = new(2026, 7, 10);

    public static readonly Guid R1 = StableId.From("test:R1"), R2 = StableId.From("test:R2"), R3 = StableId.From("test:R3"),
        R4 = StableId.From("test:R4"), R5 = StableId.From("test:R5"), I1 = StableId.From("test:I1"), I2 = StableId.From("test:I2");

    public static Instant Local(int y, int m, int d, int h = 12, int min = 0) =>
        SwedishTime.Zone.AtStrictly(new LocalDateTime(y, m, d, h, min)).ToInstant();

    public async Task InitializeAsync()
    {
        await Db.InitializeAsync();
        Store = Db.CreateStore(withAsyncProjections: true);
        var k = new DetectionKit(Store, "RP");
        k.Fact("""{"type":"unit","unit_id":"HT-A","name":"Hemtjänst Åby","kind":"hemtjanst","manager_user_id":"M-A","comparable_group":"hemtjanst-dag","covers_units":[]}""")
         .Fact("""{"type":"unit","unit_id":"HT-B","name":"Hemtjänst Berga","kind":"hemtjanst","manager_user_id":"M-B","comparable_group":"hemtjanst-dag","covers_units":[]}""")
         .Fact("""{"type":"unit","unit_id":"HT-C","name":"Hemtjänst Centrum","kind":"hemtjanst","manager_user_id":"M-C","comparable_group":"hemtjanst-dag","covers_units":[]}""")
         .Fact("""{"type":"unit","unit_id":"SB-X","name":"Xbo särskilt boende","kind":"sarskilt_boende","manager_user_id":"M-X","comparable_group":"sarskilt-boende","covers_units":[]}""");
        foreach (var (user, unit) in new[] { ("A1", "HT-A"), ("A2", "HT-A"), ("B1", "HT-B"), ("C1", "HT-C"), ("X1", "SB-X") })
            k.Fact($$"""{"type":"staff","user_id":"{{user}}","name":"{{user}}","surname":"S{{user}}","role":"underskoterska","unit_id":"{{unit}}","from":"2024-01-01","to":null}""");
        foreach (var (client, unit) in new[] { (K1, "HT-A"), (K2, "HT-B"), (K3, "HT-C"), (K4, "SB-X") })
            k.Fact($$"""{"type":"enrollment","client_id":"{{client}}","unit_id":"{{unit}}","from":"2025-01-01","to":null}""");

        // Successful accesses per unit and quarter (local time): HT-A Q1 3, Q2 2; HT-B Q1 2, Q2 1; HT-C Q1 1; SB-X Q2 1, Q3 1.
        k.Access("A1", K1, "2026-01-15 10:00:00", unit: "HT-A");
        k.Access("A1", K1, "2026-02-10 10:00:00", unit: "HT-A");
        k.Access("A2", K1, "2026-03-31 23:30:00", unit: "HT-A");                       // Q1 (21:30 UTC)
        k.Access("A1", K1, "2026-04-20 10:00:00", unit: "HT-A");
        k.Access("A2", K2, "2026-04-01 00:30:00", unit: "HT-A");                       // Q2 locally, still Q1 in UTC; unexplained: NO_RELATIONSHIP
        k.Access("B1", K2, "2026-01-20 10:00:00", unit: "HT-B");
        k.Access("B1", K1, "2026-02-03 10:00:00", purpose: "emergency", unit: "HT-B"); // unexplained emergency: NO_RELATIONSHIP + EMERGENCY_ACCESS
        k.Access("B1", K2, "2026-05-05 10:00:00", unit: "HT-B");
        k.Access("C1", K3, "2026-01-01 00:30:00", unit: "HT-C");                       // 2026 locally, 2025 in UTC
        k.Access("X1", K4, "2026-06-30 23:59:00", unit: "SB-X");
        k.Access("X1", K4, "2026-07-01 00:10:00", unit: "SB-X");                       // Q3 locally, Q2 in UTC (summer time)
        await k.RunAsync();

        await using var s = Store.LightweightSession();
        var h2From = new LocalDate(2025, 7, 1); var h2To = new LocalDate(2025, 12, 31); var h2Due = new LocalDate(2026, 1, 30);
        // R1: HT-A 2025 H2, three items, one unjustified and escalated, signed off on time (2026-01-25): 1 finding.
        s.Events.StartStream<Review>(R1, Periodic(R1, "HT-A", h2From, h2To, h2Due),
            new ReviewStarted(R1, "M-A", Local(2026, 1, 10)), Scope(R1, "A1", "A2", "A1"),
            Judged(R1, 0, Verdict.Justified), Judged(R1, 1, Verdict.Unjustified), Judged(R1, 2, Verdict.Justified),
            new ReviewItemEscalated(R1, "I1", "Ingen vårdrelation", "M-A", Local(2026, 1, 24)),
            new ReviewSignedOff(R1, "M-A", false, "d", 3, Local(2026, 1, 25)));
        // R2: HT-B 2025 H2, two items, signed off late (2026-02-05).
        s.Events.StartStream<Review>(R2, Periodic(R2, "HT-B", h2From, h2To, h2Due),
            new ReviewStarted(R2, "M-B", Local(2026, 1, 20)), Scope(R2, "B1", "B1"),
            Judged(R2, 0, Verdict.Justified), Judged(R2, 1, Verdict.Justified),
            new ReviewSignedOff(R2, "M-B", false, "d", 2, Local(2026, 2, 5)));
        // R3: HT-C 2025 H2, never done: overdue since 2026-01-30.
        s.Events.StartStream<Review>(R3, Periodic(R3, "HT-C", h2From, h2To, h2Due), new ReviewOverdue(R3, h2Due, Local(2026, 1, 31)));
        // R4: an immediate review of HT-A on suspicion (2026-04-02), due 2026-04-16, not started.
        s.Events.StartStream<Review>(R4, new SuspicionFiled(R4, "HT-A", "Misstanke", "A2", K2, "M-A", Local(2026, 4, 2)),
            new ReviewScheduled(R4, "HT-A", ReviewKind.Immediate, new LocalDate(2026, 3, 3), new LocalDate(2026, 4, 2),
                new LocalDate(2026, 4, 3), new LocalDate(2026, 4, 16), Local(2026, 4, 2)));
        // R5: HT-A 2026 H1, due 2026-07-30: open, not yet overdue.
        s.Events.StartStream<Review>(R5, Periodic(R5, "HT-A", new LocalDate(2026, 1, 1), new LocalDate(2026, 6, 30), new LocalDate(2026, 7, 30)));
        // SB-X reviews monthly.
        s.Events.StartStream<UnitReviewSettings>(UnitReviewSettings.StreamId("SB-X"),
            new ReviewPolicySet("SB-X", ReviewFrequency.Monthly, false, "admin", Local(2025, 12, 1)));

        // I1: opened from R1's escalation (HT-A) on 2026-01-26, still open. I2: opened directly about B1 with an HT-B anomaly
        // on 2026-02-10, concluded misuse confirmed on 2026-03-15.
        s.Events.StartStream<Investigation>(I1, new InvestigationOpened("A2", InvestigationOrigin.Escalation, null,
            new EscalationRef(R1, "I1", "HT-A", K1, [], "Ingen vårdrelation", "M-A", Local(2026, 1, 24)), [], "M-A", Local(2026, 1, 26)));
        s.Events.StartStream<Investigation>(I2,
            new InvestigationOpened("B1", InvestigationOrigin.Direct, "Nödåtkomst utan vårdrelation", null,
                [new AnomalyRef(Guid.NewGuid(), "EMERGENCY_ACCESS", "B1", K1, "HT-B", new LocalDate(2026, 2, 3))], "SEC", Local(2026, 2, 10)),
            new InvestigationConcluded(InvestigationOutcome.MisuseConfirmed, "Bekräftat", "SEC", Local(2026, 3, 15)));
        await s.SaveChangesAsync();
    }

    private static ReviewScheduled Periodic(Guid id, string unit, LocalDate from, LocalDate to, LocalDate due) =>
        new(id, unit, ReviewKind.Periodic, from, to, to.PlusDays(1), due, Local(due.Year, due.Month, 1));

    private static ReviewScopeDrawn Scope(Guid id, params string[] users) => new(id,
        users.Select((u, i) => new ReviewItem($"I{i}", ItemKind.Sample, u, null, new LocalDate(2025, 9, 1), [$"Lifecare:X-{i}"], null, "Stickprov")).ToList(),
        new SampleRule(1, 10, 1, 24, 1, users.Distinct().ToList()), Local(2026, 1, 10));

    private static ReviewItemJudged Judged(Guid id, int item, Verdict v) =>
        new(id, $"I{item}", v, v == Verdict.Justified ? JustificationCategory.Care : null, v == Verdict.Unjustified ? "Ingen vårdrelation" : null, "M", Local(2026, 1, 20));

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        await Db.DisposeAsync();
    }
}
