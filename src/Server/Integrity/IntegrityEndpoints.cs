using LogControl.Hosting.Integrity;
using LogControl.Integrity;
using LogControl.Workflow.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using NodaTime;
using Wolverine.Http;

namespace LogControl.Server.Integrity;

public sealed record CheckpointView(long Size, long LastSeq, Instant SignedAt, string Root, string KeyId);

public sealed record IntegrityStatusView(CheckpointView? Latest, int Checkpoints, long StoredEvents, long NotYetCovered);

public sealed record VerifyView(bool Ok, long VerifiedFromSeq, long VerifiedToSeq, long VerifiedEvents, int Checkpoints, long NotYetCovered,
    Divergence? Divergence, IReadOnlyList<string> Problems, IReadOnlyList<string> Notes);

/// <summary>Tamper evidence over HTTP for internal audit: status, a full verify, and inclusion proofs to keep offline.</summary>
public static class IntegrityEndpoints
{
    [WolverineGet("/api/integrity/status")]
    [Authorize(Policy = Policies.AdminOrAuditor)]
    public static async Task<IntegrityStatusView> Status(IDocumentStore store, CancellationToken ct)
    {
        var s = await IntegrityStatus.ReadAsync(store, ct);
        return new IntegrityStatusView(s.Latest is { } c ? View(c) : null, s.Checkpoints, s.StoredEvents, s.NotYetCovered);
    }

    /// <summary>Recomputes the whole history: seconds for hundreds of thousands of events, so it is a POST, not a page load.</summary>
    [WolverinePost("/api/integrity/verify")]
    [Authorize(Policy = Policies.AdminOrAuditor)]
    public static async Task<VerifyView> Verify(IDocumentStore store, IConfiguration config, CancellationToken ct)
    {
        var settings = IntegritySettings.From(config);
        var report = await new IntegrityVerifier(store, settings.LoadOrCreateTrustedKey(), settings.ExternalLogFor(store)).VerifyAsync(ct);
        return new VerifyView(report.Ok, report.FirstSeq, report.Latest?.LastSeq ?? 0, report.Latest?.Size ?? 0, report.Checkpoints,
            report.Uncovered, report.First, report.Problems, report.Notes);
    }

    /// <summary>The proof file of `logctl prove`, for `logctl verify-proof` on any machine.</summary>
    [WolverineGet("/api/integrity/proofs/{eventRef}")]
    [Authorize(Policy = Policies.AdminOrAuditor)]
    public static async Task<IResult> Proof(string eventRef, IDocumentStore store, IConfiguration config, CancellationToken ct)
    {
        var settings = IntegritySettings.From(config);
        try
        {
            var proof = await new InclusionProver(store, settings.LoadOrCreateTrustedKey(), settings.ExternalLogFor(store)).ProveAsync(eventRef, ct);
            return Results.File(proof.ToBytes(), "application/json", $"proof-{proof.Event.Seq}.json");
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return Results.Problem(statusCode: ex is ArgumentException ? 400 : 404, title: "No proof", detail: ex.Message);
        }
    }

    private static CheckpointView View(Checkpoint c) => new(c.Size, c.LastSeq, c.Time, c.RootHex, c.KeyId);
}
