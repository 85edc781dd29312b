using JasperFx.Events;
using LogControl.Domain.Reference;
using Marten;
using NodaTime;
using NodaTime.Text;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace LogControl.Projections.Reference;

/// <summary>
/// Reference data as history (contracts/reference-data.md): one row per fact key and validity start, so
/// "as of" questions are a lookup of the latest start on or before a date (<see cref="ReferenceHistory"/>).
/// A later fact for the same key supersedes an earlier one only from its own date; for the same key and
/// date the fact ingested later wins (higher event sequence). Facts without a "from" start at
/// <see cref="OpenStart"/>. Detection's projection calls it first for each page of events, so facts and
/// accesses are seen in one ordered pass; one set-based upsert per fact type and page.
/// </summary>
public sealed class ReferenceHistoryWriter(string schema)
{
    /// <summary>The facts this writer reads.</summary>
    public static readonly Type[] EventTypes =
    [
        typeof(UnitDescribed), typeof(ClientDescribed), typeof(StaffPlacementRecorded), typeof(EnrollmentRecorded),
        typeof(AssignmentRecorded), typeof(ShiftRecorded), typeof(VisitRecorded), typeof(RelationDeclared),
    ];

    /// <summary>Stands for "valid since always" where a fact has no start date.</summary>
    public static readonly LocalDate OpenStart = new(1, 1, 1);

    public static IEnumerable<Table> Tables(string schema)
    {
        Table T(string name) => new(new PostgresqlObjectName(schema, name));
        var units = T("lc_ref_units");
        units.AddColumn<string>("unit_id").AsPrimaryKey();
        units.AddColumn<string>("name"); units.AddColumn<string>("kind"); units.AddColumn<string>("manager_user_id");
        units.AddColumn<string>("comparable_group"); units.AddColumn("covers_units", "text[]");
        units.AddColumn<long>("seq_id").NotNull();

        var clients = T("lc_ref_clients");
        clients.AddColumn<string>("client_id").AsPrimaryKey();
        clients.AddColumn<string>("surname"); clients.AddColumn<string>("address_key");
        clients.AddColumn<bool>("protected_identity").NotNull(); clients.AddColumn("deceased_on", "date");
        clients.AddColumn<long>("seq_id").NotNull();

        var placements = T("lc_ref_placements");
        placements.AddColumn<string>("user_id").AsPrimaryKey(); placements.AddColumn("valid_from", "date").AsPrimaryKey();
        placements.AddColumn("valid_to", "date"); placements.AddColumn<string>("unit_id"); placements.AddColumn<string>("role");
        placements.AddColumn<string>("name"); placements.AddColumn<string>("surname"); placements.AddColumn<string>("personnummer");
        placements.AddColumn<string>("address_key"); placements.AddColumn<long>("seq_id").NotNull();
        placements.Indexes.Add(new IndexDefinition("ix_lc_ref_placements_unit") { Columns = ["unit_id", "valid_from"] });
        // Own-record and co-worker rules look staff up by personnummer (a client id).
        placements.Indexes.Add(new IndexDefinition("ix_lc_ref_placements_pnr") { Columns = ["personnummer"] });

        var enrollments = T("lc_ref_enrollments");
        enrollments.AddColumn<string>("client_id").AsPrimaryKey(); enrollments.AddColumn<string>("unit_id").AsPrimaryKey();
        enrollments.AddColumn("valid_from", "date").AsPrimaryKey(); enrollments.AddColumn("valid_to", "date");
        enrollments.AddColumn<long>("seq_id").NotNull();
        enrollments.Indexes.Add(new IndexDefinition("ix_lc_ref_enrollments_unit") { Columns = ["unit_id", "valid_from"] });

        var assignments = T("lc_ref_assignments");
        assignments.AddColumn<string>("user_id").AsPrimaryKey(); assignments.AddColumn<string>("client_id").AsPrimaryKey();
        assignments.AddColumn("valid_from", "date").AsPrimaryKey(); assignments.AddColumn("valid_to", "date");
        assignments.AddColumn<string>("reason"); assignments.AddColumn<long>("seq_id").NotNull();

        var shifts = T("lc_ref_shifts");
        shifts.AddColumn<string>("user_id").AsPrimaryKey(); shifts.AddColumn("start_at", "timestamptz").AsPrimaryKey();
        shifts.AddColumn("end_at", "timestamptz"); shifts.AddColumn<string>("unit_id"); shifts.AddColumn<long>("seq_id").NotNull();
        shifts.Indexes.Add(new IndexDefinition("ix_lc_ref_shifts_unit") { Columns = ["unit_id", "start_at"] });

        var visits = T("lc_ref_visits");
        visits.AddColumn<string>("visit_id").AsPrimaryKey(); visits.AddColumn<string>("client_id"); visits.AddColumn<string>("user_id");
        visits.AddColumn<string>("unit_id"); visits.AddColumn("start_at", "timestamptz"); visits.AddColumn("end_at", "timestamptz");
        visits.AddColumn<long>("seq_id").NotNull();
        visits.Indexes.Add(new IndexDefinition("ix_lc_ref_visits_user_client") { Columns = ["user_id", "client_id", "start_at"] });

        var relations = T("lc_ref_relations");
        relations.AddColumn<string>("user_id").AsPrimaryKey(); relations.AddColumn<string>("client_id").AsPrimaryKey();
        relations.AddColumn("valid_from", "date").AsPrimaryKey(); relations.AddColumn<string>("kind"); relations.AddColumn<long>("seq_id").NotNull();

        return [units, clients, placements, enrollments, assignments, shifts, visits, relations];
    }

