using LogControl.Hosting.Integrity;
using LogControl.Hosting.Observability;
using LogControl.Integrity;
using Marten;
using NodaTime;
using NodaTime.Text;
using Serilog.Extensions.Logging;
using Spectre.Console;

namespace LogControl.Cli;

/// <summary>Tamper evidence: checkpoint, verify, prove, verify-proof, archive (docs/INTEGRITY.md).</summary>
public static partial class LogCtl
{
    private static IntegritySettings IntegritySettingsFor(Args args)
    {
        var s = IntegritySettings.From(LogSetup.BuildConfiguration());
        if (args.Option("checkpoints") is { Length: > 0 } dir) s = s with { CheckpointDirectory = dir };
        if (args.Option("signing-key") is { Length: > 0 } keyFile) s = s with { SigningKeyFile = keyFile };
        if (args.Option("public-key") is { Length: > 0 } pub) s = s with { PublicKeyFile = pub };
        return s;
    }

    /// <summary>Extends the leaf index over everything stored and signs a checkpoint (also run at the end of ingest).</summary>
    internal static async Task<IntegrityLog.Extension> CheckpointAsync(IDocumentStore store, IntegritySettings settings, Serilog.ILogger log, CancellationToken ct)
    {
        using var signer = CheckpointSigner.LoadOrCreate(settings.SigningKeyFile,
            path => Console.Error.WriteLine($"logctl: created the checkpoint signing key {path} (mode 600); its public half is {CheckpointSigner.PublicKeyPath(path)}"));
        var integrity = new IntegrityLog(store, signer, settings.ExternalLogFor(store), SystemClock.Instance, new SerilogLoggerFactory(log).CreateLogger("integrity"));
        return await integrity.ExtendAsync(ct);
    }

    private static async Task<int> Checkpoint(Args args, CancellationToken ct)
    {
        var (store, log) = await OpenStoreAsync(args, "logctl", ct);
        await using var _ = store;
        using var __ = log;
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var result = await CheckpointAsync(store, IntegritySettingsFor(args), log, ct);
        Console.WriteLine(result.Checkpoint is { } c
            ? $"checkpoint size={c.Size} last_seq={c.LastSeq} root={c.RootHex} added={result.Added}"
            : "no new events to checkpoint");
        return 0;
    }

