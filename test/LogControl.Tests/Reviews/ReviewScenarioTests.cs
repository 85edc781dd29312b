using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LogControl.Generator;
using LogControl.Hosting.Detection;
using LogControl.Server;
using LogControl.Tests.Support;
using LogControl.Workflow.Reviews;
using LogControl.Workflow.Security;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using static LogControl.Tests.Support.IngestTestKit;

namespace LogControl.Tests.Reviews;

/// <summary>
/// The scripted end-to-end scenario of issue 4, over HTTP with real tokens: a generated municipality is ingested
/// and judged by detection; the half-year review is scheduled, started and judged by the unit's manager; one item
/// is escalated; security staff investigate, confirm a breach and meet the IMY deadline, and conclude; the
/// review is signed off; then the review's whole history replays to exactly what is stored.
/// </summary>
public sealed class ReviewScenarioTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task generated_data_to_signed_off_review_with_a_concluded_investigation()
    {
        var clock = new TestClock(Instant.FromUtc(2026, 7, 2, 7, 0));
        var app = LogControlServer.Build(db.ConnectionString, ["--Reviews:Sweep=false"], urls: "http://127.0.0.1:0",
            configure: b => b.Services.AddSingleton<IClock>(clock));
        await app.StartAsync();
        try
        {
            var store = app.Services.GetRequiredService<IDocumentStore>();
            var dir = TempDir();
            var generated = new MunicipalityGenerator().Generate(new GeneratorOptions(11, Scale.Small, dir));
            (await IngestAsync(store, [.. generated.IngestPaths])).Rejected.ShouldBe(0);
            await DetectionRunner.CatchUpAsync(store, null, CancellationToken.None);

            // The home-care unit with the most anomalies, and its manager.
            var anomalies = await new LogControl.Projections.Detection.AnomalyQueries(store).ListAsync();
            var unit = anomalies.Where(a => a.UnitId != null && a.UnitId.StartsWith("HT-")).GroupBy(a => a.UnitId!).OrderByDescending(g => g.Count()).First().Key;
            var managerId = (await LogControl.Projections.StoreSql.QueryAsync(store, "select manager_user_id from lc.lc_ref_units where unit_id = $1",
                r => r.GetString(0), CancellationToken.None, unit)).Single();

            var (admin, _) = await AuthKit.LoginAsync(app, [Roles.Administrator]);
            var (manager, _) = await AuthKit.LoginAsync(app, [Roles.UnitManager], [unit], userId: managerId);
            var (security, securityAccount) = await AuthKit.LoginAsync(app, [Roles.Security]);
            var (auditor, _) = await AuthKit.LoginAsync(app, [Roles.Auditor]);

            // 1. The scheduler opens the review of the first half-year.
            (await admin.PostAsync("/api/reviews/schedule", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
            var review = (await manager.GetFromJsonAsync<List<Review>>($"/api/reviews?unit={unit}", ApiJson.Options))!
                .Single(r => r.Kind == ReviewKind.Periodic && r.PeriodFrom == new LocalDate(2026, 1, 1));

            // 2. Started: the scope is drawn; every item judged, one anomaly found unjustified and escalated.
            review = await Ok<Review>(await manager.PostAsync($"/api/reviews/{review.Id}/start", null));
            review.Items.Count.ShouldBeGreaterThan(3);
            review.Items.Values.Select(i => i.Item.Kind).ShouldContain(ItemKind.Anomaly);
            review.Items.Values.Select(i => i.Item.Kind).ShouldContain(ItemKind.Sample);
            var suspicious = review.ItemOrder.First(i => review.Items[i].Item.Kind == ItemKind.Anomaly);
            var subject = review.Items[suspicious].Item.SubjectUserId;
            foreach (var id in review.ItemOrder.Where(i => i != suspicious))
                await Ok<Review>(await manager.PostAsJsonAsync($"/api/reviews/{review.Id}/items/{Uri.EscapeDataString(id)}/judgement",
                    new { verdict = "Justified", category = "Care", note = "Ingick i vården" }, ApiJson.Options));
            await Ok<Review>(await manager.PostAsJsonAsync($"/api/reviews/{review.Id}/items/{Uri.EscapeDataString(suspicious)}/judgement",
                new { verdict = "Unjustified", note = "Ingen vårdrelation och ingen förklaring" }, ApiJson.Options));
            await Ok<Review>(await manager.PostAsJsonAsync($"/api/reviews/{review.Id}/items/{Uri.EscapeDataString(suspicious)}/escalation",
                new { reason = "Misstänkt dataintrång" }, ApiJson.Options));

            // 3. The escalation reaches security staff as a case for that user (delivered through the durable outbox).
            JsonElement investigation = default;
            for (var i = 0; i < 1200; i++)
            {
                var list = await security.GetFromJsonAsync<JsonElement>($"/api/investigations?user={Uri.EscapeDataString(subject)}");
                if (list.GetArrayLength() == 1) { investigation = list[0]; break; }
                await Task.Delay(100);
            }
            investigation.ValueKind.ShouldBe(JsonValueKind.Object, "the escalation opened an investigation");
            var caseId = investigation.GetProperty("id").GetGuid();

            // 4. Investigated: a note, an interview, a confirmed breach whose IMY deadline is tracked, IMY notified in time,
            //    a police report, and the conclusion.
            var aware = clock.Now;
            await Ok<JsonElement>(await security.PostAsJsonAsync($"/api/investigations/{caseId}/notes", new { text = "Loggar granskade över alla enheter" }, ApiJson.Options));
            await Ok<JsonElement>(await security.PostAsJsonAsync($"/api/investigations/{caseId}/interviews",
                new { withWhom = subject, summary = "Medger att hen läste journalen utan skäl", on = "2026-07-02" }, ApiJson.Options));
            await Ok<JsonElement>(await security.PostAsJsonAsync($"/api/investigations/{caseId}/breach", new { awareAt = aware, description = "Obehörig läsning" }, ApiJson.Options));
            var breaches = await security.GetFromJsonAsync<JsonElement>("/api/investigations/breaches");
            var breach = breaches.EnumerateArray().Single(b => b.GetProperty("investigationId").GetGuid() == caseId);
            breach.GetRawText().ShouldContain(aware.Plus(Duration.FromHours(72)).ToString());
            clock.Now = aware.Plus(Duration.FromHours(30));
            await Ok<JsonElement>(await security.PostAsJsonAsync($"/api/investigations/{caseId}/imy-notification",
                new { notifiedAt = clock.Now, reference = "IMY-2026-0042" }, ApiJson.Options));
            await Ok<JsonElement>(await security.PostAsJsonAsync($"/api/investigations/{caseId}/decisions", new { kind = "police", on = "2026-07-03" }, ApiJson.Options));
            var concluded = await Ok<JsonElement>(await security.PostAsJsonAsync($"/api/investigations/{caseId}/conclusion",
                new { outcome = "misuse_confirmed", summary = "Dataintrång bekräftat" }, ApiJson.Options));
            concluded.GetRawText().ShouldContain("IMY-2026-0042");

            // 5. Signed off by the manager: the digest covers exactly what was reviewed.
            var signed = await Ok<Review>(await manager.PostAsync($"/api/reviews/{review.Id}/sign-off", null));
            signed.SignedOff!.By.ShouldBe(managerId);
            signed.SignedOff.Digest.ShouldBe(signed.Digest());
            (await auditor.PostAsync($"/api/reviews/{review.Id}/sign-off", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

            // 6. The review's full history replays to the stored state; the auditor reads every event.
            await using var session = store.QuerySession();
            var replayed = await session.Events.AggregateStreamAsync<Review>(review.Id);
            var stored = await session.LoadAsync<Review>(review.Id);
            ReviewJson.Normalised(store, replayed!).ShouldBe(ReviewJson.Normalised(store, stored!));
            var history = await auditor.GetFromJsonAsync<JsonElement>($"/api/reviews/{review.Id}/history");
            history.EnumerateArray().Select(e => e.GetProperty("type").GetString()).ShouldBe(
            [
                "review_scheduled", "review_started", "review_scope_drawn",
                .. Enumerable.Repeat("review_item_judged", review.Items.Count), "review_item_escalated", "review_signed_off",
            ]);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task<T> Ok<T>(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue(text);
        return JsonSerializer.Deserialize<T>(text, ApiJson.Options)!;
    }
}
