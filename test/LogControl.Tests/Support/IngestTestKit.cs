using System.Text;
using LogControl.Ingest.Pipeline;
using Marten;
using Npgsql;

namespace LogControl.Tests.Support;

/// <summary>Small helpers for writing inputs and reading the event store back in ingest tests.</summary>
public static class IngestTestKit
{
    public const string Header = "event_id;timestamp;system;user_id;user_name;user_role;unit_id;client_id;action;purpose;terminal";

    /// <summary>Starts the real CLI (logctl.dll from the test output) as a child process with redirected output.</summary>
    public static System.Diagnostics.Process StartLogCtl(params string[] args) => StartLogCtl(redirectInput: false, args);

    /// <param name="redirectInput">True to write to its standard input (e.g. --password-stdin).</param>
    public static System.Diagnostics.Process StartLogCtl(bool redirectInput, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet")
            { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = redirectInput, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "logctl.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["LOGCONTROL_HOME"] = SharedPaths.RepoRoot;
        return System.Diagnostics.Process.Start(psi)!;
    }

    /// <summary>Runs the real CLI to its end: exit code, standard output and standard error.</summary>
    public static async Task<(int Code, string Out, string Err)> RunLogCtlAsync(params string[] args)
    {
        using var p = StartLogCtl(args);
        return await CollectAsync(p);
    }

    /// <summary>Waits for a started CLI, first writing <paramref name="stdin"/> to it when given.</summary>
    public static async Task<(int Code, string Out, string Err)> CollectAsync(System.Diagnostics.Process p, string? stdin = null)
    {
        if (stdin != null)
        {
            await p.StandardInput.WriteLineAsync(stdin);
            p.StandardInput.Close();
        }
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary>Output as non-empty lines, without carriage returns.</summary>
    public static string[] Lines(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "logcontrol-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static string WriteCsv(string dir, string name, IEnumerable<string> rows, string header = Header)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, header + "\n" + string.Join("\n", rows) + "\n", new UTF8Encoding(false));
        return path;
    }

    /// <summary>A valid row: event id LC-{n}, a fixed valid personnummer, read/care.</summary>
    public static string Row(int n, string system = "Lifecare", string user = "SE2321000032-U1001", string client = "19121212-1212",
        string timestamp = "2026-03-02 07:41:12", string action = "read", string purpose = "care") =>
        $"LC-{n:D7};{timestamp};{system};{user};Åsa Öberg;underskoterska;HT-NORR;{client};{action};{purpose};ws-norr-03";

    public static async Task<long> CountAsync(IDocumentStore store, string sql)
    {
        await using var conn = store.Storage.Database.CreateConnection();
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    /// <summary>
    /// Access events as Marten reads them back (through the binary codec): Marten's LINQ cannot look
    /// inside binary payloads, so tests filter in memory; test databases are small.
    /// </summary>
    public static async Task<List<LogControl.Domain.Access.AccessRecorded>> AccessEventsAsync(IDocumentStore store, string? system = null)
    {
        await using var session = store.QuerySession();
        var events = await Marten.QueryableExtensions.ToListAsync(
            session.Events.QueryAllRawEvents().Where(e => e.EventTypeName == "access_recorded"));
        return events.Select(e => (LogControl.Domain.Access.AccessRecorded)e.Data)
            .Where(a => system == null || a.System == system).ToList();
    }

    public static Task<long> EventsOfType(IDocumentStore store, string type) =>
        CountAsync(store, $"select count(*) from lc.mt_events where type = '{type}'");

    public static async Task<IngestTotals> IngestAsync(IDocumentStore store, params string[] paths)
    {
        var pipeline = new IngestPipeline(store, options: new IngestOptions { BatchSize = 1000 });
        await pipeline.EnsureSchemaAsync();
        return await pipeline.IngestPathsAsync(paths);
    }
}
