namespace LogControl.Tests.Support;

/// <summary>
/// Locates the project's shared folder (contracts, samples): it is the sibling of the repository root,
/// <c>&lt;repo&gt;/../shared</c>, where the repository root is the folder holding LogControl.sln.
/// </summary>
public static class SharedPaths
{
    private static readonly Lazy<string> RepoRootLazy = new(FindRepoRoot);

    /// <summary>The folder containing LogControl.sln, found by walking up from the test assembly.</summary>
    public static string RepoRoot => RepoRootLazy.Value;

    /// <summary><c>&lt;repo&gt;/../shared</c>.</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    /// <summary><c>&lt;repo&gt;/../shared/samples</c>.</summary>
    public static string Samples => Path.Combine(Shared, "samples");

    /// <summary>A path under the samples folder, e.g. <c>Sample("fhir", "r4-core", "x.json")</c>.</summary>
    public static string Sample(params string[] parts) => Path.Combine([Samples, .. parts]);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LogControl.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException($"No LogControl.sln above {AppContext.BaseDirectory}");
    }
}
