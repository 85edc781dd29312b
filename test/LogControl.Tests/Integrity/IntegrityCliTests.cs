using LogControl.Tests.Support;
using Shouldly;
using static LogControl.Tests.Support.IngestTestKit;

namespace LogControl.Tests.Integrity;

/// <summary>The verbs through the real CLI: ingest checkpoints, verify, prove, verify-proof offline, and a tampered database.</summary>
public sealed class IntegrityCliTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Ingest_checkpoints_verify_passes_a_proof_checks_offline_and_tampering_fails_verify()
    {
        var dir = TempDir();
        string[] integrity = ["--db", db.ConnectionString, "--checkpoints", Path.Combine(dir, "checkpoints"), "--signing-key", Path.Combine(dir, "key")];
        var csv = WriteCsv(dir, "log.csv", Enumerable.Range(1, 200).Select(n => Row(n)));

        var ingest = await RunLogCtlAsync(["ingest", csv, .. integrity]);
        ingest.Code.ShouldBe(0, ingest.Err);
        var size = long.Parse(System.Text.RegularExpressions.Regex.Match(ingest.Out, @"^checkpoint size=(\d+) ", System.Text.RegularExpressions.RegexOptions.Multiline).Groups[1].Value);
        size.ShouldBeGreaterThan(200); // the accesses and the batch's own events
        Lines(ingest.Out)[^1].ShouldBe("accepted=200 duplicates=0 rejected=0");

        var verify = await RunLogCtlAsync(["verify", .. integrity, "--public-key", Path.Combine(dir, "key.pub")]);
        verify.Code.ShouldBe(0, verify.Err);
        verify.Out.ShouldStartWith($"verified: sequence 1..{size}, {size} events, against 1 signed checkpoints");

        var proofFile = Path.Combine(dir, "proof.json");
        var prove = await RunLogCtlAsync(["prove", "150", "--out", proofFile, .. integrity, "--public-key", Path.Combine(dir, "key.pub")]);
        prove.Code.ShouldBe(0, prove.Err);
        var check = await RunLogCtlAsync("verify-proof", proofFile, "--public-key", Path.Combine(dir, "key.pub"));
        check.Code.ShouldBe(0, check.Err);
        check.Out.ShouldContain("proof verified: event 150");
        check.Out.ShouldContain("(the trusted key)");

        var bytes = await File.ReadAllBytesAsync(proofFile);
        bytes[bytes.Length / 2] ^= 1;
        await File.WriteAllBytesAsync(proofFile + ".bad", bytes);
        var bad = await RunLogCtlAsync("verify-proof", proofFile + ".bad", "--public-key", Path.Combine(dir, "key.pub"));
        bad.Code.ShouldNotBe(0);
        bad.Err.ShouldStartWith("logctl: proof does not verify:");

        await using (var store = db.CreateStore())
            await CountAsync(store, "with t as (update lc.mt_events set timestamp = timestamp + interval '1 second' where seq_id = 120 returning 1) select count(*) from t");
        var tampered = await RunLogCtlAsync(["verify", .. integrity, "--public-key", Path.Combine(dir, "key.pub")]);
        tampered.Code.ShouldNotBe(0);
        tampered.Err.ShouldContain("history diverges at sequence 120 (leaf 119): altered");

        // The proof is about the signed checkpoint, not today's database: it still holds offline.
        (await RunLogCtlAsync("verify-proof", proofFile, "--public-key", Path.Combine(dir, "key.pub"))).Code.ShouldBe(0);
    }
}
