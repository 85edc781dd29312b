using LogControl.Projections.Detection;
using Marten;
using JasperFx.Events.Daemon;
using Marten.Events;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using Npgsql;

namespace LogControl.Hosting.Detection;

/// <summary>
/// Brings detection up to date with everything appended before the call, then publishes anomaly changes.
/// One process runs the daemon at a time: whoever holds the daemon lock (the server, or a CLI verb) does
/// the work, and everyone else waits for its progress. The store must be built with async projections.
/// </summary>
public static class DetectionRunner
{
    public const long DaemonLockKey = 0x4C43_4441_454D; // "LCDAEM"

    public static async Task<long> ProgressAsync(IDocumentStore store, CancellationToken ct)
    {
        var rows = await Projections.StoreSql.QueryAsync(store,
            $"select coalesce(max(last_seq_id), 0) from {store.Options.Events.DatabaseSchemaName}.mt_event_progression where name like '{DetectionProjection.Name}:%'",
            r => r.GetInt64(0), ct);
        return rows[0];
    }

    /// <summary>Waits until detection has judged every event up to the high-water mark at the time of the call.</summary>
    public static async Task CatchUpAsync(IDocumentStore store, ILogger? logger, CancellationToken ct, IProgress<(long Done, long Target)>? progress = null)
    {
        logger ??= NullLogger.Instance;
        var target = await Projections.StoreSql.HighWaterAsync(store, ct);
        await using var lockConn = store.Storage.Database.CreateConnection();
        await lockConn.OpenAsync(ct);
        bool owner;
        await using (var take = new NpgsqlCommand($"select pg_try_advisory_lock({DaemonLockKey})", lockConn))
            owner = (bool)(await take.ExecuteScalarAsync(ct))!;

        IProjectionDaemon? daemon = null;
        try
        {
            if (owner)
            {
                daemon = await store.BuildProjectionDaemonAsync(logger: logger);
                await daemon.StartAllAsync();
            }
            else logger.LogInformation("Another process runs detection; waiting for it to reach event {Target}", target);

            var last = -1L;
            var stalledSince = DateTime.UtcNow;
            while (true)
            {
                var done = await ProgressAsync(store, ct);
                progress?.Report((done, target));
                if (done >= target) break;
                if (done != last) { last = done; stalledSince = DateTime.UtcNow; }
                else if (DateTime.UtcNow - stalledSince > TimeSpan.FromMinutes(2))
                    throw new TimeoutException($"detection made no progress for 2 minutes (at event {done} of {target}); the daemon's errors are in the log (.data/logs)");
                await Task.Delay(100, ct);
            }
        }
        finally
        {
            if (daemon != null) { await daemon.StopAllAsync(); daemon.Dispose(); }
            if (owner)
            {
                await using var release = new NpgsqlCommand($"select pg_advisory_unlock({DaemonLockKey})", lockConn);
                await release.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }

        var published = await new AnomalyPublisher(store, SystemClock.Instance).PublishAsync(ct);
        if (published.Total > 0)
            logger.LogInformation("Published anomaly changes: {Detected} detected, {Changed} changed, {Retracted} retracted",
                published.Detected, published.Changed, published.Retracted);
    }
}
