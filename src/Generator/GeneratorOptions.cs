using NodaTime;

namespace LogControl.Generator;

/// <summary>How big a municipality to generate. Each scale has a fixed period and size (see <see cref="ScaleProfile"/>).</summary>
public enum Scale { Small, Medium, Large }

/// <summary>What to generate: the same seed and scale always give byte-identical files in <see cref="OutDir"/>.</summary>
/// <param name="Weeks">Overrides the scale's period length (same start and size); the reports benchmark uses it to reach ~2M accesses.</param>
public sealed record GeneratorOptions(int Seed, Scale Scale, string OutDir, int? Weeks = null)
{
    public static Scale ParseScale(string? text) => (text ?? "small").Trim().ToLowerInvariant() switch
    {
        "small" => Scale.Small,
        "medium" => Scale.Medium,
        "large" => Scale.Large,
        var s => throw new ArgumentException($"unknown scale '{s}' (small, medium, large)"),
    };
}

/// <summary>One file written, relative to the output folder.</summary>
public sealed record GeneratedFile(string Path, long Bytes, long Lines, string Sha256);

/// <summary>What was generated: sizes, the labelled misuse and every file written.</summary>
public sealed record GenerationResult(
    int Seed,
    Scale Scale,
    LocalDate From,
    LocalDate To,
    int Units,
    int Staff,
    int Clients,
    long ReferenceFacts,
    long AccessRows,
    long PatientAccesses,
    long ActivityRows,
    long FailedAttempts,
    int Incidents,
    int Labels,
    long LabelledAccesses,
    IReadOnlyList<(string Rule, int Primary, int Secondary)> LabelsByRule,
    IReadOnlyList<GeneratedFile> Files,
    string OutDir)
{
    /// <summary>The folders to ingest, in this order (labels.ndjson and manifest.json are not inputs).</summary>
    public static readonly string[] IngestFolders = ["reference", "access", "fhir"];

    public IEnumerable<string> IngestPaths => IngestFolders.Select(f => System.IO.Path.Combine(OutDir, f));
}
