using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LogControl.Tests.Support;
using static LogControl.Tests.Support.IngestTestKit;

namespace LogControl.Tests.Ingest.Pipeline;

/// <summary>
/// Property: whatever mix of new, invalid, duplicate and conflicting rows arrives, across batch
/// boundaries, every row ends up accepted, duplicate or quarantined, with exactly the expected counts.
/// </summary>
public sealed class CountsAddUpProperties(TestDatabase db) : IClassFixture<TestDatabase>
{
    public enum RowKind { New, Invalid, Duplicate, Conflict }

    [Property(MaxTest = 25)]
    public bool every_row_is_accepted_duplicate_or_quarantined(RowKind[] kinds)
    {
        return Check(kinds).GetAwaiter().GetResult();
    }

    private async Task<bool> Check(RowKind[] kinds)
    {
        var system = "P" + Guid.NewGuid().ToString("N")[..10];
        var rows = new List<string>();
        var seen = new List<int>();
        long accepted = 0, duplicates = 0, rejected = 0;
        var next = 1;
        var conflictVariant = 0;
        foreach (var kind in kinds)
        {
            switch (kind)
            {
                case RowKind.Duplicate when seen.Count > 0:
                    rows.Add(Row(seen[rows.Count % seen.Count], system: system));
                    duplicates++;
                    break;
                case RowKind.Conflict when seen.Count > 0:
                    // Same identity, different user: a conflict every time it differs from the first.
                    rows.Add(Row(seen[rows.Count % seen.Count], system: system, user: $"U-OTHER-{conflictVariant++}"));
                    rejected++;
                    break;
                case RowKind.Invalid:
                    rows.Add($"LC-X{rows.Count};2026-03-02 07:41:12;{system};U1;;;;19121212-1212;look;care;");
                    rejected++;
                    break;
                default:
                    rows.Add(Row(next, system: system));
                    seen.Add(next++);
                    accepted++;
                    break;
            }
        }
        if (rows.Count == 0) return true;

        await using var store = db.CreateStore();
        var file = WriteCsv(TempDir(), "p.csv", rows);
        var pipeline = new LogControl.Ingest.Pipeline.IngestPipeline(store, options: new LogControl.Ingest.Pipeline.IngestOptions { BatchSize = 7 });
        await pipeline.EnsureSchemaAsync();
        var totals = await pipeline.IngestPathsAsync([file]);
        var stored = (await AccessEventsAsync(store, system)).Count;
        return totals.Accepted == accepted && totals.Duplicates == duplicates && totals.Rejected == rejected
               && totals.Rows == rows.Count && stored == accepted;
    }
}
