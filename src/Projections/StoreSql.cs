using Marten;
using Npgsql;

namespace LogControl.Projections;

/// <summary>Runs a read-only SQL query over the store's database and maps each row: the read models' query path.</summary>
public static class StoreSql
{
    public static async Task<List<T>> QueryAsync<T>(IDocumentStore store, string sql, Func<NpgsqlDataReader, T> map,
        CancellationToken ct, params object[] args)
    {
        await using var conn = store.Storage.Database.CreateConnection();
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<T>();
        while (await reader.ReadAsync(ct)) result.Add(map(reader));
        return result;
    }

    /// <summary>The highest event sequence number stored: "everything appended so far".</summary>
    public static async Task<long> HighWaterAsync(IDocumentStore store, CancellationToken ct) =>
        (await QueryAsync(store, $"select coalesce(max(seq_id), 0) from {store.Options.Events.DatabaseSchemaName}.mt_events",
            r => r.GetInt64(0), ct))[0];
}