    public void Queue(IDocumentOperations operations, IReadOnlyList<IEvent> events)
    {
        var batches = new Dictionary<string, Upsert>();
        Upsert For(string table, string[] keys, params (string Column, string Cast)[] columns)
        {
            if (!batches.TryGetValue(table, out var u)) batches[table] = u = new Upsert(schema, table, keys, columns);
            return u;
        }

        foreach (var e in events)
        {
            switch (e.Data)
            {
                case UnitDescribed u:
                    For("lc_ref_units", ["unit_id"], ("unit_id", "text"), ("name", "text"), ("kind", "text"), ("manager_user_id", "text"),
                            ("comparable_group", "text"), ("covers_units", "text[]"))
                        .Add(e.Sequence, u.UnitId, u.Name, u.Kind, u.ManagerUserId, u.ComparableGroup, ToArrayLiteral(u.CoversUnits));
                    break;
                case ClientDescribed c:
                    For("lc_ref_clients", ["client_id"], ("client_id", "text"), ("surname", "text"), ("address_key", "text"),
                            ("protected_identity", "boolean"), ("deceased_on", "date"))
                        .Add(e.Sequence, c.ClientId, c.Surname, c.AddressKey, c.ProtectedIdentity ? "true" : "false", Date(c.DeceasedOn));
                    break;
                case StaffPlacementRecorded s:
                    For("lc_ref_placements", ["user_id", "valid_from"], ("user_id", "text"), ("valid_from", "date"), ("valid_to", "date"),
                            ("unit_id", "text"), ("role", "text"), ("name", "text"), ("surname", "text"), ("personnummer", "text"), ("address_key", "text"))
                        .Add(e.Sequence, s.UserId, Date(s.From ?? OpenStart), Date(s.To), s.UnitId, s.Role, s.Name, s.Surname, s.Personnummer, s.AddressKey);
                    break;
                case EnrollmentRecorded en:
                    For("lc_ref_enrollments", ["client_id", "unit_id", "valid_from"], ("client_id", "text"), ("unit_id", "text"),
                            ("valid_from", "date"), ("valid_to", "date"))
                        .Add(e.Sequence, en.ClientId, en.UnitId, Date(en.From ?? OpenStart), Date(en.To));
                    break;
                case AssignmentRecorded a:
                    For("lc_ref_assignments", ["user_id", "client_id", "valid_from"], ("user_id", "text"), ("client_id", "text"),
                            ("valid_from", "date"), ("valid_to", "date"), ("reason", "text"))
                        .Add(e.Sequence, a.UserId, a.ClientId, Date(a.From ?? OpenStart), Date(a.To), a.Reason);
                    break;
                case ShiftRecorded sh:
                    For("lc_ref_shifts", ["user_id", "start_at"], ("user_id", "text"), ("start_at", "timestamptz"), ("end_at", "timestamptz"), ("unit_id", "text"))
                        .Add(e.Sequence, sh.UserId, Time(sh.Start), Time(sh.End), sh.UnitId);
                    break;
                case VisitRecorded v:
                    For("lc_ref_visits", ["visit_id"], ("visit_id", "text"), ("client_id", "text"), ("user_id", "text"), ("unit_id", "text"),
                            ("start_at", "timestamptz"), ("end_at", "timestamptz"))
                        .Add(e.Sequence, v.VisitId, v.ClientId, v.UserId, v.UnitId, Time(v.Start), Time(v.End));
                    break;
                case RelationDeclared r:
                    For("lc_ref_relations", ["user_id", "client_id", "valid_from"], ("user_id", "text"), ("client_id", "text"),
                            ("valid_from", "date"), ("kind", "text"))
                        .Add(e.Sequence, r.UserId, r.ClientId, Date(r.From ?? OpenStart), r.Kind);
                    break;
            }
        }

        foreach (var u in batches.Values) u.Queue(operations);
    }

