using LogControl.Integrity;
using Marten;
using Npgsql;

namespace LogControl.Hosting.Integrity;

/// <summary>What the auditor's overview shows: the latest signed checkpoint and how much is stored after it. Cheap; verify is the full check.</summary>
public sealed record IntegrityStatus(Checkpoint? Latest, int Checkpoints, long StoredEvents, long NotYetCovered)
{
    public static async Task<IntegrityStatus> ReadAsync(IDocumentStore store, CancellationToken ct)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var conn = store.Storage.Database.CreateConnection();
        await conn.OpenAsync(ct);
        var all = await CheckpointQueries.LoadAsync(conn, schema, 0, ct);
        var latest = all.Count > 0 ? all[^1] : null;
        var archive = await EventLeafSource.ArchiveExistsAsync(conn, schema, ct);
        await using var cmd = new NpgsqlCommand(
            $"select (select count(*) from {schema}.mt_events) + {(archive ? $"(select count(*) from {schema}.{IntegrityTables.Archive})" : "0")}, " +
            $"(select count(*) from {schema}.mt_events where seq_id > $1)", conn);
        cmd.Parameters.AddWithValue(latest?.LastSeq ?? 0);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new IntegrityStatus(latest, all.Count, r.GetInt64(0), r.GetInt64(1));
    }
}
