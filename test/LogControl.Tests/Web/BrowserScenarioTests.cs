using System.Text.RegularExpressions;
using LogControl.Tests.Support;
using LogControl.Workflow.Investigations;
using LogControl.Workflow.Reviews;
using LogControl.Workflow.Security;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NodaTime;
using Wolverine;

namespace LogControl.Tests.Web;

/// <summary>
/// The scenario in headless Chromium against the real host: a manager logs in, opens a review, asks the employee,
/// judges every item, escalates the unjustified one and signs off, and sees compliance change; internal audit opens the
/// same review's history; security staff see the case with its IMY deadline and the timeline chart. A screenshot of each
/// main page goes to artifacts/screenshots.
/// </summary>
public sealed class BrowserScenarioTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private WebScenario _s = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        (_playwright, _browser) = await Chromium.LaunchAsync();
        _s = await WebScenario.StartAsync(db.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _s.StopAsync();
    }

    /// <summary>A browser context with generous (bounded) timeouts: the full suite runs many hosts at once on a small CI machine.</summary>
    private async Task<IBrowserContext> ContextAsync(int width = 1280, int height = 900, bool tablet = false)
    {
        var context = await _browser.NewContextAsync(new()
            { ViewportSize = new() { Width = width, Height = height }, Locale = "sv-SE", IsMobile = tablet, HasTouch = tablet });
        context.SetDefaultTimeout(120_000);
        context.SetDefaultNavigationTimeout(120_000);
        return context;
    }

    private string Url(string path) => new Uri(AuthKit.BaseAddress(_s.App), path).ToString();

    private static Task ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Chromium.ScreenshotDir, name), FullPage = true });

    private async Task<IPage> LoginAsync(IBrowserContext context, AuthKit.TestAccount account, string? shot = null)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url("/"));
        await page.WaitForURLAsync(new Regex("/logga-in"));
        await page.GetByLabel("Användarnamn").FillAsync(account.Username);
        await page.GetByLabel("Lösenord").FillAsync(account.Password);
        if (shot != null) await ShotAsync(page, shot);
        await page.GetByRole(AriaRole.Button, new() { Name = "Logga in" }).ClickAsync();
        await page.WaitForURLAsync(Url("/"));
        // Keyboard first: the first Tab reaches the skip link, and it is visible when focused.
        await page.Keyboard.PressAsync("Tab");
        (await page.EvaluateAsync<string>("document.activeElement.textContent")).ShouldBe("Hoppa till innehållet");
        (await page.Locator("a.skip").IsVisibleAsync()).ShouldBeTrue();
        return page;
    }

    private static async Task<int> OpenImmediateAsync(IPage page, string unit) =>
        int.Parse((await page.Locator($"#compliance tr[data-unit='{unit}'] td").Nth(3).InnerTextAsync()).Trim());

    [Fact]
    public async Task a_manager_reviews_and_signs_off_in_the_browser_and_internal_audit_reads_the_history()
    {
        var store = _s.Store;
        var manager = await AuthKit.CreateAccountAsync(store, [Roles.UnitManager], [WebScenario.NorthUnit], WebScenario.NorthManager, "Karin Ek");
        var auditor = await AuthKit.CreateAccountAsync(store, [Roles.Auditor], null, "REV-1", "Rut Revisor");
        var security = await AuthKit.CreateAccountAsync(store, [Roles.Security], null, "SEC-1", "Sune Säker");
        var employee = await AuthKit.CreateAccountAsync(store, [Roles.Employee], null, WebScenario.NorthEmployee, "Eva Ek");

        await using var laptop = await ContextAsync();
        var page = await LoginAsync(laptop, manager, "01-logga-in.png");
        (await page.Locator("h1").InnerTextAsync()).ShouldBe("Välkommen, Karin Ek");
        await ShotAsync(page, "02-start-enhetschef.png");

        await page.GotoAsync(Url("/efterlevnad"));
        var before = await OpenImmediateAsync(page, WebScenario.NorthUnit);
        before.ShouldBe(1);

        await page.GetByRole(AriaRole.Link, new() { Name = "Mina granskningar" }).ClickAsync();
        await page.WaitForURLAsync(Url("/granskningar"));
        (await page.Locator("#h-immediate").InnerTextAsync()).ShouldContain("(1)");
        (await page.ContentAsync()).ShouldNotContain(WebScenario.SouthUnit);
        await ShotAsync(page, "03-mina-granskningar.png");

        await page.Locator($"a[href='/granskningar/{_s.NorthReview}']").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Påbörja granskningen" }).ClickAsync();
        await page.Locator("#h-items").WaitForAsync();

        Review review;
        await using (var session = store.QuerySession()) review = (await session.LoadAsync<Review>(_s.NorthReview))!;
        var anomaly = review.ItemOrder.Single(i => review.Items[i].Item.Kind == ItemKind.Anomaly && review.Items[i].Item.ClientId == WebScenario.Stranger);
        var n = review.ItemOrder.IndexOf(anomaly) + 1;
        var item = page.Locator($"#post-{n}");
        (await item.InnerTextAsync()).ShouldContain("Ingen vårdrelation förklarar åtkomsten");

        // A refusal is shown in Swedish next to the form; the error is announced (role=alert).
        await item.GetByLabel("Motiverad", new() { Exact = true }).CheckAsync();
        await item.GetByRole(AriaRole.Button, new() { Name = "Spara bedömning" }).ClickAsync();
        var error = page.Locator($"#post-{n} [role=alert]");
        (await error.InnerTextAsync()).ShouldBe("Välj en kategori för varför åtkomsten var motiverad.");
        await ShotAsync(page, "05-fel-visas-vid-formularet.png");

        // Ask the employee, who answers on their own page (Mina frågor).
        item = page.Locator($"#post-{n}");
        await item.GetByLabel($"Fråga till {WebScenario.NorthEmployee}").FillAsync("Varför öppnade du journalen den 2 mars?");
        await item.GetByRole(AriaRole.Button, new() { Name = "Fråga medarbetaren" }).ClickAsync();
        (await page.Locator("[role=status]").InnerTextAsync()).ShouldBe("Frågan är skickad till medarbetaren.");
        await using (var employeeContext = await ContextAsync())
        {
            var e = await LoginAsync(employeeContext, employee);
            await e.GetByRole(AriaRole.Link, new() { Name = "Svara på frågorna" }).ClickAsync();
            (await e.Locator(".qa").InnerTextAsync()).ShouldBe("Varför öppnade du journalen den 2 mars?");
            await e.GetByLabel("Din förklaring").FillAsync("Jag sökte fel brukare.");
            await ShotAsync(e, "05b-mina-fragor-medarbetare.png");
            await e.GetByRole(AriaRole.Button, new() { Name = "Skicka svar" }).ClickAsync();
            (await e.Locator("[role=status]").InnerTextAsync()).ShouldBe("Ditt svar är skickat till din chef.");
            (await e.Locator(".empty").InnerTextAsync()).ShouldBe("Du har inga obesvarade frågor.");
        }
        await page.ReloadAsync();
        item = page.Locator($"#post-{n}");
        (await item.InnerTextAsync()).ShouldContain("Jag sökte fel brukare.");

        await item.GetByLabel("Ej motiverad", new() { Exact = true }).CheckAsync();
        await item.GetByLabel("Anteckning (krävs om ej motiverad)").FillAsync("Ingen vårdrelation till brukaren.");
        await item.GetByRole(AriaRole.Button, new() { Name = "Spara bedömning" }).ClickAsync();
        item = page.Locator($"#post-{n}");
        await item.GetByRole(AriaRole.Button, new() { Name = "Eskalera till informationssäkerhet" }).ClickAsync();
        (await page.Locator("[role=status]").InnerTextAsync()).ShouldBe("Posten är eskalerad till informationssäkerhet.");

        foreach (var other in review.ItemOrder.Where(i => i != anomaly))
        {
            var o = page.Locator($"#post-{review.ItemOrder.IndexOf(other) + 1}");
            await o.GetByLabel("Motiverad", new() { Exact = true }).CheckAsync();
            await o.GetByLabel("Kategori (om motiverad)").SelectOptionAsync(new SelectOptionValue { Label = "Vård och omsorg" });
            await o.GetByRole(AriaRole.Button, new() { Name = "Spara bedömning" }).ClickAsync();
            (await page.Locator("[role=status]").InnerTextAsync()).ShouldBe("Bedömningen är sparad.");
        }
        await page.Locator("#signering").ScrollIntoViewIfNeededAsync();
        (await page.Locator("#signering").InnerTextAsync()).ShouldContain("Ej motiverade och eskalerade\t1");
        await ShotAsync(page, "04-granskning-med-underlag.png");

        await page.GetByLabel("Jag har granskat posterna ovan och intygar sammanställningen").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Signera granskningen" }).ClickAsync();
        (await page.Locator("#review-status").InnerTextAsync()).ShouldBe("Signerad");
        (await page.Locator("#signed-by").InnerTextAsync()).ShouldContain(WebScenario.NorthManager);
        await ShotAsync(page, "06-signerad.png");

        // Compliance changed: the unit's open immediate review is done.
        await page.GetByRole(AriaRole.Link, new() { Name = "Efterlevnad" }).ClickAsync();
        (await OpenImmediateAsync(page, WebScenario.NorthUnit)).ShouldBe(before - 1);
        await ShotAsync(page, "07-efterlevnad.png");

        // The same review on a tablet.
        await using (var tablet = await ContextAsync(768, 1024, tablet: true))
        {
            var t = await LoginAsync(tablet, manager);
            await t.GotoAsync(Url($"/granskningar/{_s.NorthReview}"));
            (await t.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth + 1")).ShouldBeTrue("no sideways scrolling on a tablet");
            await t.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotDir, "11-granskning-surfplatta.png") });
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Logga ut" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/logga-in"));

        // Internal audit: the same review's history, in order, with who and when.
        await using var auditContext = await ContextAsync();
        var audit = await LoginAsync(auditContext, auditor);
        await ShotAsync(audit, "08-start-internrevision.png");
        await audit.GotoAsync(Url($"/granskningar/{_s.NorthReview}/historik"));
        var rows = await audit.Locator("#history tbody tr").AllInnerTextsAsync();
        rows[0].ShouldContain("Misstanke anmäld");
        rows.ShouldContain(r => r.Contains("Medarbetaren svarade") && r.Contains(WebScenario.NorthEmployee));
        rows[^1].ShouldContain("Signerad");
        rows[^1].ShouldContain(WebScenario.NorthManager);
        await ShotAsync(audit, "09-historik.png");
        await audit.GotoAsync(Url("/integritet"));
        (await audit.Locator("#integrity-status").GetAttributeAsync("data-integrity")).ShouldBe("status");
        await audit.GetByRole(AriaRole.Button, new() { Name = "Verifiera hela historiken nu" }).ClickAsync();
        (await audit.Locator("#integrity-status").GetAttributeAsync("data-integrity")).ShouldBe("verified");
        await ShotAsync(audit, "13-integritet.png");

        // Security staff: the escalation became a case (through the outbox); a confirmed breach shows its 72-hour deadline.
        Investigation? opened = null;
        for (var i = 0; i < 240 && opened == null; i++)
        {
            await using var session = store.QuerySession();
            opened = await InvestigationQueries.OpenForUserAsync(session, WebScenario.NorthEmployee, CancellationToken.None);
            if (opened == null) await Task.Delay(500);
        }
        opened.ShouldNotBeNull("the escalation reaches security staff as an investigation");
        var now = _s.Clock.Now;
        await _s.App.Services.GetRequiredService<IMessageBus>().InvokeAsync(
            new ConfirmBreach(opened.Id, now - Duration.FromHours(60), "Journal läst utan vårdrelation", security.UserId, now));
        await using var securityContext = await ContextAsync();
        var sec = await LoginAsync(securityContext, security);
        await sec.GetByRole(AriaRole.Link, new() { Name = "Utredningar" }).First.ClickAsync();
        (await sec.Locator("#breaches").InnerTextAsync()).ShouldContain("12 timmar kvar");
        (await sec.Locator("#breaches tr.late").CountAsync()).ShouldBe(1, "under 24 hours left is highlighted");
        await ShotAsync(sec, "10-utredningar-imy-frist.png");
        await sec.Locator($"#breaches a[href='/utredningar/{opened.Id}']").ClickAsync();
        var chart = sec.Locator("figure.chart img");
        (await chart.GetAttributeAsync("alt"))!.ShouldStartWith("Diagram: 1 åtkomst till 1 brukare");
        (await chart.EvaluateAsync<int>("img => img.naturalWidth")).ShouldBeGreaterThan(0, "the SVG chart renders");
        await ShotAsync(sec, "12-utredning-tidslinje.png");
        await sec.GotoAsync(Url($"/anvandare/{WebScenario.NorthEmployee}/tidslinje"));
        (await sec.Locator("figure.chart img").GetAttributeAsync("alt"))!.ShouldStartWith("Diagram: 2 åtkomster till 2 brukare");
        await ShotAsync(sec, "14-anvandarens-tidslinje.png");
    }
}
