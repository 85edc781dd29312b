using LogControl.Ingest.Pipeline;
using Marten;
using Microsoft.AspNetCore.Http;
using Wolverine.Http;

namespace LogControl.Server.Ingest;

/// <summary>What an HTTP ingest answers: the same whole-request totals the CLI prints.</summary>
public sealed record IngestResponse(string Source, long Accepted, long Duplicates, long Rejected, long Skipped);

/// <summary>
/// HTTP ingest for systems that push. Authenticated per source system with an API key
/// (header "X-Api-Key" or "Authorization: ApiKey KEY"). The body is spooled to a temporary file first:
/// the parsers are synchronous and streaming, and Kestrel forbids synchronous reads of the request body.
/// </summary>
public static class IngestEndpoints
{
    [WolverinePost("/api/ingest/csv")]
    public static Task<IResult> PostCsv(HttpRequest request, IQuerySession session, IngestPipeline pipeline, CancellationToken ct) =>
        IngestAsync(request, session, pipeline, InputFormat.Csv, ["text/csv", "application/csv", "text/plain"], ct);

    [WolverinePost("/api/ingest/fhir")]
    public static Task<IResult> PostFhir(HttpRequest request, IQuerySession session, IngestPipeline pipeline, CancellationToken ct)
    {
        var ndjson = request.ContentType?.Contains("ndjson", StringComparison.OrdinalIgnoreCase) == true;
        return IngestAsync(request, session, pipeline, ndjson ? InputFormat.Ndjson : InputFormat.Json,
            ["application/fhir+json", "application/json", "application/fhir+ndjson", "application/x-ndjson", "application/ndjson"], ct);
    }

    [WolverinePost("/api/ingest/reference")]
    public static Task<IResult> PostReference(HttpRequest request, IQuerySession session, IngestPipeline pipeline, CancellationToken ct) =>
        IngestAsync(request, session, pipeline, InputFormat.Ndjson, ["application/x-ndjson", "application/ndjson", "application/json"], ct);

    private static async Task<IResult> IngestAsync(HttpRequest request, IQuerySession session, IngestPipeline pipeline,
        InputFormat format, string[] contentTypes, CancellationToken ct)
    {
        var presented = request.Headers["X-Api-Key"].FirstOrDefault()
                        ?? (request.Headers.Authorization.FirstOrDefault() is { } auth && auth.StartsWith("ApiKey ", StringComparison.OrdinalIgnoreCase) ? auth[7..] : null);
        var system = await SourceSystemKey.AuthenticateAsync(session, presented, ct);
        if (system == null)
            return Results.Problem(statusCode: 401, title: "Unauthorized", detail: "A valid API key for a source system is required (header X-Api-Key).");

        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType != null && !contentTypes.Contains(mediaType) && mediaType != "application/gzip")
            return Results.Problem(statusCode: 415, title: "Unsupported media type",
                detail: $"'{mediaType}' is not accepted here; use one of {string.Join(", ", contentTypes)} (optionally gzip-compressed).");

        var spool = Path.Combine(Path.GetTempPath(), $"logcontrol-http-{Guid.NewGuid():N}");
        try
        {
            string digest;
            await using (var file = File.Create(spool))
            using (var hasher = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256))
            {
                var buffer = new byte[1 << 16];
                int n;
                while ((n = await request.Body.ReadAsync(buffer, ct)) > 0)
                {
                    hasher.AppendData(buffer, 0, n);
                    await file.WriteAsync(buffer.AsMemory(0, n), ct);
                }
                digest = Convert.ToHexString(hasher.GetHashAndReset())[..16].ToLowerInvariant();
            }
            if (new FileInfo(spool).Length == 0)
                return Results.Problem(statusCode: 400, title: "Empty body", detail: "The request body is empty.");

            // Named by content: the same body posted twice is the same source, so even its quarantined rows are not doubled.
            var source = $"http:{system}:{digest}";
            await using var input = new FileStream(spool, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            var totals = await pipeline.IngestStreamAsync(input, source, format, ct: ct);
            return Results.Ok(new IngestResponse(source, totals.Accepted, totals.Duplicates, totals.Rejected, totals.Skipped));
        }
        finally
        {
            File.Delete(spool);
        }
    }
}
