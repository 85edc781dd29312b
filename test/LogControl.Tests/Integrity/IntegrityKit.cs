using LogControl.Hosting.Integrity;
using LogControl.Integrity;
using LogControl.Tests.Support;
using Marten;
using NodaTime;
using Npgsql;

namespace LogControl.Tests.Integrity;

/// <summary>
/// A database with ingested history (JSON and binary events, with sequence gaps as real rollbacks leave them),
/// a signing key and an external checkpoint folder of its own.
/// </summary>
public sealed class IntegrityKit : IAsyncDisposable
{
    public TestDatabase Database { get; } = new();
    public DocumentStore Store { get; private set; } = null!;
    public string Dir { get; } = IngestTestKit.TempDir();
    public string KeyFile => Path.Combine(Dir, "signing.key");
    public string CheckpointDir => Path.Combine(Dir, "checkpoints");
    public CheckpointSigner Signer { get; private set; } = null!;
    public ExternalCheckpointLog External => new(CheckpointDir);

    public static async Task<IntegrityKit> CreateAsync(int rows = 300)
    {
        var kit = new IntegrityKit();
        await kit.Database.InitializeAsync();
        kit.Store = kit.Database.CreateStore();
        await kit.Store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        kit.Signer = CheckpointSigner.LoadOrCreate(kit.KeyFile);
        await kit.IngestAsync(0, rows);
        // Numbers drawn and never used, as a rolled-back batch leaves them.
        await kit.SqlAsync("select nextval('lc.mt_events_sequence') from generate_series(1, 5)");
        await kit.IngestAsync(rows, rows);
        return kit;
    }

    public async Task IngestAsync(int from, int count)
    {
        var path = IngestTestKit.WriteCsv(Dir, $"log-{from}.csv", Enumerable.Range(from, count).Select(n => IngestTestKit.Row(n)));
        await IngestTestKit.IngestAsync(Store, path);
    }

    public Task<IntegrityLog.Extension> CheckpointAsync(IClock? clock = null) =>
        new IntegrityLog(Store, Signer, External, clock ?? SystemClock.Instance).ExtendAsync(CancellationToken.None);

    public Task<VerifyReport> VerifyAsync() => new IntegrityVerifier(Store, Signer.PublicKey, External).VerifyAsync(CancellationToken.None);

    public async Task SqlAsync(string sql)
    {
        await using var conn = Store.Storage.Database.CreateConnection();
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    public Task<long> ScalarAsync(string sql) => IngestTestKit.CountAsync(Store, sql);

    /// <summary>A sequence number inside the checkpointed range that no event uses (one of the gaps).</summary>
    public Task<long> GapAsync() => ScalarAsync(
        "select min(s) from generate_series(1, (select max(seq_id) from lc.mt_events)) s where not exists (select 1 from lc.mt_events where seq_id = s)");

    public async ValueTask DisposeAsync()
    {
        Signer.Dispose();
        await Store.DisposeAsync();
        await Database.DisposeAsync();
    }
}
