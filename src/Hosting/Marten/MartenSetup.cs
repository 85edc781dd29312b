using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using LogControl.Domain.Access;
using LogControl.Domain.Ingestion;
using LogControl.Domain.Reference;
using LogControl.Ingest.Storage;
using LogControl.Projections.Access;
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
    public static void Configure(StoreOptions opts, NpgsqlDataSource dataSource, bool withAsyncProjections = true)
    {
        opts.Connection(dataSource);
        opts.DatabaseSchemaName = Schema;
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

        opts.Storage.ExtendedSchemaObjects.Add(AccessTimelineProjection.Table(Schema));
        foreach (var table in ReferenceHistoryProjection.Tables(Schema)) opts.Storage.ExtendedSchemaObjects.Add(table);
        if (withAsyncProjections)
        {
            // Each projection names the event types it reads, so its daemon shard fetches only those: the
            // reference history must not page through millions of access events, nor the timeline through facts.
            AddAsync(opts, new AccessTimelineProjection(Schema), "AccessTimelineProjection", [typeof(AccessRecorded)]);
            AddAsync(opts, new ReferenceHistoryProjection(Schema), "ReferenceHistoryProjection", ReferenceHistoryProjection.EventTypes);
        }
    }

    private static void AddAsync(StoreOptions opts, IProjection projection, string name, IEnumerable<Type> eventTypes)
    {
        var wrapper = new ProjectionWrapper<IDocumentOperations, IQuerySession>(projection, ProjectionLifecycle.Async) { Name = name };
        foreach (var type in eventTypes) wrapper.IncludeType(type);
        // Larger pages: both projections write one set-based statement per page and table.
        opts.Projections.Add(wrapper, ProjectionLifecycle.Async, o => { o.BatchSize = 5000; o.MaximumHopperSize = 20000; });
    }

    /// <param name="withAsyncProjections">
    /// True when this process runs the daemon itself (store.BuildProjectionDaemonAsync: demo, tests, benchmarks).
    /// </param>
    public static DocumentStore CreateStore(string connectionString, bool withAsyncProjections = false) =>
        DocumentStore.For(opts =>
        {
            Configure(opts, CreateDataSource(connectionString), withAsyncProjections);
            if (withAsyncProjections) opts.Projections.AsyncMode = DaemonMode.Solo;
        });
}
