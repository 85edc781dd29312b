namespace LogControl.Hosting.Database;

/// <summary>Where the checkout is and where its local state (embedded database, logs, keys) lives.</summary>
public static class LogControlPaths
{
    /// <summary>The checkout root: $LOGCONTROL_HOME, else the nearest folder above the working directory or the binaries that holds LogControl.sln.</summary>
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>Local state folder inside the checkout (git-ignored).</summary>
    public static string DataDir => Path.Combine(RepoRoot, ".data");

    private static string FindRoot()
    {
        var env = Environment.GetEnvironmentVariable("LOGCONTROL_HOME");
        if (!string.IsNullOrWhiteSpace(env)) return Path.GetFullPath(env);
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "LogControl.sln"))) return dir.FullName;
        }
        return Directory.GetCurrentDirectory();
    }
}
