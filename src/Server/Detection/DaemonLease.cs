using LogControl.Hosting.Detection;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LogControl.Server.Detection;

/// <summary>
/// Tells other processes that this server runs the async daemon (DetectionRunner.DaemonLockKey), so a CLI
/// verb waits for its progress instead of starting a second daemon on the same projection.
/// </summary>
public sealed class DaemonLease(IDocumentStore store, ILogger<DaemonLease> logger) : IHostedService, IAsyncDisposable
{
    private NpgsqlConnection? _conn;

    public async Task StartAsync(CancellationToken ct)
    {
        _conn = store.Storage.Database.CreateConnection();
        await _conn.OpenAsync(ct);
        await using var take = new NpgsqlCommand($"select pg_try_advisory_lock({DetectionRunner.DaemonLockKey})", _conn);
        if (!(bool)(await take.ExecuteScalarAsync(ct))!)
            logger.LogWarning("Another process holds the detection daemon lock; this server's daemon runs beside it (Solo mode)");
    }

    public async Task StopAsync(CancellationToken ct) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_conn != null) await _conn.DisposeAsync(); // closing the session releases the lock
        _conn = null;
    }
}
