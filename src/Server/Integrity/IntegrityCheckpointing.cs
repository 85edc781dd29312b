using LogControl.Hosting.Integrity;
using LogControl.Integrity;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace LogControl.Server.Integrity;

/// <summary>
/// Extends the tamper evidence over new events and signs a checkpoint every Integrity:CheckpointIntervalSeconds
/// (30 s by default), in the database and the external log. Several servers may run it: the extension takes
/// an advisory lock, so one signs and the others find nothing new.
/// </summary>
public sealed class IntegrityCheckpointing(IDocumentStore store, IConfiguration config, ILoggerFactory loggers) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = IntegritySettings.From(config);
        var log = loggers.CreateLogger<IntegrityCheckpointing>();
        if (string.Equals(config["Integrity:Checkpointing"], "false", StringComparison.OrdinalIgnoreCase)) return;
        using var signer = CheckpointSigner.LoadOrCreate(settings.SigningKeyFile,
            path => log.LogInformation("Created the checkpoint signing key {Path} (mode 600)", path));
        var integrity = new IntegrityLog(store, signer, settings.ExternalLogFor(store), SystemClock.Instance, loggers.CreateLogger<IntegrityLog>());
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await integrity.ExtendAsync(stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception ex) { log.LogError(ex, "Integrity checkpoint failed; next try in {Interval}", settings.CheckpointInterval); }
            try { await Task.Delay(settings.CheckpointInterval, stoppingToken); } catch (OperationCanceledException) { return; }
        }
    }
}
