using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace LogControl.Projections.Access;

/// <summary>
/// The access index: one narrow row per patient-record access, keyed by the event's sequence number,
/// indexed for the timelines later work reads (per user, per client, per unit over time), with the
/// explanation detection found for it. Written by <see cref="Detection.DetectionProjection"/>; the events
/// stay the truth, and this table can be rebuilt from them at any time.
/// </summary>
public static class AccessTimeline
{
    public const string TableName = "lc_access_timeline";

    public static Table Table(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName));
        table.AddColumn<long>("seq_id").AsPrimaryKey();
        table.AddColumn("occurred_at", "timestamptz").NotNull();
        // The local day in Europe/Stockholm: rules, grouping and reports think in local days.
        table.AddColumn("local_day", "date");
        table.AddColumn<string>("user_id").NotNull();
        table.AddColumn<string>("client_id").NotNull();
        table.AddColumn<string>("unit_id");
        table.AddColumn<string>("action").NotNull();
        table.AddColumn<string>("purpose").NotNull();
        table.AddColumn<bool>("failed").NotNull();
        table.AddColumn<Guid>("event_id").NotNull();
        // "system:event_id", as anomaly exports cite their evidence.
        table.AddColumn<string>("source_ref");
        // The ExplanationKind that held, or null when nothing explains the access.
        table.AddColumn("explanation", "smallint");
        table.Indexes.Add(new IndexDefinition($"ix_{TableName}_user") { Columns = ["user_id", "occurred_at"] });
        table.Indexes.Add(new IndexDefinition($"ix_{TableName}_user_day") { Columns = ["user_id", "local_day"] });
        table.Indexes.Add(new IndexDefinition($"ix_{TableName}_client") { Columns = ["client_id", "occurred_at"] });
        table.Indexes.Add(new IndexDefinition($"ix_{TableName}_unit") { Columns = ["unit_id", "occurred_at"] });
        return table;
    }
}