    private static string? Date(LocalDate? d) => d == null ? null : LocalDatePattern.Iso.Format(d.Value);
    private static string? Time(Instant? i) => i == null ? null : InstantPattern.ExtendedIso.Format(i.Value);

    private static string ToArrayLiteral(IReadOnlyList<string> items) =>
        "{" + string.Join(",", items.Select(i => "\"" + i.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"")) + "}";

    /// <summary>
    /// Collects one page's rows for a table, keeps the latest per key (a page may hold the same key twice,
    /// which one INSERT ... ON CONFLICT cannot update twice), and writes them with one statement that never
    /// lets an older fact overwrite a newer one (replays and rebuilds are idempotent).
    /// </summary>
    private sealed class Upsert(string schema, string table, string[] keys, (string Column, string Cast)[] columns)
    {
        private readonly Dictionary<string, (long Seq, string?[] Values)> _rows = new();

        public void Add(long seq, params string?[] values)
        {
            var key = string.Join("\u001f", keys.Select(k => values[Array.FindIndex(columns, c => c.Column == k)]));
            if (!_rows.TryGetValue(key, out var existing) || existing.Seq < seq) _rows[key] = (seq, values);
        }

        public void Queue(IDocumentOperations operations)
        {
            if (_rows.Count == 0) return;
            var rows = _rows.Values.ToList();
            var parameters = new List<object>();
            for (var c = 0; c < columns.Length; c++)
            {
                var column = new string?[rows.Count];
                for (var r = 0; r < rows.Count; r++) column[r] = rows[r].Values[c];
                parameters.Add(column);
            }
            parameters.Add(rows.Select(r => r.Seq).ToArray());

            var names = string.Join(", ", columns.Select(c => c.Column));
            var casts = string.Join(", ", columns.Select((c, i) => $"u.c{i}::{c.Cast}"));
            var unnest = string.Join(", ", columns.Select(_ => "?::text[]")) + ", ?::bigint[]";
            var aliases = string.Join(", ", columns.Select((_, i) => $"c{i}")) + ", seq";
            var updates = string.Join(", ", columns.Where(c => !keys.Contains(c.Column)).Select(c => $"{c.Column} = excluded.{c.Column}")
                .Append("seq_id = excluded.seq_id"));
            operations.QueueSqlCommand($"""
                insert into {schema}.{table} ({names}, seq_id)
                select {casts}, u.seq from unnest({unnest}) as u({aliases})
                on conflict ({string.Join(", ", keys)}) do update set {updates}
                where {schema}.{table}.seq_id < excluded.seq_id
                """, parameters.ToArray());
        }
    }
}
