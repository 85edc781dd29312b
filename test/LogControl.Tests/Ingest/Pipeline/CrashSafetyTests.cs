using System.Diagnostics;
using LogControl.Cli.Generation;
using LogControl.Tests.Support;
using Marten;
using static LogControl.Tests.Support.IngestTestKit;

namespace LogControl.Tests.Ingest.Pipeline;

/// <summary>
/// An ingest killed with SIGKILL midway and run again leaves exactly what one clean run leaves:
/// no lost rows, no duplicates, no doubled quarantine entries. Batches are single transactions and
/// event ids are derived from source identities, so a rerun finds what committed and adds the rest.
/// </summary>
public sealed class CrashSafetyTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task killed_ingest_rerun_equals_one_clean_run()
    {
        var dir = TempDir();
        const int rows = 300_000;
        var generated = new AccessLogGenerator(seed: 7).Write(dir, rows, badFraction: 0.001);

        await using var store = db.CreateStore();
        var pipeline = new LogControl.Ingest.Pipeline.IngestPipeline(store);
        await pipeline.EnsureSchemaAsync();

        // 1. Start the real CLI in a child process and kill it hard once some batches have committed.
        using (var child = StartCli(db.ConnectionString, generated.CsvPath))
        {
            var sw = Stopwatch.StartNew();
            long seen = 0;
            while (sw.Elapsed < TimeSpan.FromMinutes(3) && !child.HasExited)
            {
                seen = await EventsOfType(store, "access_recorded");
                if (seen >= 20_000) break;
                await Task.Delay(20);
            }
            child.HasExited.ShouldBeFalse("the ingest finished before it could be killed; use a bigger file");
            child.Kill(entireProcessTree: true); // SIGKILL on Linux: no cleanup code runs
            await child.WaitForExitAsync();
        }
        var afterKill = await EventsOfType(store, "access_recorded");
        afterKill.ShouldBeGreaterThan(0);
        afterKill.ShouldBeLessThan(rows);

        // 2. Run the same ingest again to the end.
        using (var rerun = StartCli(db.ConnectionString, generated.CsvPath))
        {
            await rerun.WaitForExitAsync();
            rerun.ExitCode.ShouldBe(0, await rerun.StandardError.ReadToEndAsync());
        }

        // 3. A clean run of the same file in a fresh database.
        var clean = new TestDatabase();
        await clean.InitializeAsync();
        try
        {
            await using var cleanStore = clean.CreateStore();
            await IngestAsync(cleanStore, generated.CsvPath);

            (await Fingerprint(store)).ShouldBe(await Fingerprint(cleanStore));
            (await QuarantineFingerprint(store)).ShouldBe(await QuarantineFingerprint(cleanStore));
        }
        finally
        {
            await clean.DisposeAsync();
        }
    }

    /// <summary>Every accepted event, by id and full content (batch headers differ by design: batch boundaries).</summary>
    private static async Task<string> Fingerprint(IDocumentStore store) =>
        $"{await CountAsync(store, "select count(*) from lc.mt_events where type not in ('ingest_batch_recorded','row_quarantined')")}:" +
        await Scalar(store, "select md5(string_agg(id::text || data::text || coalesce(encode(bdata, 'hex'), ''), ',' order by id)) from lc.mt_events where type not in ('ingest_batch_recorded','row_quarantined')");

    /// <summary>Quarantined rows by id (derived from file, line, reason and raw); their timestamps differ between runs.</summary>
    private static async Task<string> QuarantineFingerprint(IDocumentStore store) =>
        $"{await CountAsync(store, "select count(*) from lc.mt_events where type = 'row_quarantined'")}:" +
        await Scalar(store, "select md5(string_agg(id::text, ',' order by id)) from lc.mt_events where type = 'row_quarantined'");

    private static async Task<string> Scalar(IDocumentStore store, string sql)
    {
        await using var conn = store.Storage.Database.CreateConnection();
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
        return (await cmd.ExecuteScalarAsync())?.ToString() ?? "";
    }

    private static Process StartCli(string connectionString, string file) =>
        StartLogCtl("ingest", file, "--db", connectionString, "--no-progress", "--batch-size", "5000");
}
