using LogControl.Bench;

return args.FirstOrDefault() switch
{
    "ingest" => await IngestBenchmark.RunAsync(args.Skip(1).ToArray()),
    "detect" => await DetectBenchmark.RunAsync(args.Skip(1).ToArray()),
    "integrity" => await IntegrityBenchmark.RunAsync(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: tools/bench ingest [--rows N] [--rss-gb G] [--writers N] [--db CS]");
    Console.Error.WriteLine("       tools/bench detect [--scale small|medium|large] [--seed N] [--rate ROWS_PER_S] [--lag-seconds S] [--db CS]");
    Console.Error.WriteLine("       tools/bench integrity [--scale small|medium|large] [--seed N] [--rounds N] [--db CS]");
    return 2;
}
