using JasperFx.Events;
using LogControl.Domain.Access;
using Marten;
using Marten.Events.Projections;
using NodaTime;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace LogControl.Projections.Access;

/// <summary>
/// The access index: one narrow row per patient-record access, keyed by the event's sequence number,
/// indexed for the three timelines later work reads: per user, per client and per unit over time.
/// Written by the async daemon in one set-based statement per page of events, so it keeps pace with
/// bulk ingest. The events stay the truth; this table can be rebuilt from them at any time.
/// </summary>
public sealed class AccessTimelineProjection : IProjection
{
    public const string TableName = "lc_access_timeline";

    public static Table Table(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName));
        table.AddColumn<long>("seq_id").AsPrimaryKey();
        table.AddColumn("occurred_at", "timestamptz").NotNull();
        table.AddColumn<string>("user_id").NotNull();
        table.AddColumn<string>("client_id").NotNull();
        table.AddColumn<string>("unit_id");
        table.AddColumn<string>("action").NotNull();
        table.AddColumn<string>("purpose").NotNull();
        table.AddColumn<bool>("failed").NotNull();
        table.AddColumn<Guid>("event_id").NotNull();
        table.Indexes.Add(new IndexDefinition($"ix_{TableName}_user") { Columns = ["user_id", "occurred_at"] });
        table.Indexes.Add(new IndexDefinition($"ix_{TableName}_client") { Columns = ["client_id", "occurred_at"] });
        table.Indexes.Add(new IndexDefinition($"ix_{TableName}_unit") { Columns = ["unit_id", "occurred_at"] });
        return table;
    }

    private readonly string _schema;

    public AccessTimelineProjection(string schema) => _schema = schema;

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var n = 0;
        foreach (var e in events) if (e.Data is AccessRecorded) n++;
        if (n == 0) return Task.CompletedTask;

        var seq = new long[n];
        var at = new DateTimeOffset[n];
        var user = new string[n];
        var client = new string[n];
        var unit = new string?[n];
        var action = new string[n];
        var purpose = new string[n];
        var failed = new bool[n];
        var id = new Guid[n];
        var i = 0;
        foreach (var e in events)
        {
            if (e.Data is not AccessRecorded a) continue;
            seq[i] = e.Sequence;
            at[i] = a.OccurredAt.ToDateTimeOffset();
            user[i] = a.UserId;
            client[i] = a.ClientId;
            unit[i] = a.UnitId;
            action[i] = a.Action.ToString();
            purpose[i] = a.Purpose.ToString();
            failed[i] = a.Outcome == AccessOutcome.Failed;
            id[i] = e.Id;
            i++;
        }

        // Idempotent: a page replayed after a daemon restart rewrites the same rows.
        operations.QueueSqlCommand($"""
            insert into {_schema}.{TableName} (seq_id, occurred_at, user_id, client_id, unit_id, action, purpose, failed, event_id)
            select * from unnest(?, ?, ?, ?, ?, ?, ?, ?, ?)
            on conflict (seq_id) do nothing
            """, seq, at, user, client, unit, action, purpose, failed, id);
        return Task.CompletedTask;
    }
}
