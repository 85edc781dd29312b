using System.Diagnostics;
using LogControl.Cli.Generation;
using LogControl.Hosting.Database;
using LogControl.Hosting.Marten;
using LogControl.Ingest.Csv;
using LogControl.Ingest.Parsing;
using LogControl.Ingest.Pipeline;
using LogControl.Projections.Access;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace LogControl.Bench;

/// <summary>
/// tools/bench ingest: end-to-end ingest of a generated access-log CSV (parse, validate, dedupe, append,
/// committed, readable by Marten, seen by the async daemon) as a ratio to a binary COPY of the same rows
/// into a plain table, both measured in this run on this machine. Also peak RSS of the ingest process
/// on a large file. Absolute times vary with the machine; the ratios are the figures to compare.
/// </summary>
public static class IngestBenchmark
{
    public static async Task<int> RunAsync(string[] argv)
    {
        var opts = Options.Parse(argv);
        var server = await DatabaseSelection.ResolveAsync(opts.Db, m => Console.Error.WriteLine(m));
        var dir = Path.Combine(LogControlPaths.RepoRoot, "artifacts", "bench");
        Directory.CreateDirectory(dir);

        var csv = await GenerateAsync(dir, opts.Rows);
        var bytes = new FileInfo(csv).Length;
        Console.WriteLine($"input: {opts.Rows:N0} rows, {bytes / 1e6:N0} MB ({csv})");

        // Baseline: the same rows, already parsed in memory, binary-COPYed into a plain table.
        var rows = new CsvAccessLogReader().Read(File.OpenRead(csv), csv).Where(i => i.Kind == ItemKind.Access).Select(i => i.Access!).ToList();
        var copySeconds = await BaselineCopyAsync(server, rows);
        var copyRate = rows.Count / copySeconds;
        Console.WriteLine($"baseline binary COPY into a plain table: {copySeconds:0.00} s, {copyRate:N0} rows/s");
        // Second baseline: the event rows our writer produces (jsonb payload, ids, type names) COPYed into a
        // plain table without indexes or constraints: the gap to this one is the event store's own cost.
        var eventCopySeconds = await EventRowCopyAsync(server, rows);
        var eventCopyRate = rows.Count / eventCopySeconds;
        Console.WriteLine($"baseline binary COPY of the event rows (jsonb) into a plain table: {eventCopySeconds:0.00} s, {eventCopyRate:N0} rows/s");
        rows = null;
        GC.Collect();

        // Parsing and preparing alone (no database): the client-side share of the work.
        var sw = Stopwatch.StartNew();
        var parsed = 0L;
        foreach (var item in new CsvAccessLogReader().Read(File.OpenRead(csv), csv))
            if (item.Kind == ItemKind.Access) parsed++;
        Console.WriteLine($"parse + validate only: {sw.Elapsed.TotalSeconds:0.00} s, {parsed / sw.Elapsed.TotalSeconds:N0} rows/s");

        var result = await EndToEndAsync(server, csv, opts);
        var seenRate = opts.Rows / result.SeenSeconds;
        var projectedRate = opts.Rows / result.ProjectedSeconds;
        Console.WriteLine($"ingest committed (child process exited): {result.CommittedSeconds:0.00} s");
        Console.WriteLine($"ingest end-to-end, seen by the async daemon: {result.SeenSeconds:0.00} s, {seenRate:N0} rows/s");
        Console.WriteLine($"access timeline projection caught up: {result.ProjectedSeconds:0.00} s, {projectedRate:N0} rows/s");
        Console.WriteLine($"peak RSS of the ingest process ({opts.Rows:N0} rows): {result.PeakRssMb:N0} MB");
        Console.WriteLine();
        Console.WriteLine($"RATIO ingest(seen by daemon) / COPY = {seenRate / copyRate:0.000}   (target >= 0.5)");
        Console.WriteLine($"RATIO ingest(projected)      / COPY = {projectedRate / copyRate:0.000}");
        Console.WriteLine($"RATIO ingest(seen by daemon) / COPY of event rows = {seenRate / eventCopyRate:0.000}");

        if (opts.RssGb > 0)
        {
            var bigRows = (long)(opts.RssGb * 1e9 / (bytes / (double)opts.Rows));
            var big = await GenerateAsync(dir, bigRows);
            Console.WriteLine($"large input: {bigRows:N0} rows, {new FileInfo(big).Length / 1e9:0.00} GB");
            var rss = await EndToEndAsync(server, big, opts with { Daemon = false });
            Console.WriteLine($"PEAK RSS ingesting {new FileInfo(big).Length / 1e9:0.00} GB: {rss.PeakRssMb:N0} MB in {rss.CommittedSeconds:0} s ({bigRows / rss.CommittedSeconds:N0} rows/s)   (target < 400 MB)");
        }
        return 0;
    }

