using System.Net;
using System.Net.Http.Json;
using LogControl.Tests.Detection;
using LogControl.Tests.Support;
using LogControl.Workflow;
using LogControl.Workflow.Reviews;
using LogControl.Workflow.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;
using static LogControl.Tests.Detection.DetectionKit;

namespace LogControl.Tests.Reviews;

/// <summary>
/// The review API per role, with real bearer tokens against the real host: a manager sees and acts on their own
/// unit only, the auditor reads everything and changes nothing, the employee answers for themselves, and
/// unauthenticated calls get 401.
/// </summary>
public sealed class ReviewHttpTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private WebApplication _app = null!;
    private Guid _review;

    public async Task InitializeAsync()
    {
        // The suspicion's review looks back 30 days from "now": the clock stands a week after the accesses.
        var clock = new TestClock(NodaTime.Instant.FromUtc(2026, 3, 9, 9, 0));
        _app = LogControl.Server.LogControlServer.Build(db.ConnectionString, ["--Reviews:Sweep=false"], urls: "http://127.0.0.1:0",
            configure: b => b.Services.AddSingleton<NodaTime.IClock>(clock));
        await _app.StartAsync();
        var store = _app.Services.GetRequiredService<Marten.IDocumentStore>();
        var k = new DetectionKit(store, "HTTP");
        k.Fact("""{"type":"unit","unit_id":"HT-N","name":"N","kind":"hemtjanst","manager_user_id":"MGR-N","covers_units":[]}""")
         .Fact("""{"type":"unit","unit_id":"HT-S","name":"S","kind":"hemtjanst","manager_user_id":"MGR-S","covers_units":[]}""")
         .Fact("""{"type":"staff","user_id":"EMP-1","name":"E","surname":"E","role":"underskoterska","unit_id":"HT-N","from":"2024-01-01","to":null}""");
        k.Access("EMP-1", Pnr("19300101", 1), "2026-03-02 10:00:00", unit: "HT-N");   // unexplained: one anomaly
        await k.RunAsync();
        _review = await _app.Services.GetRequiredService<IMessageBus>().InvokeAsync<Guid>(
            new FileSuspicion("HT-N", "Misstanke", "EMP-1", null, "MGR-N", ReviewId: Guid.NewGuid()));
    }

    public async Task DisposeAsync() { await _app.StopAsync(); await _app.DisposeAsync(); }

    [Fact]
    public async Task each_role_sees_and_does_what_it_may()
    {
        using var anonymous = AuthKit.Anonymous(_app);
        (await anonymous.GetAsync($"/api/reviews/{_review}")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.PostAsync($"/api/reviews/{_review}/start", null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var (other, _) = await AuthKit.LoginAsync(_app, [Roles.UnitManager], ["HT-S"], userId: "MGR-S");
        (await other.GetAsync($"/api/reviews/{_review}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await other.PostAsync($"/api/reviews/{_review}/start", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await other.GetFromJsonAsync<List<Review>>("/api/reviews"))!.ShouldNotContain(r => r.Id == _review);

        var (auditor, _) = await AuthKit.LoginAsync(_app, [Roles.Auditor]);
        (await auditor.GetAsync($"/api/reviews/{_review}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await auditor.PostAsync($"/api/reviews/{_review}/start", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await auditor.PostAsJsonAsync("/api/suspicions", new { unitId = "HT-N", text = "x" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var (manager, _) = await AuthKit.LoginAsync(_app, [Roles.UnitManager], ["HT-N"], userId: "MGR-N");
        var started = await manager.PostAsync($"/api/reviews/{_review}/start", null);
        started.StatusCode.ShouldBe(HttpStatusCode.OK, await started.Content.ReadAsStringAsync());
        var review = (await started.Content.ReadFromJsonAsync<Review>(ApiJson.Options))!;
        var item = review.ItemOrder.First(i => i.StartsWith("A:"));
        var encoded = Uri.EscapeDataString(item);

        // A refused command is problem details with the invariant's code.
        var bad = await manager.PostAsJsonAsync($"/api/reviews/{_review}/items/{encoded}/judgement", new { verdict = "Justified" }, ApiJson.Options);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync()).ShouldContain("category_required");

        (await manager.PostAsJsonAsync($"/api/reviews/{_review}/items/{encoded}/question", new { question = "Varför?" }, ApiJson.Options)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var (employee, _) = await AuthKit.LoginAsync(_app, [Roles.Employee], userId: "EMP-1");
        var (stranger, _) = await AuthKit.LoginAsync(_app, [Roles.Employee], userId: "EMP-2");
        (await stranger.PostAsJsonAsync($"/api/reviews/{_review}/items/{encoded}/answer", new { text = "?" }, ApiJson.Options)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await employee.PostAsJsonAsync($"/api/reviews/{_review}/items/{encoded}/answer", new { text = "Jag hade ett besök." }, ApiJson.Options)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        foreach (var id in review.ItemOrder)
        {
            var r = await manager.PostAsJsonAsync($"/api/reviews/{_review}/items/{Uri.EscapeDataString(id)}/judgement",
                new { verdict = "Justified", category = "Care", note = "ok" }, ApiJson.Options);
            r.StatusCode.ShouldBe(HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        }
        var signed = await manager.PostAsync($"/api/reviews/{_review}/sign-off", null);
        signed.StatusCode.ShouldBe(HttpStatusCode.OK, await signed.Content.ReadAsStringAsync());
        (await signed.Content.ReadFromJsonAsync<Review>(ApiJson.Options))!.SignedOff.ShouldNotBeNull();

        var history = await auditor.GetStringAsync($"/api/reviews/{_review}/history");
        history.ShouldContain("review_signed_off");
        history.ShouldContain("justification_given");
    }
}
