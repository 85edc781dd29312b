namespace LogControl.Bench;

/// <summary>Placeholder until the municipality generator lands.</summary>
internal static class GeneratorBridge
{
    public static void Generate(string dir, int seed, string scale) => throw new NotSupportedException("generator not merged yet");
}
