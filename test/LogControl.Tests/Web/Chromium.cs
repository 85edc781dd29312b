using Microsoft.Playwright;

namespace LogControl.Tests.Web;

/// <summary>
/// Debian's chromium, driven by Playwright's bundled driver (node ships in the NuGet package, so nothing is downloaded).
/// The browser is found at LOGCONTROL_CHROMIUM or /usr/bin/chromium; when it is absent the browser tests fail with
/// the command that installs it (.ci/run installs it), never skip.
/// </summary>
public static class Chromium
{
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("LOGCONTROL_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"Chromium was not found at {ExecutablePath}: the browser tests need Debian's chromium " +
                "(apt-get install -y chromium, as .ci/run does) or LOGCONTROL_CHROMIUM pointing at a Chromium binary.");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // As root in a container, chromium's sandbox cannot start.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
        return (playwright, browser);
    }

    /// <summary>Screenshots are test artifacts: &lt;repo&gt;/artifacts/screenshots (git-ignored; docs/screenshots holds a committed copy).</summary>
    public static string ScreenshotDir
    {
        get
        {
            var dir = Path.Combine(Support.SharedPaths.RepoRoot, "artifacts", "screenshots");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }
}
