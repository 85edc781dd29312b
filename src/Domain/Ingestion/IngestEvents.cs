using NodaTime;

namespace LogControl.Domain.Ingestion;

/// <summary>
/// First event of every ingest batch stream: where the rows that follow came from.
/// A batch is the unit of atomic commit; its stream holds the batch's accepted events and quarantined rows.
/// </summary>
public sealed record IngestBatchRecorded(
    string Source,
    string Format,
    long FirstLine,
    long LastLine,
    int Accepted,
    int Duplicates,
    int Rejected,
    Instant RecordedAt);

/// <summary>A row (or whole file) that could not be accepted, kept with its raw content and the reason.</summary>
public sealed record RowQuarantined(
    string File,
    long Line,
    string ReasonCode,
    string Reason,
    string Raw,
    Instant QuarantinedAt);
