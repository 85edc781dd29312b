using System.Diagnostics;
using System.Security.Cryptography;
using Npgsql;

namespace LogControl.Hosting.Database;

/// <summary>
/// The embedded default database: a project-local PostgreSQL cluster (Debian's postgresql package,
/// installed when absent) in .data/pg inside the checkout, listening on a loopback port only.
/// initdb refuses to run as root, so as root the cluster belongs to the 'postgres' OS user and its
/// tools are run through runuser. The superuser password is generated once and kept in
/// .data/pg.password (mode 600).
/// </summary>
public sealed class EmbeddedPostgres
{
    public const string SuperUser = "logcontrol";
    public const string DefaultDatabase = "logcontrol";

    public EmbeddedPostgres(string? dataRoot = null, int? port = null)
    {
        Home = dataRoot ?? (Environment.GetEnvironmentVariable("LOGCONTROL_DATA") is { Length: > 0 } d ? d : LogControlPaths.DataDir);
        Root = File.Exists(PointerFile) ? File.ReadAllText(PointerFile).Trim() : Home;
        _explicitPort = port ?? (int.TryParse(Environment.GetEnvironmentVariable("LOGCONTROL_PG_PORT"), out var p) ? p : null);
    }

    /// <summary>The checkout's state folder: holds the password, the lock, and (normally) the cluster.</summary>
    public string Home { get; }
    /// <summary>Where the cluster lives: Home, unless the 'postgres' OS user cannot reach it (see <see cref="RelocateIfUnreachable"/>).</summary>
    public string Root { get; private set; }
    private string PointerFile => Path.Combine(Home, "pg.location");
    public const int DefaultPort = 55432;
    private readonly int? _explicitPort;
    private string PortFile => Path.Combine(Home, "pg.port");

    /// <summary>
    /// $LOGCONTROL_PG_PORT, else the port chosen when this checkout's cluster was created (.data/pg.port):
    /// 55432, or a free one when another checkout's cluster already listens there.
    /// </summary>
    public int Port => _explicitPort
                       ?? (File.Exists(PortFile) && int.TryParse(File.ReadAllText(PortFile).Trim(), out var p) ? p : DefaultPort);

    private void ChoosePort()
    {
        if (_explicitPort != null || File.Exists(PortFile)) return;
        var port = IsFree(DefaultPort) ? DefaultPort : FreePort();
        File.WriteAllText(PortFile, port.ToString());
    }

