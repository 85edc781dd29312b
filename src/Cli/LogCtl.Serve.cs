using LogControl.Hosting.Database;
using LogControl.Hosting.Marten;
using LogControl.Server;
using LogControl.Server.Ingest;
using Microsoft.Extensions.Hosting;

namespace LogControl.Cli;

public static partial class LogCtl
{
    private static async Task<int> Serve(Args args, CancellationToken ct)
    {
        var cs = await DatabaseSelection.ResolveAsync(args.Option("db"), m => Console.Error.WriteLine(m), ct);
        var app = LogControlServer.Build(cs, urls: args.Option("urls"));
        Console.WriteLine($"serving on {args.Option("urls") ?? LogControlServer.DefaultUrls} (Ctrl+C stops)");
        await app.StartAsync(ct);
        await app.WaitForShutdownAsync(ct);
        return 0;
    }

    /// <summary>sources add SYSTEM: issues an API key for HTTP ingest. The key is printed once; only its hash is stored.</summary>
    private static async Task<int> Sources(Args args, CancellationToken ct)
    {
        if (args.SubVerb != "add" || args.Positionals.Count < 2) return Fail("usage: logctl sources add SYSTEM");
        var system = args.Positionals[1];
        var cs = await DatabaseSelection.ResolveAsync(args.Option("db"), m => Console.Error.WriteLine(m), ct);
        await using var store = MartenSetup.CreateStore(cs);
        var key = await SourceSystemKey.IssueAsync(store, system, ct);
        Console.WriteLine($"system={system}");
        Console.WriteLine($"api_key={key}");
        Console.Error.WriteLine("Store this key now: it is not shown again (only its hash is kept).");
        return 0;
    }
}
