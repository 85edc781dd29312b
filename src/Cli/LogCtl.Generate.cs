using LogControl.Cli.Generation;

namespace LogControl.Cli;

public static partial class LogCtl
{
    private static Task<int> Generate(Args args, CancellationToken ct)
    {
        var dir = args.Option("out");
        if (string.IsNullOrWhiteSpace(dir)) return Task.FromResult(Fail("generate needs --out DIR"));
        var rows = args.Option("rows") is { } r ? long.Parse(r) : (args.Option("scale") ?? "small") switch
        {
            "small" => 20_000L,
            "medium" => 2_000_000L,
            "large" => 10_000_000L,
            var s => throw new ArgumentException($"unknown --scale '{s}' (small, medium, large)"),
        };
        var seed = int.TryParse(args.Option("seed"), out var sd) ? sd : 42;
        var bad = double.TryParse(args.Option("bad-fraction"), System.Globalization.CultureInfo.InvariantCulture, out var b) ? b : 0;
        var summary = new AccessLogGenerator(seed).Write(dir, rows, badFraction: bad);
        Console.WriteLine($"generated units={summary.Units} staff={summary.Staff} clients={summary.Clients} rows={summary.Rows} in {dir}");
        return Task.FromResult(0);
    }
}
