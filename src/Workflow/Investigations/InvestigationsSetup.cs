using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime;
using Wolverine;

namespace LogControl.Workflow.Investigations;

/// <summary>The investigations slice's share of the event store and of Wolverine.</summary>
public static class InvestigationsSetup
{
    public static void Configure(StoreOptions opts)
    {
        // Inline: the snapshot commits with the events, so "the user's open case" and "open breaches" are current.
        opts.Projections.Snapshot<Investigation>(SnapshotLifecycle.Inline);

        // At most one open investigation per user, guarded by the database too: two openings that race past the
        // handler's query cannot both commit (the loser is retried and then finds the open case).
        opts.Schema.For<Investigation>().Index(x => x.SubjectUserId, idx =>
        {
            idx.Name = "ux_investigation_open_subject";
            idx.IsUnique = true;
            idx.Predicate = "(data ->> 'status') = 'Open'";
        });

        // Explicit aliases: other slices have notes and decisions too, and Marten names events by their type name.
        opts.Events.MapEventType<InvestigationOpened>("investigation_opened");
        opts.Events.MapEventType<EscalationAttached>("investigation_escalation_attached");
        opts.Events.MapEventType<AnomaliesAttached>("investigation_anomalies_attached");
        opts.Events.MapEventType<NoteAdded>("investigation_note_added");
        opts.Events.MapEventType<InterviewRecorded>("investigation_interview_recorded");
        opts.Events.MapEventType<BreachConfirmed>("investigation_breach_confirmed");
        opts.Events.MapEventType<ImyNotified>("investigation_imy_notified");
        opts.Events.MapEventType<LexSarahReported>("investigation_lex_sarah_reported");
        opts.Events.MapEventType<LexMariaReported>("investigation_lex_maria_reported");
        opts.Events.MapEventType<HrReferred>("investigation_hr_referred");
        opts.Events.MapEventType<PoliceReported>("investigation_police_reported");
        opts.Events.MapEventType<ImyDeadlineWarningRaised>("investigation_imy_deadline_warning_raised");
        opts.Events.MapEventType<ImyDeadlineMissed>("investigation_imy_deadline_missed");
        opts.Events.MapEventType<InvestigationConcluded>("investigation_concluded");
    }
}

/// <summary>Wolverine configuration of the slice; the host includes it (opts.Include&lt;InvestigationsExtension&gt;()).</summary>
public sealed class InvestigationsExtension : IWolverineExtension
{
    public void Configure(WolverineOptions opts)
    {
        // Handlers and endpoints read "now" from IClock; tests register their own clock.
        opts.Services.TryAddSingleton<IClock>(SystemClock.Instance);

        // The deadline checks are scheduled up to 72 hours ahead. Wolverine keeps scheduled messages for an in-memory
        // local queue in memory only; a durable queue keeps them in the message store, so they survive a restart.
        opts.LocalQueueFor<ImyDeadlineWarningDue>().UseDurableInbox();
        opts.LocalQueueFor<ImyDeadlineDue>().UseDurableInbox();
        // An escalation must not be lost between the review that raised it and the case it belongs to.
        opts.LocalQueueFor<EscalationRaised>().UseDurableInbox();
    }
}
