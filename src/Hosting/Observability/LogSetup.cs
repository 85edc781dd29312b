using LogControl.Hosting.Database;
using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Events;

namespace LogControl.Hosting.Observability;

/// <summary>
/// Serilog for every host: structured events to the console and a rolling file by default, and to Seq
/// when Seq:ServerUrl is configured (Seq:ApiKey optional). Levels can be overridden under "Serilog".
/// </summary>
public static class LogSetup
{
    public static IConfiguration BuildConfiguration(string[]? args = null) =>
        new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(LogControlPaths.RepoRoot, "logcontrol.json"), optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args ?? [])
            .Build();

    /// <param name="consoleLevel">The CLI keeps stdout for results and sends only warnings to the console (stderr).</param>
    public static LoggerConfiguration Configure(LoggerConfiguration lc, IConfiguration config, string application,
        LogEventLevel consoleLevel = LogEventLevel.Information, bool consoleToStderr = false)
    {
        var logDir = config["Logging:Directory"] ?? Path.Combine(LogControlPaths.DataDir, "logs");
        lc.MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Marten", LogEventLevel.Warning)
            .MinimumLevel.Override("Wolverine", LogEventLevel.Warning)
            .MinimumLevel.Override("JasperFx", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("Application", application)
            .WriteTo.Console(restrictedToMinimumLevel: consoleLevel,
                standardErrorFromLevel: consoleToStderr ? LogEventLevel.Verbose : null,
                outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}")
            .WriteTo.File(Path.Combine(logDir, $"{application}-.log"),
                rollingInterval: RollingInterval.Day, retainedFileCountLimit: 31,
                outputTemplate: "{Timestamp:o} [{Level:u3}] {SourceContext} {Message:lj} {Properties:j}{NewLine}{Exception}");

        if (config["Seq:ServerUrl"] is { Length: > 0 } seqUrl)
            lc.WriteTo.Seq(seqUrl, apiKey: config["Seq:ApiKey"], period: TimeSpan.FromMilliseconds(500));

        lc.ReadFrom.Configuration(config);
        return lc;
    }
}
