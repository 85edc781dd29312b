using LogControl.Generator;

namespace LogControl.Bench;

internal static class GeneratorBridge
{
    public static void Generate(string dir, int seed, string scale, int? weeks = null) =>
        new MunicipalityGenerator().Generate(new GeneratorOptions(seed, GeneratorOptions.ParseScale(scale), dir, weeks));

    /// <summary>Reference data first, then the access logs: labels and manifest are not inputs.</summary>
    public static string[] IngestPaths(string dir) => GenerationResult.IngestFolders.Select(f => Path.Combine(dir, f)).ToArray();
}
