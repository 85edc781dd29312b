using LogControl.Domain.Time;
using Marten;
using NodaTime;
using Npgsql;

namespace LogControl.Hosting.Integrity;

/// <summary>
/// Retention: events are kept at least five years. Older ones may be moved out of the hot event table into
/// <see cref="IntegrityTables.Archive"/> (same columns; put it on cheaper storage with a tablespace if wanted).
/// The verifier reads both, so archiving never breaks verification. Only whole streams move, so no aggregate
/// loses part of its history, and only events a signed checkpoint already covers.
/// </summary>
public sealed class EventArchiver(IDocumentStore store, IClock clock)
{
    public static readonly Period MinimumRetention = Period.FromYears(5);
    private string Schema => store.Options.Events.DatabaseSchemaName;

    public sealed record Result(long Events, long Streams, LocalDate Before);

    public LocalDate LatestAllowedCutoff => SwedishTime.DateOf(clock.GetCurrentInstant()) - MinimumRetention;

    public async Task<Result> ArchiveAsync(LocalDate before, bool dryRun, CancellationToken ct)
    {
        if (before > LatestAllowedCutoff)
            throw new ArgumentException($"events are kept at least five years: the cutoff must be {LatestAllowedCutoff:yyyy-MM-dd} or earlier");
        var cutoff = before.AtStartOfDayInZone(SwedishTime.Zone).ToInstant();

        await using var conn = store.Storage.Database.CreateConnection();
        await conn.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await Exec($"create table if not exists {Schema}.{IntegrityTables.Archive} (like {Schema}.mt_events including defaults)");
        await Exec($"""
            create temp table archive_streams on commit drop as
            select stream_id from {Schema}.mt_events group by stream_id
            having max(timestamp) < $1
               and max(seq_id) <= (select coalesce(max(last_seq), 0) from {Schema}.{IntegrityTables.Checkpoints})
            """, cutoff.ToDateTimeUtc());
        long events, streams;
        await using (var count = new NpgsqlCommand(
                         $"select count(*), count(distinct e.stream_id) from {Schema}.mt_events e join archive_streams a using (stream_id)", conn, tx))
        await using (var r = await count.ExecuteReaderAsync(ct))
        {
            await r.ReadAsync(ct);
            events = r.GetInt64(0);
            streams = r.GetInt64(1);
        }
        if (!dryRun && events > 0)
        {
            await Exec($"insert into {Schema}.{IntegrityTables.Archive} select e.* from {Schema}.mt_events e join archive_streams a using (stream_id)");
            await Exec($"delete from {Schema}.mt_events e using archive_streams a where e.stream_id = a.stream_id");
            await Exec($"update {Schema}.mt_streams s set is_archived = true from archive_streams a where s.id = a.stream_id");
            await tx.CommitAsync(ct);
        }
        return new Result(events, streams, before);

        async Task Exec(string sql, params object[] args)
        {
            await using var cmd = new NpgsqlCommand(sql, conn, tx);
            foreach (var a in args) cmd.Parameters.AddWithValue(a);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }
}
