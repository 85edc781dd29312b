using Npgsql;

namespace LogControl.Ingest.Storage;

/// <summary>
/// Sets columns to STORAGE EXTERNAL (out of line, never compressed), once per database and process. For columns of
/// hashes, which do not compress: pglz trying anyway on every row written costs more than the rest of the write.
/// PostgreSQL 15 cannot say so in CREATE TABLE, and Weasel does not model it.
/// </summary>
public static class UncompressedStorage
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Done = new();

    public static async Task EnsureAsync(NpgsqlConnection conn, string schema, string table, string[] columns, CancellationToken ct)
    {
        var key = $"{conn.DataSource}|{conn.Database}|{schema}.{table}";
        if (Done.ContainsKey(key)) return;
        await using (var check = new NpgsqlCommand(
            "select count(*) from pg_attribute where attrelid = to_regclass($1) and attname = any($2) and attstorage <> 'e'", conn))
        {
            check.Parameters.AddWithValue($"{schema}.{table}");
            check.Parameters.AddWithValue(columns);
            if ((long)(await check.ExecuteScalarAsync(ct))! > 0)
            {
                await using var alter = new NpgsqlCommand(
                    $"alter table {schema}.{table} " + string.Join(", ", columns.Select(c => $"alter column {c} set storage external")), conn);
                await alter.ExecuteNonQueryAsync(ct);
            }
        }
        Done[key] = true;
    }
}
