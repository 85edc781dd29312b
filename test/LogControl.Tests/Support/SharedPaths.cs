namespace LogControl.Tests.Support;

/// <summary>Locates the repository root (the folder with LogControl.sln) and the shared samples next to it.</summary>
public static class SharedPaths
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LogControl.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"LogControl.sln not found above {AppContext.BaseDirectory}");
    });

    /// <summary>The folder containing LogControl.sln.</summary>
    public static string RepoRoot => Root.Value;

    /// <summary><c>&lt;RepoRoot&gt;/../shared/samples</c>.</summary>
    public static string Samples => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "samples"));
}
