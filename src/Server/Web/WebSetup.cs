using LogControl.Hosting.Database;
using LogControl.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;

namespace LogControl.Server.Web;

/// <summary>The web UI's share of the host: Razor Pages from this assembly, its embedded assets, Swedish error pages.</summary>
public static class WebSetup
{
    public const string AssetsPath = "/assets";

    public static void AddLogControlWeb(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorPages(o =>
            {
                // Pages need a signed-in user (the host's fallback policy); the login and error pages opt out themselves.
                o.Conventions.AllowAnonymousToPage("/Account/Login");
                o.Conventions.AllowAnonymousToPage("/Error");
            })
            // The host runs inside the CLI or the test process, so the pages' assembly is named explicitly.
            .AddApplicationPart(typeof(LogControlServer).Assembly);
        // Swedish letters as they are in the HTML (å, not &#xE5;): readable source, smaller pages; still HTML-encoded where it matters.
        builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        // Cookies survive a restart of `logctl serve`: the key ring lives with the checkout's other secrets.
        builder.Services.AddDataProtection()
            .SetApplicationName("LogControl")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(LogControlPaths.DataDir, "dataprotection-keys")));
    }

    public static void UseLogControlWebBeforeRouting(this WebApplication app)
    {
        // A browser gets a Swedish page for 403/404 and the like; the API keeps its problem details.
        app.UseWhen(c => !SecuritySetup.IsApiRequest(c), b =>
        {
            b.UseExceptionHandler("/fel/500"); // a page that fails shows a Swedish page, not problem details JSON
            b.UseStatusCodePagesWithReExecute("/fel/{0}");
        });
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = AssetsPath,
            FileProvider = new EmbeddedFileProvider(typeof(WebSetup).Assembly, "LogControl.Server.wwwroot"),
        });
    }
}