    private static bool IsFree(int port)
    {
        try
        {
            var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            l.Start();
            l.Stop();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
    public string DataDirectory => Path.Combine(Root, "pg");
    public string LogFile => Path.Combine(DataDirectory, "server.log");
    private string PasswordFile => Path.Combine(Home, "pg.password");
    private string LockFile => Path.Combine(Home, "pg.lock");

    private static bool IsRoot => Environment.UserName == "root" || geteuid() == 0;

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern uint geteuid();

    public string ConnectionString(string database = DefaultDatabase) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = SuperUser,
        Password = File.Exists(PasswordFile) ? File.ReadAllText(PasswordFile).Trim() : null,
        Database = database,
        MaxPoolSize = 50,
    }.ConnectionString;

    public bool IsInitialised => File.Exists(Path.Combine(DataDirectory, "PG_VERSION"));

    /// <summary>Initialises (first time) and starts the cluster unless it already runs. Safe to call from several processes at once.</summary>
    public async Task<string> StartAsync(Action<string>? say = null, CancellationToken ct = default)
    {
        Directory.CreateDirectory(Home);
        using var _ = await AcquireLockAsync(ct);
        if (await IsRunningAsync()) return ConnectionString();

        var bin = FindBinDirectory() ?? InstallPostgres(say);
        if (!IsInitialised)
        {
            ChoosePort();
            RelocateIfUnreachable(say);
            InitDb(bin, say);
        }

        // Our cluster is not running, so if its port is taken, another checkout's cluster (or anything else) holds it.
        if (_explicitPort == null && !IsFree(Port))
        {
            var free = FreePort();
            say?.Invoke($"port {Port} is taken; this checkout's cluster moves to {free}");
            File.WriteAllText(PortFile, free.ToString());
        }
        say?.Invoke($"starting PostgreSQL on 127.0.0.1:{Port} ({DataDirectory})");
        // Unix sockets off: only loopback TCP, so several checkouts never collide on a socket path.
        var opts = $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''";
        Run(bin, "pg_ctl", $"-D \"{DataDirectory}\" -l \"{LogFile}\" -o \"{opts}\" -w -t 60 start", asOwner: true);
        await EnsureDefaultDatabaseAsync(ct);
        return ConnectionString();
    }

    public Task StopAsync(Action<string>? say = null)
    {
        var bin = FindBinDirectory();
        if (bin == null || !IsInitialised) { say?.Invoke("no embedded cluster"); return Task.CompletedTask; }
        var (code, output) = Run(bin, "pg_ctl", $"-D \"{DataDirectory}\" -m fast -w stop", asOwner: true, throwOnError: false);
        say?.Invoke(code == 0 ? "stopped" : output.Trim());
        return Task.CompletedTask;
    }

    public async Task<string> StatusAsync()
    {
        if (!IsInitialised) return $"not initialised ({DataDirectory})";
        return await IsRunningAsync()
            ? $"running on 127.0.0.1:{Port}, data {DataDirectory}"
            : $"stopped (data {DataDirectory})";
    }

    public async Task<bool> IsRunningAsync()
    {
        if (!IsInitialised || !File.Exists(PasswordFile)) return false;
        try
        {
            await using var conn = new NpgsqlConnection(ConnectionString("postgres") + ";Timeout=3;Pooling=false");
            await conn.OpenAsync();
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    /// <summary>Drops and recreates the default database of the embedded cluster: the demo starts from nothing.</summary>
    public async Task<string> ResetDefaultDatabaseAsync(Action<string>? say = null, CancellationToken ct = default)
    {
        await StartAsync(say, ct);
        await using (var conn = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false"))
        {
            await conn.OpenAsync(ct);
            await using var drop = new NpgsqlCommand($"drop database if exists \"{DefaultDatabase}\" with (force)", conn);
            await drop.ExecuteNonQueryAsync(ct);
        }
        NpgsqlConnection.ClearAllPools();
        await EnsureDefaultDatabaseAsync(ct);
        return ConnectionString();
    }

    private async Task EnsureDefaultDatabaseAsync(CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        await conn.OpenAsync(ct);
        await using var check = new NpgsqlCommand("select 1 from pg_database where datname = $1", conn);
        check.Parameters.AddWithValue(DefaultDatabase);
        if (await check.ExecuteScalarAsync(ct) == null)
        {
            await using var create = new NpgsqlCommand($"create database \"{DefaultDatabase}\"", conn);
            await create.ExecuteNonQueryAsync(ct);
        }
    }

    private void InitDb(string bin, Action<string>? say)
    {
        say?.Invoke($"initialising a PostgreSQL cluster in {DataDirectory}");
        Directory.CreateDirectory(DataDirectory);
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        var pwTemp = Path.Combine(DataDirectory, "..", $"pg.pw.{Environment.ProcessId}");
        File.WriteAllText(pwTemp, password);
        File.SetUnixFileMode(pwTemp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            if (IsRoot)
            {
                Exec("chown", $"postgres:postgres \"{DataDirectory}\" \"{pwTemp}\"");
            }
            File.SetUnixFileMode(DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Run(bin, "initdb", $"-D \"{DataDirectory}\" -U {SuperUser} --pwfile=\"{pwTemp}\" --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8", asOwner: true);
        }
        finally
        {
            File.Delete(pwTemp);
        }

        File.WriteAllText(PasswordFile, password);
        File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        // Tuned for bulk ingest on a small machine; durability settings (fsync, synchronous_commit,
        // full_page_writes) stay at their safe defaults.
        var conf = """

            # --- LogControl embedded defaults ---
            max_connections = 300
            shared_buffers = 1GB
            work_mem = 32MB
            maintenance_work_mem = 512MB
            wal_buffers = 64MB
            max_wal_size = 8GB
            min_wal_size = 1GB
            checkpoint_timeout = 30min
            checkpoint_completion_target = 0.9
            wal_compression = lz4
            random_page_cost = 1.1
            effective_cache_size = 8GB
            timezone = 'UTC'
            log_min_duration_statement = 5000
            """;
        var confPath = Path.Combine(DataDirectory, "postgresql.conf");
        if (IsRoot)
            Exec("sh", $"-c \"cat >> '{confPath}'\"", stdin: conf);
        else
            File.AppendAllText(confPath, conf);
    }

    /// <summary>
    /// As root the cluster belongs to the 'postgres' OS user, which must be able to traverse every folder
    /// above the data directory. A checkout under a private home folder (mode 700) is not reachable; then
    /// the cluster goes to /var/lib/logcontrol/&lt;checkout hash&gt; and .data/pg.location points there.
    /// </summary>
    private void RelocateIfUnreachable(Action<string>? say)
    {
        if (!IsRoot) return;
        Directory.CreateDirectory(Root);
        var (code, _) = ExecRaw("runuser", $"-u postgres -- test -x \"{Root}\"");
        if (code == 0) return;
        var hash = Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Home)))[..12].ToLowerInvariant();
        Root = Path.Combine("/var/lib/logcontrol", hash);
        Directory.CreateDirectory(Root);
        File.WriteAllText(PointerFile, Root);
        say?.Invoke($"the 'postgres' OS user cannot reach {Home}; keeping the cluster in {Root} instead");
    }

    public static string? FindBinDirectory()
    {
        const string baseDir = "/usr/lib/postgresql";
        if (!Directory.Exists(baseDir)) return null;
        return Directory.GetDirectories(baseDir)
            .Select(d => (dir: d, ok: int.TryParse(Path.GetFileName(d), out var v), v))
            .Where(x => x.ok && File.Exists(Path.Combine(x.dir, "bin", "pg_ctl")))
            .OrderByDescending(x => x.v)
            .Select(x => Path.Combine(x.dir, "bin"))
            .FirstOrDefault();
    }

    private static string InstallPostgres(Action<string>? say)
    {
        if (!IsRoot)
            throw new InvalidOperationException("PostgreSQL is not installed and this is not root: run `apt-get install postgresql` or use --db.");
        say?.Invoke("PostgreSQL not found: installing Debian's postgresql package");
        var env = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        Exec("apt-get", "update -q", env: env);
        Exec("apt-get", "install -y -q --no-install-recommends postgresql postgresql-contrib", env: env);
        return FindBinDirectory() ?? throw new InvalidOperationException("postgresql installed but pg_ctl not found under /usr/lib/postgresql");
    }

    private (int code, string output) Run(string bin, string tool, string args, bool asOwner, bool throwOnError = true)
    {
        var exe = Path.Combine(bin, tool);
        var result = IsRoot && asOwner
            ? ExecRaw("runuser", $"-u postgres -- \"{exe}\" {args}")
            : ExecRaw(exe, args);
        if (throwOnError && result.code != 0)
            throw new InvalidOperationException($"{tool} failed ({result.code}): {result.output.Trim()}" +
                                                (File.Exists(LogFile) ? $"\n--- {LogFile} ---\n{Tail(LogFile)}" : ""));
        return result;
    }

    private static string Tail(string file)
    {
        try { return string.Join('\n', File.ReadLines(file).TakeLast(20)); } catch { return ""; }
    }

    private static void Exec(string file, string args, Dictionary<string, string>? env = null, string? stdin = null)
    {
        var (code, output) = ExecRaw(file, args, env, stdin);
        if (code != 0) throw new InvalidOperationException($"{file} {args} failed ({code}): {output.Trim()}");
    }

    private static (int code, string output) ExecRaw(string file, string args, Dictionary<string, string>? env = null, string? stdin = null)
    {
        var psi = new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin != null,
            UseShellExecute = false,
        };
        if (env != null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        if (stdin != null) { p.StandardInput.Write(stdin); p.StandardInput.Close(); }
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    private async Task<IDisposable> AcquireLockAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            try
            {
                return new FileStream(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, ct);
            }
        }
    }
}