    private sealed record Options(long Rows, double RssGb, int Writers, string? Db, bool Daemon = true)
    {
        public static Options Parse(string[] a)
        {
            return new Options(long.Parse(a.Option("rows") ?? "2000000"), double.Parse(a.Option("rss-gb") ?? "2", System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(a.Option("writers") ?? new IngestOptions().Writers.ToString()), a.Option("db"));
        }
    }

    private sealed record EndToEnd(double CommittedSeconds, double SeenSeconds, double ProjectedSeconds, double PeakRssMb);

    private static Task<string> GenerateAsync(string dir, long rows)
    {
        var target = Path.Combine(dir, $"csv-{rows}");
        var csv = Path.Combine(target, "access-log.csv");
        if (!File.Exists(csv))
        {
            Console.Error.WriteLine($"generating {rows:N0} rows...");
            new AccessLogGenerator(seed: 42).Write(target, rows);
        }
        return Task.FromResult(csv);
    }

    internal static async Task<string> FreshDatabaseAsync(string server, string prefix)
    {
        var name = $"{prefix}_{DateTime.UtcNow:HHmmss}_{Random.Shared.Next(1000):D3}";
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"create database {name}", conn);
        await cmd.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    internal static async Task DropAsync(string cs)
    {
        NpgsqlConnection.ClearAllPools();
        var db = new NpgsqlConnectionStringBuilder(cs).Database;
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(cs) { Database = "postgres" }.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"drop database if exists {db} with (force)", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<double> BaselineCopyAsync(string server, List<ParsedAccess> rows)
    {
        var cs = await FreshDatabaseAsync(server, "bench_copy");
        try
        {
            await using var conn = new NpgsqlConnection(cs);
            await conn.OpenAsync();
            await using (var cmd = new NpgsqlCommand("""
                create table access_copy (event_id text, occurred_at timestamptz, system text, user_id text, user_name text,
                  user_role text, unit_id text, client_id text, action text, purpose text, outcome text, terminal text, detail text)
                """, conn)) await cmd.ExecuteNonQueryAsync();

            var sw = Stopwatch.StartNew();
            await using (var w = await conn.BeginBinaryImportAsync("copy access_copy from stdin (format binary)"))
            {
                foreach (var r in rows)
                {
                    w.StartRow();
                    w.Write(r.EventId, NpgsqlDbType.Text);
                    w.Write(r.OccurredAt.ToDateTimeOffset(), NpgsqlDbType.TimestampTz);
                    w.Write(r.System, NpgsqlDbType.Text);
                    w.Write(r.UserId, NpgsqlDbType.Text);
                    WriteNullable(w, r.UserName);
                    WriteNullable(w, r.UserRole);
                    WriteNullable(w, r.UnitId);
                    WriteNullable(w, r.ClientId);
                    w.Write(r.Action.ToString(), NpgsqlDbType.Text);
                    w.Write(r.Purpose.ToString(), NpgsqlDbType.Text);
                    w.Write(r.Outcome.ToString(), NpgsqlDbType.Text);
                    WriteNullable(w, r.Terminal);
                    WriteNullable(w, r.Detail);
                }
                await w.CompleteAsync();
            }
            return sw.Elapsed.TotalSeconds;
        }
        finally
        {
            await DropAsync(cs);
        }
    }

    private static async Task<double> EventRowCopyAsync(string server, List<ParsedAccess> rows)
    {
        var cs = await FreshDatabaseAsync(server, "bench_evcopy");
        try
        {
            await using var store = MartenSetup.CreateStore(cs);
            var serializer = store.Options.Serializer();
            var json = rows.Select(r => serializer.ToJson(new LogControl.Domain.Access.AccessRecorded(r.System, r.EventId, r.OccurredAt, r.UserId,
                r.UserName, r.UserRole, r.UnitId, r.ClientId ?? "", r.Action, r.Purpose, r.Outcome, r.Terminal, r.Detail,
                LogControl.Ingest.Storage.SourceIdentity.Digest(r)))).ToList();
            await using var conn = new NpgsqlConnection(cs);
            await conn.OpenAsync();
            await using (var cmd = new NpgsqlCommand("""
                create table event_copy (seq_id bigint, id uuid, stream_id uuid, version bigint, data jsonb, type varchar,
                  "timestamp" timestamptz, tenant_id varchar, mt_dotnet_type varchar, is_archived bool)
                """, conn)) await cmd.ExecuteNonQueryAsync();
            var stream = Guid.NewGuid();
            var now = DateTimeOffset.UtcNow;
            var sw = Stopwatch.StartNew();
            await using (var w = await conn.BeginBinaryImportAsync("copy event_copy from stdin (format binary)"))
            {
                for (var i = 0; i < rows.Count; i++)
                {
                    w.StartRow();
                    w.Write((long)i + 1, NpgsqlDbType.Bigint);
                    w.Write(LogControl.Ingest.Storage.SourceIdentity.AccessEventId(rows[i].System, rows[i].EventId), NpgsqlDbType.Uuid);
                    w.Write(stream, NpgsqlDbType.Uuid);
                    w.Write((long)i + 1, NpgsqlDbType.Bigint);
                    w.Write(json[i], NpgsqlDbType.Jsonb);
                    w.Write("access_recorded", NpgsqlDbType.Varchar);
                    w.Write(now, NpgsqlDbType.TimestampTz);
                    w.Write("*DEFAULT*", NpgsqlDbType.Varchar);
                    w.Write("LogControl.Domain.Access.AccessRecorded, LogControl.Domain", NpgsqlDbType.Varchar);
                    w.Write(false, NpgsqlDbType.Boolean);
                }
                await w.CompleteAsync();
            }
            return sw.Elapsed.TotalSeconds;
        }
        finally
        {
            await DropAsync(cs);
        }
    }

    private static void WriteNullable(NpgsqlBinaryImporter w, string? v)
    {
        if (v == null) w.WriteNull(); else w.Write(v, NpgsqlDbType.Text);
    }

    private static async Task<EndToEnd> EndToEndAsync(string server, string csv, Options opts)
    {
        var cs = await FreshDatabaseAsync(server, "bench_ingest");
        try
        {
            // Schema first (as a deployed system has it), and the async daemon running before the first row.
            await using var store = MartenSetup.CreateStore(cs, withAsyncProjections: true);
            await new IngestPipeline(store).EnsureSchemaAsync();
            IDisposable? daemon = null;
            if (opts.Daemon)
            {
                var d = await store.BuildProjectionDaemonAsync();
                await d.StartAllAsync();
                daemon = d;
            }

            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "logctl.dll"), "ingest", csv, "--db", cs, "--no-progress", "--writers", opts.Writers.ToString() })
                psi.ArgumentList.Add(a);
            var sw = Stopwatch.StartNew();
            using var child = Process.Start(psi)!;
            var stdout = child.StandardOutput.ReadToEndAsync();
            var stderr = child.StandardError.ReadToEndAsync();
            double peakKb = 0;
            while (!child.HasExited)
            {
                peakKb = Math.Max(peakKb, ReadHwmKb(child.Id));
                await Task.Delay(100);
            }
            var committed = sw.Elapsed.TotalSeconds;
            if (child.ExitCode != 0) throw new InvalidOperationException($"ingest failed: {await stderr}");
            Console.Error.WriteLine((await stdout).Trim());

