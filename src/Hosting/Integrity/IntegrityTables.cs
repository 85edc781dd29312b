using LogControl.Ingest.Storage;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace LogControl.Hosting.Integrity;

/// <summary>
/// The tamper evidence's own tables. They are not read models: nothing rebuilds them from the events,
/// because they are what the events are checked against.
/// </summary>
public static class IntegrityTables
{
    /// <summary>
    /// Dense leaf index over the event history: leaf i is the i-th event in sequence order. Stored in chunks of
    /// <see cref="ChunkSize"/> leaves (arrays of sequence numbers and event ids, concatenated hashes): one row per
    /// event would cost ingest more than the hashing does.
    /// </summary>
    public const string Leaves = "lc_integrity_leaves";
    public const int ChunkSize = 4096;
    public const string Checkpoints = "lc_integrity_checkpoints";
    /// <summary>Events moved out of mt_events by retention; same columns, still verified.</summary>
    public const string Archive = "lc_event_archive";

    /// <summary>
    /// The leaf index's columns are stored out of line without compression: leaf hashes do not compress, and trying
    /// (pglz, on every chunk written) cost PostgreSQL more than the rest of storing them.
    /// </summary>
    public static Task EnsureLeafStorageAsync(Npgsql.NpgsqlConnection conn, string schema, CancellationToken ct) =>
        UncompressedStorage.EnsureAsync(conn, schema, Leaves, ["seq_ids", "event_ids", "leaf_hashes"], ct);

    public static IEnumerable<Table> All(string schema)
    {
        var leaves = new Table(new PostgresqlObjectName(schema, Leaves));
        leaves.AddColumn<long>("chunk").AsPrimaryKey(); // leaves chunk * ChunkSize onwards
        leaves.AddColumn("seq_ids", "bigint[]").NotNull();
        leaves.AddColumn("event_ids", "uuid[]").NotNull();
        leaves.AddColumn("leaf_hashes", "bytea").NotNull();
        yield return leaves;
        yield return WrittenLeaves.Definition(schema);

        var checkpoints = new Table(new PostgresqlObjectName(schema, Checkpoints));
        checkpoints.AddColumn<long>("tree_size").AsPrimaryKey();
        checkpoints.AddColumn("root_hash", "bytea").NotNull();
        checkpoints.AddColumn<long>("last_seq").NotNull();
        checkpoints.AddColumn<long>("signed_at_micros").NotNull();
        checkpoints.AddColumn<string>("key_id").NotNull();
        checkpoints.AddColumn("signature", "bytea").NotNull();
        // The compact range (peaks) at this size, so the next extension continues without reading all leaves.
        checkpoints.AddColumn("frontier", "bytea").NotNull();
        yield return checkpoints;
    }
}
