using JasperFx;
using JasperFx.Events.Daemon;
using LogControl.Hosting.Marten;
using LogControl.Hosting.Observability;
using LogControl.Ingest.Pipeline;
using LogControl.Server.Security;
using LogControl.Server.Web;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Serilog;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace LogControl.Server;

/// <summary>
/// The host: Wolverine.Http endpoints over Marten, the web UI (Razor Pages, src/Server/Pages), and the async daemon running the projections.
/// Thin on purpose: configuration lives in Hosting (MartenSetup, LogSetup); slices bring their endpoints.
/// </summary>
public static class LogControlServer
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    public static WebApplication Build(string connectionString, string[]? args = null, string? urls = null, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args ?? [] });
        builder.Configuration.AddConfiguration(LogSetup.BuildConfiguration(args));
        builder.WebHost.UseUrls(urls ?? builder.Configuration["urls"] ?? DefaultUrls);
        builder.Services.AddSerilog((_, lc) => LogSetup.Configure(lc, builder.Configuration, "server"));

        var dataSource = MartenSetup.CreateDataSource(connectionString);
        builder.Services.AddMarten(_ =>
            {
                var opts = new StoreOptions();
                MartenSetup.Configure(opts, dataSource);
                return opts;
            })
            .IntegrateWithWolverine()
            // Solo: HotCold leader election needs the real Patched.DistributedLock package (see build/bridge).
            .AddAsyncDaemon(DaemonMode.Solo)
            .ApplyAllDatabaseChangesOnStartup();

        builder.Host.UseWolverine(opts =>
        {
            // The host's own assembly, whichever process (CLI, tests) starts it.
            opts.ApplicationAssembly = typeof(LogControlServer).Assembly;
            opts.UseRuntimeCompilation();
            opts.Discovery.IncludeAssembly(typeof(LogControlServer).Assembly);
            opts.Discovery.IncludeAssembly(typeof(LogControl.Workflow.WorkflowSetup).Assembly);
            opts.Include<LogControl.Workflow.Investigations.InvestigationsExtension>();
        });
        builder.Services.AddWolverineHttp();
        builder.Services.AddSingleton(sp => new IngestPipeline(sp.GetRequiredService<IDocumentStore>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>().CreateLogger("ingest")));
        builder.Services.TryAddSingleton<NodaTime.IClock>(NodaTime.SystemClock.Instance);
        builder.Services.AddHostedService<Detection.ReviewSweep>();
        builder.Services.AddHostedService<Detection.DaemonLease>();
        builder.Services.AddHostedService<Detection.AnomalyPublishing>();
        builder.Services.AddHostedService<Integrity.IntegrityCheckpointing>();
        // The API speaks NodaTime (ISO dates and instants) and enum names, like the event store's JSON.
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            NodaTime.Serialization.SystemTextJson.Extensions.ConfigureForNodaTime(o.SerializerOptions, NodaTime.DateTimeZoneProviders.Tzdb);
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<CommandRejectedHandler>();
        builder.AddLogControlSecurity();
        builder.Services.AddLogControlOpenApi();
        builder.AddLogControlWeb();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseLogControlWebBeforeRouting();
        // Explicit, after the status-code pages, so their re-execution is routed again.
        app.UseRouting();
        app.UseLogControlSecurity();
        app.MapGet("/health", () => Results.Ok(new { status = "ok" })).AllowAnonymous();
        app.MapLogControlOpenApi();
        app.MapRazorPages();
        app.MapWolverineEndpoints(opts =>
        {
            // A query value that does not parse is a client error (400), not silently the default.
            opts.RejectUnparseableQueryValues = true;
            SecuritySetup.ConfigureEndpoints(opts);
        });
        return app;
    }
}
