using LogControl.Projections.Detection;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;
using Npgsql;

namespace LogControl.Server.Detection;

/// <summary>
/// Publishes anomaly changes as events soon after the daemon stores them: it listens for the detection
/// projection's notification and also sweeps every few seconds (a notification can be missed on reconnect).
/// </summary>
public sealed class AnomalyPublishing(IDocumentStore store, ILogger<AnomalyPublishing> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var publisher = new AnomalyPublisher(store, SystemClock.Instance);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var conn = store.Storage.Database.CreateConnection();
                await conn.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand("listen lc_anomalies", conn)) await listen.ExecuteNonQueryAsync(stoppingToken);
                while (!stoppingToken.IsCancellationRequested)
                {
                    var result = await publisher.PublishAsync(stoppingToken);
                    if (result.Total > 0)
                        logger.LogInformation("Published anomaly changes: {Detected} detected, {Changed} changed, {Retracted} retracted",
                            result.Detected, result.Changed, result.Retracted);
                    await conn.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Publishing anomaly changes failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken).ContinueWith(_ => { });
            }
        }
    }
}
