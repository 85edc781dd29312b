using Marten;

namespace LogControl.Workflow;

/// <summary>The workflow's share of the event store configuration: aggregates and their events. Called by MartenSetup.</summary>
public static class WorkflowSetup
{
    public static void Configure(StoreOptions opts)
    {
        // Each slice registers its aggregate here (one line each).
        opts.Projections.Snapshot<Reviews.Review>(JasperFx.Events.Projections.SnapshotLifecycle.Inline);
        opts.Projections.Snapshot<Reviews.UnitReviewSettings>(JasperFx.Events.Projections.SnapshotLifecycle.Inline);
        // The reviews' dates and counts without their items: what compliance and trend reports read.
        opts.Projections.Snapshot<Reviews.ReviewSummary>(JasperFx.Events.Projections.SnapshotLifecycle.Inline);
        Investigations.InvestigationsSetup.Configure(opts);
        Accounts.AccountSetup.Configure(opts);
    }
}
