using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LogControl.Domain.Time;
using LogControl.Tests.Detection;
using LogControl.Tests.Support;
using LogControl.Workflow.Reviews;
using LogControl.Workflow.Security;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Text;
using Wolverine;
using static LogControl.Tests.Detection.DetectionKit;
using static LogControl.Tests.Support.IngestTestKit;

namespace LogControl.Tests.Replay;

/// <summary>
/// One history through the real host: anomalies published, a review judged, an investigation opened; then, after the
/// instant T, the review is signed off, the case gets a note, a late visit retracts an anomaly and the employee's placement
/// is corrected and moved to another unit.
/// </summary>
public sealed class AsOfScenario : IAsyncLifetime
{
    public static readonly string C1 = Pnr("19300101", 1), C2 = Pnr("19300101", 2);
    private readonly TestDatabase _db = new();
    public WebApplication App { get; private set; } = null!;
    private IDocumentStore _store = null!;
    public Guid ReviewId, InvestigationId, Retracted, Kept;
    public Instant At;
    public HttpClient Manager = null!, Security = null!, Auditor = null!;
    public string ConnectionString => _db.ConnectionString;

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        var db = _db;
        var clock = new TestClock(Instant.FromUtc(2026, 3, 9, 9, 0));
        App = LogControl.Server.LogControlServer.Build(db.ConnectionString, ["--Reviews:Sweep=false"], urls: "http://127.0.0.1:0",
            configure: b => b.Services.AddSingleton<IClock>(clock));
        await App.StartAsync();
        _store = App.Services.GetRequiredService<IDocumentStore>();
        var k = new DetectionKit(_store, "ASOF");
        k.Fact("""{"type":"unit","unit_id":"HT-N","name":"N","kind":"hemtjanst","manager_user_id":"MGR-N","covers_units":[]}""")
         .Fact("""{"type":"unit","unit_id":"HT-S","name":"S","kind":"hemtjanst","manager_user_id":"MGR-S","covers_units":[]}""")
         .Fact("""{"type":"staff","user_id":"EMP-1","name":"E","surname":"E","role":"underskoterska","unit_id":"HT-N","from":"2024-01-01","to":null}""");
        k.Access("EMP-1", C1, "2026-03-02 10:00:00", unit: "HT-N");   // stays unexplained
        k.Access("EMP-1", C2, "2026-03-03 11:00:00", unit: "HT-N");   // explained later by a late visit
        await k.RunAsync();
        var anomalies = await k.AnomaliesAsync();
        Kept = anomalies.Single(a => a.ClientId == C1).AnomalyId;
        Retracted = anomalies.Single(a => a.ClientId == C2).AnomalyId;

        (Manager, _) = await AuthKit.LoginAsync(App, [Roles.UnitManager], ["HT-N"], userId: "MGR-N");
        Security = await AuthKit.AsSecurityAsync(App);
        Auditor = await AuthKit.AsAuditorAsync(App);
        ReviewId = await App.Services.GetRequiredService<IMessageBus>().InvokeAsync<Guid>(
            new FileSuspicion("HT-N", "Misstanke", "EMP-1", null, "MGR-N", ReviewId: Guid.NewGuid()));
        var review = await AsOfTests.Ok<Review>(await Manager.PostAsync($"/api/reviews/{ReviewId}/start", null));
        foreach (var id in review.ItemOrder)
            await AsOfTests.Ok<Review>(await Manager.PostAsJsonAsync($"/api/reviews/{ReviewId}/items/{Uri.EscapeDataString(id)}/judgement",
                new { verdict = "Justified", category = "Care", note = "ok" }, ApiJson.Options));
        var opened = await Security.PostAsJsonAsync("/api/investigations", new { subjectUserId = "EMP-1", reason = "Misstanke" });
        opened.StatusCode.ShouldBe(HttpStatusCode.Created, await opened.Content.ReadAsStringAsync());
        InvestigationId = Guid.Parse(opened.Headers.Location!.ToString().Split('/').Last());

        // T: everything stored so far. What follows is stored strictly later.
        At = Instant.FromDateTimeOffset((await LogControl.Projections.StoreSql.QueryAsync(_store,
            "select max(timestamp) from lc.mt_events", r => r.GetFieldValue<DateTimeOffset>(0), CancellationToken.None))[0]);
        await Task.Delay(50);

