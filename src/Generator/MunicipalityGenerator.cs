namespace LogControl.Generator;

/// <summary>
/// Generates a realistic synthetic municipality (units, staff, clients, rosters, visits, access logs in
/// three source formats) with labelled misuse of every rule in shared/contracts/anomalies.md, designed
/// against docs/DETECTION.md. Deterministic: the same seed and scale give byte-identical files.
/// See README.md next to this file.
/// </summary>
public sealed class MunicipalityGenerator
{
    public GenerationResult Generate(GeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new GenerationRun(options).Run();
    }
}
