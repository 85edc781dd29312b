using System.Net;
using System.Text.RegularExpressions;
using LogControl.Tests.Detection;
using LogControl.Tests.Support;
using LogControl.Workflow.Audit;
using LogControl.Workflow.Reviews;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Wolverine;
using static LogControl.Tests.Detection.DetectionKit;

namespace LogControl.Tests.Web;

/// <summary>
/// Two units with one suspicion review each, through the real pipeline: HT-N (manager MGR-N, employee EMP-1, whose access
/// to <see cref="Stranger"/> is unexplained) and HT-S (manager MGR-S, employee EMP-2, whose access to <see cref="SouthSecret"/>
/// is unexplained). A manager of one unit must never see the other's people or clients.
/// </summary>
public sealed class WebScenario
{
    public static readonly string North1 = Pnr("19300101", 1), Stranger = Pnr("19300102", 2), SouthSecret = Pnr("19310303", 3);
    public const string NorthUnit = "HT-N", SouthUnit = "HT-S", NorthEmployee = "EMP-1", SouthEmployee = "EMP-2";
    public const string NorthManager = "MGR-N", SouthManager = "MGR-S";

    public required WebApplication App { get; init; }
    public required TestClock Clock { get; init; }
    public required Guid NorthReview { get; init; }
    public required Guid SouthReview { get; init; }
    public IDocumentStore Store => App.Services.GetRequiredService<IDocumentStore>();

    public static async Task<WebScenario> StartAsync(string connectionString)
    {
        // The suspicions' reviews look back 30 days from "now": the clock stands a week after the accesses.
        var clock = new TestClock(Instant.FromUtc(2026, 3, 9, 9, 0));
        var app = LogControl.Server.LogControlServer.Build(connectionString, ["--Reviews:Sweep=false"], urls: "http://127.0.0.1:0",
            configure: b => b.Services.AddSingleton<IClock>(clock));
        await app.StartAsync();
        var store = app.Services.GetRequiredService<IDocumentStore>();
        var k = new DetectionKit(store, "WEB");
        k.Fact("""{"type":"unit","unit_id":"HT-N","name":"Hemtjänst Norr","kind":"hemtjanst","manager_user_id":"MGR-N","covers_units":[]}""")
         .Fact("""{"type":"unit","unit_id":"HT-S","name":"Hemtjänst Syd","kind":"hemtjanst","manager_user_id":"MGR-S","covers_units":[]}""")
         .Fact("""{"type":"staff","user_id":"EMP-1","name":"Eva","surname":"Ek","role":"underskoterska","unit_id":"HT-N","from":"2024-01-01","to":null}""")
         .Fact("""{"type":"staff","user_id":"EMP-2","name":"Sam","surname":"Syd","role":"underskoterska","unit_id":"HT-S","from":"2024-01-01","to":null}""")
         .Fact($$"""{"type":"enrollment","client_id":"{{North1}}","unit_id":"HT-N","from":"2025-01-01","to":null}""")
         .Fact("""{"type":"shift","user_id":"EMP-1","unit_id":"HT-N","start":"2026-03-02T07:00:00","end":"2026-03-02T16:00:00"}""");
        k.Access(NorthEmployee, North1, "2026-03-02 09:00:00", unit: NorthUnit);       // explained: enrollment at own unit
        k.Access(NorthEmployee, Stranger, "2026-03-02 10:00:00", unit: NorthUnit);     // unexplained: an anomaly
        k.Access(SouthEmployee, SouthSecret, "2026-03-02 11:00:00", unit: SouthUnit);  // the other unit's anomaly
        await k.RunAsync();
        var bus = app.Services.GetRequiredService<IMessageBus>();
        var north = await bus.InvokeAsync<Guid>(new FileSuspicion(NorthUnit, "Misstanke om läsning utan vårdrelation", NorthEmployee, null, NorthManager, ReviewId: Guid.NewGuid()));
        var south = await bus.InvokeAsync<Guid>(new FileSuspicion(SouthUnit, "Misstanke i Syd", SouthEmployee, null, SouthManager, ReviewId: Guid.NewGuid()));
        return new WebScenario { App = app, Clock = clock, NorthReview = north, SouthReview = south };
    }

    public async Task StopAsync() { await App.StopAsync(); await App.DisposeAsync(); }

    public async Task<IReadOnlyList<LogControl.Domain.Audit.PersonalDataViewed>> ViewsByAsync(string viewerUserId)
    {
        await using var session = Store.QuerySession();
        return await WebViews.ByViewerAsync(session, viewerUserId);
    }
}

/// <summary>A browser without a browser: a cookie jar, no automatic redirects, and forms posted with their antiforgery token.</summary>
public sealed class WebClient : IDisposable
{
    private static readonly Regex Token = new("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"");
    public HttpClient Http { get; }

    private WebClient(WebApplication app) =>
        Http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = AuthKit.BaseAddress(app) };

    public static WebClient Anonymous(WebApplication app) => new(app);

    /// <summary>Logs in through the login page, as a person would; fails the test unless the cookie is issued.</summary>
    public static async Task<WebClient> LoginAsync(WebApplication app, AuthKit.TestAccount account)
    {
        var client = new WebClient(app);
        var response = await client.PostFormAsync("/logga-in", null, new() { ["username"] = account.Username, ["password"] = account.Password });
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        return client;
    }

    /// <summary>GETs the page for its antiforgery token, then posts the form to its handler.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string page, string? handler, Dictionary<string, string> fields)
    {
        var html = await Http.GetStringAsync(page);
        var token = Token.Match(html);
        token.Success.ShouldBeTrue($"no antiforgery token on {page}");
        fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value);
        return await Http.PostAsync(handler == null ? page : $"{page}?handler={handler}", new FormUrlEncodedContent(fields));
    }

    public async Task<(HttpStatusCode Status, string Html)> GetAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public void Dispose() => Http.Dispose();
}