        await AsOfTests.Ok<Review>(await Manager.PostAsync($"/api/reviews/{ReviewId}/sign-off", null));
        (await Security.PostAsJsonAsync($"/api/investigations/{InvestigationId}/notes", new { text = "Intervju bokad" })).EnsureSuccessStatusCode();
        k.Fact($$"""{"type":"visit","visit_id":"V-1","client_id":"{{C2}}","user_id":"EMP-1","unit_id":"HT-N","start":"2026-03-03T10:30:00","end":"2026-03-03T11:30:00"}""")
         // The same placement corrected (same key), and a move to another unit (a new key).
         .Fact("""{"type":"staff","user_id":"EMP-1","name":"E","surname":"E","role":"sjukskoterska","unit_id":"HT-N","from":"2024-01-01","to":"2026-03-04"}""")
         .Fact("""{"type":"staff","user_id":"EMP-1","name":"E","surname":"E","role":"sjukskoterska","unit_id":"HT-S","from":"2026-03-05","to":null}""");
        await k.RunAsync();
        (await k.AnomaliesAsync()).ShouldNotContain(a => a.AnomalyId == Retracted, "the late visit explains the second access now");
    }

    public async Task DisposeAsync() { await App.StopAsync(); await App.DisposeAsync(); await _db.DisposeAsync(); }
}

/// <summary>"What did the manager see when signing?" As of T, the API and the CLI answer with the earlier state.</summary>
public sealed class AsOfTests(AsOfScenario s) : IClassFixture<AsOfScenario>
{
    private static readonly string C1 = AsOfScenario.C1, C2 = AsOfScenario.C2;
    private Guid _review => s.ReviewId;
    private Guid _investigation => s.InvestigationId;
    private Guid _retracted => s.Retracted;
    private Guid _kept => s.Kept;
    private HttpClient _manager => s.Manager;
    private HttpClient _security => s.Security;
    private HttpClient _auditor => s.Auditor;
    private string T => InstantPattern.ExtendedIso.Format(s.At);