            double seen = committed, projected = committed;
            if (opts.Daemon)
            {
                var maxSeq = await ScalarAsync(cs, "select coalesce(max(seq_id), 0) from lc.mt_events");
                while (await ScalarAsync(cs, "select coalesce(max(last_seq_id), 0) from lc.mt_event_progression where name = 'HighWaterMark'") < maxSeq)
                    await Task.Delay(20);
                seen = sw.Elapsed.TotalSeconds;
                while (await ScalarAsync(cs, "select coalesce(max(last_seq_id), 0) from lc.mt_event_progression where name like 'Detection%'") < maxSeq)
                    await Task.Delay(50);
                projected = sw.Elapsed.TotalSeconds;
                var projectedRows = await ScalarAsync(cs, $"select count(*) from lc.{AccessTimeline.TableName}");
                if (projectedRows != opts.Rows && csv.Contains($"csv-{opts.Rows}"))
                    throw new InvalidOperationException($"projection has {projectedRows} rows, expected {opts.Rows}");
                daemon!.Dispose();
            }
            return new EndToEnd(committed, seen, projected, peakKb / 1024);
        }
        finally
        {
            await DropAsync(cs);
        }
    }

    private static double ReadHwmKb(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmHWM:")) return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        }
        catch (IOException) { }
        return 0;
    }

    internal static async Task<long> ScalarAsync(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }
}
