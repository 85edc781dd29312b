using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using LogControl.Domain.Access;
using LogControl.Domain.Ingestion;
using LogControl.Domain.Reference;
using LogControl.Ingest.Storage;
using LogControl.Domain.Detection;
using LogControl.Projections.Access;
using LogControl.Projections.Detection;
using LogControl.Projections.Reference;
using Marten;
using Marten.Events.Projections;
using JasperFx.Events.Projections;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;
using Npgsql;
using Weasel.Core;

namespace LogControl.Hosting.Marten;

/// <summary>The one place where the event store is configured. Every host (CLI, server, tests, benchmarks) uses it.</summary>
public static class MartenSetup
{
    public const string Schema = "lc";

    /// <summary>Npgsql with the NodaTime plugin (Marten.NodaTime is not available here, so we wire it ourselves).</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseNodaTime();
        return builder.Build();
    }

    /// <param name="withAsyncProjections">False for short-lived CLI processes that only append: the daemon hosts (server, tests) register them.</param>
    /// <param name="readModelSchema">
    /// Where documents and read models live; the events always live in <see cref="Schema"/>. Only `projections check` passes
    /// another: it rebuilds into a shadow schema next to the live read models without touching them.
    /// </param>
    public static void Configure(StoreOptions opts, NpgsqlDataSource dataSource, bool withAsyncProjections = true, string readModelSchema = Schema)
    {
        opts.Connection(dataSource);
        opts.DatabaseSchemaName = readModelSchema;
        opts.Events.DatabaseSchemaName = Schema;
        opts.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;

        opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase,
            o =>
            {
                o.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
                // Absent optional fields are left out: smaller jsonb is cheaper for PostgreSQL to parse and store.
                o.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
            });

        // Access events are keyed by their source identity: the event id is derived from (system, event_id),
        // and this unique index makes the store itself refuse a second copy, whoever writes it.
        opts.Events.StreamIdentity = StreamIdentity.AsGuid;
        opts.Events.EnableUniqueIndexOnEventId = true;

        // The high-volume access events are stored as compact binary payloads (mt_events.bdata), not jsonb.
        opts.Events.UseBinarySerializer<AccessRecorded>(AccessEventCodec.Instance);
        opts.Events.UseBinarySerializer<ActivityRecorded>(AccessEventCodec.Instance);

        opts.Events.AddEventTypes([
            typeof(AccessRecorded), typeof(ActivityRecorded),
            typeof(IngestBatchRecorded), typeof(RowQuarantined),
            typeof(UnitDescribed), typeof(StaffPlacementRecorded), typeof(ClientDescribed),
            typeof(EnrollmentRecorded), typeof(AssignmentRecorded), typeof(ShiftRecorded),
            typeof(VisitRecorded), typeof(RelationDeclared),
        ]);

        opts.Events.AddEventTypes([typeof(AnomalyDetected), typeof(AnomalyEvidenceChanged), typeof(AnomalyRetracted)]);

        LogControl.Workflow.WorkflowSetup.Configure(opts);

        opts.Storage.ExtendedSchemaObjects.Add(AccessTimeline.Table(readModelSchema));
        foreach (var table in ReferenceHistoryWriter.Tables(readModelSchema)) opts.Storage.ExtendedSchemaObjects.Add(table);
        foreach (var table in DetectionTables.All(readModelSchema)) opts.Storage.ExtendedSchemaObjects.Add(table);
        // The tamper evidence lives next to the events, never in a shadow read-model schema.
        if (readModelSchema == Schema)
            foreach (var table in Integrity.IntegrityTables.All(Schema)) opts.Storage.ExtendedSchemaObjects.Add(table);
        if (withAsyncProjections)
        {
            // One projection reads facts and accesses in event order, so an access is always judged against the
            // reference data that precedes it and again when later facts touch it. Its daemon shard fetches
            // only those event types: not quarantine rows, batch markers or activity without a client.
            var detection = new ProjectionWrapper<IDocumentOperations, IQuerySession>(new DetectionProjection(readModelSchema), ProjectionLifecycle.Async)
            {
                Name = DetectionProjection.Name,
            };
            foreach (var type in DetectionProjection.EventTypes) detection.IncludeType(type);
            opts.Projections.Add(detection, ProjectionLifecycle.Async, o =>
            {
                // Larger pages: every statement is set-based, so fewer, bigger pages keep up with bulk ingest.
                o.BatchSize = 5000;
                o.MaximumHopperSize = 20000;
                foreach (var table in DetectionTables.Rebuilt(readModelSchema)) o.DeleteDataInTableOnTeardown(table);
            });
        }
    }

    /// <param name="withAsyncProjections">
    /// True when this process runs the daemon itself (store.BuildProjectionDaemonAsync: demo, tests, benchmarks).
    /// </param>
    public static DocumentStore CreateStore(string connectionString, bool withAsyncProjections = false, string readModelSchema = Schema) =>
        DocumentStore.For(opts =>
        {
            Configure(opts, CreateDataSource(connectionString), withAsyncProjections, readModelSchema);
            if (withAsyncProjections) opts.Projections.AsyncMode = DaemonMode.Solo;
        });
}