    internal static async Task<TBody> Ok<TBody>(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<TBody>(ApiJson.Options))!;
    }

    [Fact]
    public async Task an_as_of_query_returns_the_earlier_state_after_later_events_changed_it()
    {
        // The review: signed off now, judged but unsigned as of T.
        var now = await Ok<Review>(await _auditor.GetAsync($"/api/reviews/{_review}"));
        var then = await Ok<Review>(await _auditor.GetAsync($"/api/reviews/{_review}?asOf={T}"));
        now.SignedOff.ShouldNotBeNull();
        then.SignedOff.ShouldBeNull();
        then.Items.Values.ShouldAllBe(i => i.Decided);
        then.ItemOrder.ShouldBe(now.ItemOrder);
        (await Ok<Review>(await _manager.GetAsync($"/api/reviews/{_review}?asOf={T}"))).SignedOff.ShouldBeNull();
        // Before the review existed there is nothing to see.
        var before = await _auditor.GetAsync($"/api/reviews/{_review}?asOf=2020-01-01T00:00:00Z");
        before.StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // The anomaly list: the retracted anomaly is still listed as of T, with the same filters as the current list.
        var anomaliesThen = await Ok<List<JsonElement>>(await _manager.GetAsync($"/api/anomalies?asOf={T}&unit=HT-N&from=2026-03-01&to=2026-03-31"));
        anomaliesThen.Select(a => a.GetProperty("anomalyId").GetGuid()).ShouldBe([_kept, _retracted], ignoreOrder: true);
        var anomaliesNow = await Ok<List<JsonElement>>(await _manager.GetAsync("/api/anomalies?unit=HT-N"));
        anomaliesNow.Select(a => a.GetProperty("anomalyId").GetGuid()).ShouldBe([_kept]);
        (await Ok<List<JsonElement>>(await _auditor.GetAsync($"/api/anomalies?asOf={T}&to=2026-03-02"))).Count.ShouldBe(1);
        (await Ok<List<JsonElement>>(await _auditor.GetAsync($"/api/anomalies?asOf={T}&rule=OWN_RECORD"))).ShouldBeEmpty();

        // Reference data: the correction and the move were ingested after T.
        var userThen = await Ok<JsonElement>(await _auditor.GetAsync($"/api/reference/users/EMP-1?asOf={T}"));
        var placementsThen = Placements(userThen);
        placementsThen.ShouldBe(["HT-N underskoterska 2024-01-01.."]);
        var placementsNow = Placements(await Ok<JsonElement>(await _auditor.GetAsync("/api/reference/users/EMP-1")));
        placementsNow.ShouldBe(["HT-N sjukskoterska 2024-01-01..2026-03-04", "HT-S sjukskoterska 2026-03-05.."]);
        // Nothing was known of the second client at T; now its visit is.
        (await _auditor.GetAsync($"/api/reference/clients/{C2}?asOf={T}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Ok<JsonElement>(await _auditor.GetAsync($"/api/reference/clients/{C2}"))).GetProperty("facts")[0].GetProperty("type").GetString().ShouldBe("visit_recorded");

        // The investigation: no note yet as of T, and both anomalies as published then.
        var caseThen = await Ok<JsonElement>(await _security.GetAsync($"/api/investigations/{_investigation}?asOf={T}"));
        caseThen.GetProperty("investigation").GetProperty("notes").GetArrayLength().ShouldBe(0);
        caseThen.GetProperty("anomalies").GetArrayLength().ShouldBe(2);
        var caseNow = await Ok<JsonElement>(await _security.GetAsync($"/api/investigations/{_investigation}"));
        caseNow.GetProperty("investigation").GetProperty("notes").GetArrayLength().ShouldBe(1);
        caseNow.GetProperty("anomalies").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task the_as_of_endpoints_keep_the_rules_of_who_reads_what()
    {
        using var anonymous = AuthKit.Anonymous(s.App);
        foreach (var path in new[] { $"/api/reviews/{_review}?asOf={T}", $"/api/anomalies?asOf={T}", $"/api/reference/users/EMP-1?asOf={T}", $"/api/investigations/{_investigation}?asOf={T}" })
            (await anonymous.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, path);

        // An unparseable or zone-less instant is a 400 that says what is expected.
        foreach (var bad in new[] { "yesterday", "2026-03-02T10:00:00", "2026-13-02T10:00:00Z" })
        {
            var response = await _auditor.GetAsync($"/api/reviews/{_review}?asOf={Uri.EscapeDataString(bad)}");
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, bad);
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            problem.GetProperty("code").GetString().ShouldBe("invalid_as_of");
            problem.GetProperty("detail").GetString()!.ShouldContain("2026-03-02T10:00:00Z");
        }
        (await _auditor.GetAsync($"/api/anomalies?asOf={T}&from=March")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        // The manager of the other unit: not this unit's review, anomalies or unit data; the employee only since the move.
        var (other, _) = await AuthKit.LoginAsync(s.App, [Roles.UnitManager], ["HT-S"], userId: "MGR-S");
        (await other.GetAsync($"/api/reviews/{_review}?asOf={T}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await other.GetAsync($"/api/anomalies?asOf={T}&unit=HT-N")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await AsOfTests.Ok<List<JsonElement>>(await other.GetAsync($"/api/anomalies?asOf={T}"))).ShouldBeEmpty();
        (await other.GetAsync($"/api/reference/units/HT-N?asOf={T}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await other.GetAsync($"/api/reference/units/HT-S?asOf={T}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await other.GetAsync($"/api/reference/users/EMP-1?asOf={T}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await other.GetAsync("/api/reference/users/EMP-1")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await other.GetAsync($"/api/investigations/{_investigation}?asOf={T}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // The unit's own manager reads the unit and its staff as known then; investigations stay with security and audit.
        (await _manager.GetAsync($"/api/reference/users/EMP-1?asOf={T}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _manager.GetAsync($"/api/reference/units/HT-N?asOf={T}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _manager.GetAsync($"/api/investigations/{_investigation}?asOf={T}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await _auditor.GetAsync($"/api/investigations/{_investigation}?asOf={T}")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var (employee, _) = await AuthKit.LoginAsync(s.App, [Roles.Employee], userId: "EMP-1");
        (await employee.GetAsync($"/api/anomalies?asOf={T}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await employee.GetAsync($"/api/reference/users/EMP-1?asOf={T}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await employee.GetAsync($"/api/reviews/{_review}?asOf={T}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task the_cli_answers_as_of_an_instant_or_a_stockholm_local_time()
    {
        var db = s.ConnectionString;
        var local = LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss;FFFFFFFFF").Format(SwedishTime.InStockholm(s.At).LocalDateTime);

        var (code, output, err) = await RunLogCtlAsync("show", "review", _review.ToString(), "--as-of", T, "--json", "--db", db);
        code.ShouldBe(0, err);
        JsonDocument.Parse(output).RootElement.GetProperty("signedOff").ValueKind.ShouldBe(JsonValueKind.Null);
        (code, output, err) = await RunLogCtlAsync("show", "review", _review.ToString(), "--as-of", local, "--db", db);
        code.ShouldBe(0, err);
        output.ShouldContain("signed off: no");
        (code, output, err) = await RunLogCtlAsync("show", "review", _review.ToString(), "--db", db);
        code.ShouldBe(0, err);
        output.ShouldNotContain("signed off: no");

        (code, output, err) = await RunLogCtlAsync("anomalies", "list", "--as-of", local, "--unit", "HT-N", "--json", "--db", db);
        code.ShouldBe(0, err);
        JsonDocument.Parse(output).RootElement.EnumerateArray().Select(a => a.GetProperty("anomalyId").GetGuid()).ShouldBe([_kept, _retracted], ignoreOrder: true);
        var export = Path.Combine(TempDir(), "then.ndjson");
        (code, _, err) = await RunLogCtlAsync("anomalies", "export", "--out", export, "--as-of", T, "--db", db);
        code.ShouldBe(0, err);
        Lines(await File.ReadAllTextAsync(export)).Length.ShouldBe(2);

        (code, output, err) = await RunLogCtlAsync("show", "reference", "user", "EMP-1", "--as-of", T, "--db", db);
        code.ShouldBe(0, err);
        output.ShouldContain("placement EMP-1 at HT-N as underskoterska");
        output.ShouldNotContain("HT-S");
        (code, output, err) = await RunLogCtlAsync("show", "reference", "user", "EMP-1", "--db", db);
        code.ShouldBe(0, err);
        output.ShouldContain("placement EMP-1 at HT-S as sjukskoterska");

        (code, output, err) = await RunLogCtlAsync("show", "investigation", _investigation.ToString(), "--as-of", T, "--json", "--db", db);
        code.ShouldBe(0, err);
        var then = JsonDocument.Parse(output).RootElement;
        then.GetProperty("investigation").GetProperty("notes").GetArrayLength().ShouldBe(0);
        then.GetProperty("anomalies").GetArrayLength().ShouldBe(2);

        // Local times that do not exist, or happened twice, are refused rather than guessed.
        (code, _, err) = await RunLogCtlAsync("show", "review", _review.ToString(), "--as-of", "2026-03-29T02:30", "--db", db);
        code.ShouldNotBe(0);
        err.ShouldContain("does not exist");
        (code, _, err) = await RunLogCtlAsync("show", "review", _review.ToString(), "--as-of", "2026-10-25T02:30", "--db", db);
        code.ShouldNotBe(0);
        err.ShouldContain("+02:00");
    }

    /// <summary>With the server running (its daemon holds the lock), the check waits for it and compares every snapshot kind.</summary>
    [Fact]
    public async Task projections_check_passes_beside_a_running_server()
    {
        var (code, output, err) = await RunLogCtlAsync("projections", "check", "--db", s.ConnectionString, "--no-progress");
        code.ShouldBe(0, output + err);
        foreach (var table in new[] { "lc.mt_doc_review", "lc.mt_doc_investigation", "lc.mt_doc_account", "lc.lc_anomalies" })
            output.ShouldContain(table);
        (await _auditor.GetAsync($"/api/reviews/{_review}")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static List<string> Placements(JsonElement view) => view.GetProperty("facts").EnumerateArray()
        .Where(f => f.GetProperty("type").GetString() == "staff_placement_recorded")
        .Select(f => f.GetProperty("fact"))
        .Select(p => $"{p.GetProperty("unitId").GetString()} {p.GetProperty("role").GetString()} {p.GetProperty("from").GetString()}.." +
                     (p.TryGetProperty("to", out var to) && to.ValueKind == JsonValueKind.String ? to.GetString() : ""))
        .ToList();
}
