using LogControl.Projections.Access;
using LogControl.Projections.Reference;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace LogControl.Projections.Detection;

/// <summary>The tables detection owns. All but <see cref="Published"/> are rebuilt from the events.</summary>
public static class DetectionTables
{
    public const string Hits = "lc_anomaly_hits";
    public const string Anomalies = "lc_anomalies";
    public const string UserDays = "lc_user_day";
    /// <summary>What the publisher has told the event store about each anomaly. Survives rebuilds on purpose.</summary>
    public const string Published = "lc_anomaly_published";

    /// <summary>Every table the projection writes, so a rebuild can clear them first.</summary>
    public static IEnumerable<string> Rebuilt(string schema) =>
        new[] { AccessTimeline.TableName, Hits, Anomalies, UserDays }
            .Concat(ReferenceHistoryWriter.Tables(schema).Select(t => t.Identifier.Name))
            .Select(t => $"{schema}.{t}");

    public static IEnumerable<Table> All(string schema)
    {
        Table T(string name) => new(new PostgresqlObjectName(schema, name));

        // One row per access and rule it hit; an anomaly is the group of hits sharing anomaly_id.
        var hits = T(Hits);
        hits.AddColumn<long>("seq_id").AsPrimaryKey();
        hits.AddColumn<string>("rule").AsPrimaryKey();
        hits.AddColumn<Guid>("anomaly_id").NotNull();
        hits.AddColumn<string>("user_id").NotNull();
        hits.AddColumn<string>("client_id");
        hits.AddColumn("local_day", "date").NotNull();
        hits.AddColumn("evidence", "jsonb").NotNull();
        hits.Indexes.Add(new IndexDefinition($"ix_{Hits}_anomaly") { Columns = ["anomaly_id"] });
        hits.Indexes.Add(new IndexDefinition($"ix_{Hits}_rule_day") { Columns = ["rule", "local_day", "user_id"] });

        var anomalies = T(Anomalies);
        anomalies.AddColumn<Guid>("anomaly_id").AsPrimaryKey();
        anomalies.AddColumn<string>("rule").NotNull();
        anomalies.AddColumn<string>("severity").NotNull();
        anomalies.AddColumn<string>("user_id").NotNull();
        anomalies.AddColumn<string>("user_name");
        anomalies.AddColumn<string>("client_id");
        anomalies.AddColumn<string>("unit_id");
        anomalies.AddColumn("local_day", "date").NotNull();
        anomalies.AddColumn("first_access_at", "timestamptz").NotNull();
        anomalies.AddColumn("last_access_at", "timestamptz").NotNull();
        anomalies.AddColumn<int>("access_count").NotNull();
        anomalies.AddColumn("source_event_ids", "text[]").NotNull();
        anomalies.AddColumn("seq_ids", "bigint[]").NotNull();
        anomalies.AddColumn("evidence", "jsonb").NotNull();
        anomalies.AddColumn<long>("last_seq").NotNull();
        // Wall-clock times of this row's writes: operational (detection lag), not part of the finding.
        anomalies.AddColumn("first_stored_at", "timestamptz").NotNull();
        anomalies.AddColumn("stored_at", "timestamptz").NotNull();
        anomalies.Indexes.Add(new IndexDefinition($"ix_{Anomalies}_user") { Columns = ["user_id", "local_day"] });
        anomalies.Indexes.Add(new IndexDefinition($"ix_{Anomalies}_unit") { Columns = ["unit_id", "local_day"] });
        anomalies.Indexes.Add(new IndexDefinition($"ix_{Anomalies}_day") { Columns = ["local_day"] });

        // Distinct clients per user and local day: the input of VOLUME_SPIKE.
        var days = T(UserDays);
        days.AddColumn<string>("user_id").AsPrimaryKey();
        days.AddColumn("local_day", "date").AsPrimaryKey();
        days.AddColumn<int>("clients").NotNull();
        days.AddColumn<int>("accesses").NotNull();
        days.Indexes.Add(new IndexDefinition($"ix_{UserDays}_day") { Columns = ["local_day"] });

        var published = T(Published);
        published.AddColumn<Guid>("anomaly_id").AsPrimaryKey();
        published.AddColumn<string>("fingerprint").NotNull();
        published.AddColumn<string>("rule").NotNull();
        published.AddColumn("seq_ids", "bigint[]").NotNull();
        published.AddColumn<bool>("active").NotNull();
        published.AddColumn("detected_at", "timestamptz").NotNull();
        published.AddColumn("changed_at", "timestamptz").NotNull();

        return [hits, anomalies, days, published];
    }
}
