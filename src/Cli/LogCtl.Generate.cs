using System.Diagnostics;
using System.Globalization;
using LogControl.Cli.Generation;
using LogControl.Generator;

namespace LogControl.Cli;

public static partial class LogCtl
{
    /// <summary>
    /// generate --out DIR [--seed N] [--scale small|medium|large]: a synthetic municipality with labelled misuse.
    /// generate --out DIR --rows N [--bad-fraction F]: the flat access-log CSV the ingest benchmark uses.
    /// </summary>
    private static Task<int> Generate(Args args, CancellationToken ct)
    {
        var dir = args.Option("out");
        if (string.IsNullOrWhiteSpace(dir)) return Task.FromResult(Fail("generate needs --out DIR"));
        var seed = int.TryParse(args.Option("seed"), out var sd) ? sd : 42;

        if (args.Option("rows") is { } r)
        {
            var rows = long.Parse(r, CultureInfo.InvariantCulture);
            var bad = double.TryParse(args.Option("bad-fraction"), CultureInfo.InvariantCulture, out var b) ? b : 0;
            var summary = new AccessLogGenerator(seed).Write(dir, rows, badFraction: bad);
            Console.WriteLine($"generated units={summary.Units} staff={summary.Staff} clients={summary.Clients} rows={summary.Rows} in {dir}");
            return Task.FromResult(0);
        }

        var scale = GeneratorOptions.ParseScale(args.Option("scale"));
        var sw = Stopwatch.StartNew();
        var g = new MunicipalityGenerator().Generate(new GeneratorOptions(seed, scale, dir));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"generated scale={scale.ToString().ToLowerInvariant()} seed={seed} period={g.From:uuuu-MM-dd}..{g.To:uuuu-MM-dd} units={g.Units} staff={g.Staff} clients={g.Clients} reference_facts={g.ReferenceFacts} accesses={g.AccessRows} incidents={g.Incidents} labels={g.Labels} labelled_accesses={g.LabelledAccesses} files={g.Files.Count} in {g.OutDir} ({sw.Elapsed.TotalSeconds:0.0} s)"));
        return Task.FromResult(0);
    }
}