    private static async Task<int> Verify(Args args, CancellationToken ct)
    {
        var settings = IntegritySettingsFor(args);
        if (!File.Exists(settings.TrustedPublicKeyFile))
            return Fail($"no checkpoint public key at {settings.TrustedPublicKeyFile} (give --public-key FILE)");
        var key = CheckpointPublicKey.Load(settings.TrustedPublicKeyFile);
        var (store, log) = await OpenStoreAsync(args, "logctl", ct);
        await using var _ = store;
        using var __ = log;
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        var verifier = new IntegrityVerifier(store, key, settings.ExternalLogFor(store));
        var started = System.Diagnostics.Stopwatch.StartNew();
        VerifyReport report;
        if (!Console.IsErrorRedirected && !args.Has("no-progress"))
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            report = await console.Progress().AutoClear(true)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async ctx =>
                {
                    var task = ctx.AddTask("verify", maxValue: 1);
                    return await verifier.VerifyAsync(ct, new Progress<(long Done, long Total)>(p =>
                    {
                        task.MaxValue = Math.Max(p.Total, 1);
                        task.Value = Math.Min(p.Done, task.MaxValue);
                        task.Description = $"verify: {p.Done:N0} events, {p.Done / Math.Max(started.Elapsed.TotalSeconds, 0.001):N0}/s";
                    }));
                });
        }
        else report = await verifier.VerifyAsync(ct);

        foreach (var note in report.Notes) Console.Error.WriteLine($"logctl: note: {note}");
        foreach (var problem in report.Problems) Console.Error.WriteLine($"logctl: {problem}");
        if (report.First is { } d)
        {
            var at = d.LeafIndex >= 0 ? $" (leaf {d.LeafIndex})" : "";
            return Fail($"history diverges at sequence {d.Seq}{at}: {d.Kind}: {d.Detail}");
        }
        if (!report.Ok) return Fail($"integrity check failed: {report.Problems[0]}");
        if (report.Latest is not { } latest)
        {
            Console.WriteLine($"nothing checkpointed yet: 0 events verified, {report.Uncovered} stored events not yet covered (run `logctl checkpoint`)");
            return 0;
        }
        Console.WriteLine(
            $"verified: sequence {report.FirstSeq}..{latest.LastSeq}, {latest.Size} events, against {report.Checkpoints} signed checkpoints " +
            $"(latest signed {InstantPattern.ExtendedIso.Format(latest.Time)}, root {latest.RootHex[..16]}…, key {latest.KeyId}); " +
            $"{report.Uncovered} later events not yet covered; {latest.Size / Math.Max(started.Elapsed.TotalSeconds, 0.001):0} events/s");
        return 0;
    }

    private static async Task<int> Prove(Args args, CancellationToken ct)
    {
        var eventRef = args.Positionals.FirstOrDefault();
        if (string.IsNullOrWhiteSpace(eventRef)) return Fail("prove needs an event: a sequence number or an event id");
        var settings = IntegritySettingsFor(args);
        if (!File.Exists(settings.TrustedPublicKeyFile)) return Fail($"no checkpoint public key at {settings.TrustedPublicKeyFile}");
        var (store, log) = await OpenStoreAsync(args, "logctl", ct);
        await using var _ = store;
        using var __ = log;
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var proof = await new InclusionProver(store, CheckpointPublicKey.Load(settings.TrustedPublicKeyFile), settings.ExternalLogFor(store)).ProveAsync(eventRef, ct);
        var outPath = args.Option("out") ?? $"proof-{proof.Event.Seq}.json";
        await File.WriteAllBytesAsync(outPath, proof.ToBytes(), ct);
        Console.WriteLine($"proof={outPath} seq={proof.Event.Seq} type={proof.Event.Type} leaf={proof.LeafIndex} checkpoint_size={proof.Checkpoint.Size}");
        return 0;
    }

    /// <summary>Offline: no database, no configuration needed beyond the trusted public key.</summary>
    private static int VerifyProof(Args args)
    {
        var file = args.Positionals.FirstOrDefault();
        if (string.IsNullOrWhiteSpace(file) || !File.Exists(file)) return Fail("verify-proof needs a proof file");
        CheckpointPublicKey? pinned = null;
        var pub = args.Option("public-key") ?? CheckpointSigner.PublicKeyPath(IntegritySettings.Default.SigningKeyFile);
        if (File.Exists(pub)) pinned = CheckpointPublicKey.Load(pub);
        else if (args.Option("public-key") != null) return Fail($"no public key at {pub}");
        var result = InclusionProofFile.Verify(File.ReadAllBytes(file), pinned);
        if (!result.Ok) return Fail($"proof does not verify: {result.Message}");
        Console.WriteLine($"proof verified: {result.Message}");
        return 0;
    }

    private static async Task<int> Archive(Args args, CancellationToken ct)
    {
        if (!Domain.Time.SwedishTime.TryParseDate(args.Option("before") ?? "", out var before))
            return Fail("archive needs --before YYYY-MM-DD (at least five years back)");
        var (store, log) = await OpenStoreAsync(args, "logctl", ct);
        await using var _ = store;
        using var __ = log;
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var result = await new EventArchiver(store, SystemClock.Instance).ArchiveAsync(before, args.Has("dry-run"), ct);
        Console.WriteLine($"{(args.Has("dry-run") ? "would archive" : "archived")} events={result.Events} streams={result.Streams} before={result.Before:yyyy-MM-dd}");
        return 0;
    }
}
