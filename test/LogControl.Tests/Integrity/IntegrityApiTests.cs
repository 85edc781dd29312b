using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LogControl.Integrity;
using LogControl.Tests.Support;
using Shouldly;
using static LogControl.Tests.Support.AuthKit;

namespace LogControl.Tests.Integrity;

/// <summary>The server signs checkpoints on its own; auditors read the status, run verify and fetch proofs that check offline.</summary>
public sealed class IntegrityApiTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Auditors_see_the_status_verify_and_get_a_proof_managers_do_not()
    {
        await using (var store = db.CreateStore())
        {
            var dir = IngestTestKit.TempDir();
            await IngestTestKit.IngestAsync(store, IngestTestKit.WriteCsv(dir, "log.csv", Enumerable.Range(1, 50).Select(n => IngestTestKit.Row(n))));
        }
        await using var app = await StartServerAsync(db.ConnectionString, "--Integrity:CheckpointIntervalSeconds=1", "--Reviews:Sweep=false");
        var auditor = await AsAuditorAsync(app);
        var manager = await AsManagerAsync(app, "HT-NORR");

        (await manager.GetAsync("/api/integrity/status")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await manager.PostAsync("/api/integrity/verify", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        JsonElement status = default;
        for (var i = 0; i < 600; i++) // bounded wait for the server's first checkpoint (the accounts' events included)
        {
            status = await auditor.GetFromJsonAsync<JsonElement>("/api/integrity/status");
            if (status.GetProperty("latest").ValueKind != JsonValueKind.Null && status.GetProperty("notYetCovered").GetInt64() == 0) break;
            await Task.Delay(100);
        }
        status.GetProperty("latest").GetProperty("size").GetInt64().ShouldBeGreaterThan(50);

        var verify = await (await auditor.PostAsync("/api/integrity/verify", null)).Content.ReadFromJsonAsync<JsonElement>();
        verify.GetProperty("ok").GetBoolean().ShouldBeTrue(verify.ToString());
        verify.GetProperty("verifiedFromSeq").GetInt64().ShouldBe(1);

        var proof = await auditor.GetAsync("/api/integrity/proofs/10");
        proof.StatusCode.ShouldBe(HttpStatusCode.OK);
        var check = InclusionProofFile.Verify(await proof.Content.ReadAsByteArrayAsync(), null);
        check.Ok.ShouldBeTrue(check.Message);
        (await auditor.GetAsync("/api/integrity/proofs/not-an-event")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
