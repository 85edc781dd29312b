using LogControl.Workflow.Reviews;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wolverine;

namespace LogControl.Server.Detection;

/// <summary>
/// Runs the review scheduling sweep at start and then every 15 minutes: schedules the periodic reviews that
/// became due, raises overdue events and opens immediate reviews on critical anomalies where configured.
/// The sweep is idempotent (stream ids derive from unit and period), so running it often is harmless.
/// </summary>
public sealed class ReviewSweep(IMessageBus bus, Marten.IDocumentStore store, Microsoft.Extensions.Configuration.IConfiguration config, ILogger<ReviewSweep> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Reviews stored before the compliance read model existed get their summary once (idempotent).
        try
        {
            var filled = await ReviewSummaries.BackfillAsync(store, stoppingToken);
            if (filled > 0) logger.LogInformation("Review summaries filled in for {Count} earlier reviews", filled);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
        catch (Exception ex) { logger.LogWarning(ex, "Review summary backfill failed; compliance may miss reviews stored before it existed"); }
        // Tests that drive the sweep themselves (with a clock they control) switch the background one off.
        if (string.Equals(config["Reviews:Sweep"], "false", StringComparison.OrdinalIgnoreCase)) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var r = await bus.InvokeAsync<SchedulingResult>(new ScheduleReviews(), stoppingToken);
                if (r.Scheduled + r.Overdue + r.StartOverdue + r.ImmediateOpened > 0)
                    logger.LogInformation("Review sweep: {Scheduled} scheduled, {Overdue} overdue, {StartOverdue} not started in time, {Immediate} immediate",
                        r.Scheduled, r.Overdue, r.StartOverdue, r.ImmediateOpened);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception ex) { logger.LogWarning(ex, "Review sweep failed; next try in {Interval}", Interval); }
            try { await Task.Delay(Interval, stoppingToken); } catch (OperationCanceledException) { return; }
        }
    }
}
