using LogControl.Generator;

namespace LogControl.Bench;

internal static class GeneratorBridge
{
    public static void Generate(string dir, int seed, string scale, int? weeks = null) =>
        new MunicipalityGenerator().Generate(new GeneratorOptions(seed, GeneratorOptions.ParseScale(scale), dir, weeks));

    /// <summary>The generated municipality under artifacts/bench, generated on first use and kept for later runs.</summary>
    public static string Municipality(string scale, int seed)
    {
        var dir = Path.Combine(LogControl.Hosting.Database.LogControlPaths.RepoRoot, "artifacts", "bench", $"detect-{scale}-{seed}");
        if (!File.Exists(Path.Combine(dir, "manifest.json")))
        {
            Console.Error.WriteLine($"generating {scale} municipality (seed {seed})...");
            Generate(dir, seed, scale);
        }
        return dir;
    }

    /// <summary>Reference data first, then the access logs: labels and manifest are not inputs.</summary>
    public static string[] IngestPaths(string dir) => GenerationResult.IngestFolders.Select(f => Path.Combine(dir, f)).ToArray();
}
