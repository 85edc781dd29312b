using Marten;
using NodaTime;
using Wolverine.Marten;
using Wolverine.Runtime.Handlers;

namespace LogControl.Workflow.Investigations;

/// <summary>
/// The IMY 72-hour deadline checks scheduled by ConfirmBreach. A scheduled message can arrive late (the server was
/// down), twice (at-least-once delivery) or, with clocks that disagree, early; so each check asks the aggregate what
/// is due at the clock's now, and records a warning or a miss at most once. Exclusive: two deliveries of the same
/// check take the stream's lock in turn, and the second finds the fact already recorded.
/// </summary>
public static class ImyDeadlineHandler
{
    public static void Configure(HandlerChain chain) => InvestigationRetries.Apply(chain);

    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Events Handle(ImyDeadlineWarningDue due, Investigation? investigation, IClock clock) =>
        InvestigationCommandHandler.Optional(investigation?.CheckImyWarning(clock.GetCurrentInstant()));

    [AggregateHandler(ConcurrencyStyle.Exclusive)]
    public static Events Handle(ImyDeadlineDue due, Investigation? investigation, IClock clock) =>
        InvestigationCommandHandler.Optional(investigation?.CheckImyDeadline(clock.GetCurrentInstant()));
}

/// <summary>A confirmed breach IMY has not been notified of yet. <see cref="HoursLeft"/> is negative once the deadline has passed.</summary>
public sealed record OpenBreach(
    Guid InvestigationId, string SubjectUserId, Instant AwareAt, Instant Deadline, double HoursLeft, bool WarningRaised, bool DeadlineMissed);
