using LogControl.Bench;

return args.FirstOrDefault() switch
{
    "ingest" => await IngestBenchmark.RunAsync(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: tools/bench ingest [--rows N] [--rss-gb G] [--writers N] [--db CS]");
    return 2;
}
