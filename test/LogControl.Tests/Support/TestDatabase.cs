using LogControl.Hosting.Database;
using LogControl.Hosting.Marten;
using Marten;
using Npgsql;

namespace LogControl.Tests.Support;

/// <summary>
/// A fresh PostgreSQL database for one test class, on the embedded cluster (started on demand, the
/// same mechanism as `logctl db start`) or on the server named by LOGCONTROL_DB. Each class gets its
/// own database, so classes run in parallel without touching each other's data. Dropped afterwards.
/// </summary>
public sealed class TestDatabase : IAsyncLifetime
{
    private static readonly SemaphoreSlim ServerGate = new(1, 1);
    private static string? _serverConnectionString;

    public string Name { get; } = $"lct_{Guid.NewGuid():N}"[..20];
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var server = await ServerAsync();
        await using (var conn = new NpgsqlConnection(WithDatabase(server, "postgres")))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"create database \"{Name}\"", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        ConnectionString = WithDatabase(server, Name);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await using var conn = new NpgsqlConnection(WithDatabase(await ServerAsync(), "postgres"));
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"drop database if exists \"{Name}\" with (force)", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        catch (Exception)
        {
            // Best effort: a leftover test database is harmless and removed with the cluster.
        }
    }

    /// <summary>A document store on this database with the project's one configuration.</summary>
    public DocumentStore CreateStore(bool withAsyncProjections = false) => MartenSetup.CreateStore(ConnectionString, withAsyncProjections);

    private static async Task<string> ServerAsync()
    {
        await ServerGate.WaitAsync();
        try
        {
            return _serverConnectionString ??= DatabaseSelection.Explicit(null) ?? await new EmbeddedPostgres().StartAsync();
        }
        finally
        {
            ServerGate.Release();
        }
    }

    private static string WithDatabase(string cs, string db) =>
        new NpgsqlConnectionStringBuilder(cs) { Database = db, MaxPoolSize = 20 }.ConnectionString;
}
