namespace LogControl.Bench;

internal static class BenchArgs
{
    /// <summary>The value after <c>--name</c>, or null when the option is absent.</summary>
    public static string? Option(this string[] args, string name)
    {
        var i = Array.IndexOf(args, "--" + name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
