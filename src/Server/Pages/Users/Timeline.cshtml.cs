using LogControl.Domain.Time;
using LogControl.Projections;
using LogControl.Projections.Access;
using LogControl.Projections.Detection;
using LogControl.Server.Web;
using LogControl.Workflow.Audit;
using LogControl.Workflow.Investigations;
using LogControl.Workflow.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using NodaTime.Text;

namespace LogControl.Server.Pages.Users;

/// <summary>A user's accesses across all clients over a period, as a chart and a table (security staff, internal audit). A recorded view.</summary>
[Authorize(Policy = Policies.Read)]
public sealed class TimelineModel(IDocumentStore store, IClock clock) : UiPage
{
    public const int DefaultDays = 14;
    public const int MaxDays = 92;

    public string UserId { get; private set; } = "";
    public LocalDate From { get; private set; }
    public LocalDate To { get; private set; }
    public IReadOnlyList<TimelineAccess> Accesses { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string userId, string? fran, string? till, CancellationToken ct)
    {
        if (!Readers.MayReadInvestigations(Actor)) return StatusCode(403);
        UserId = userId;
        var s = store.Options.Events.DatabaseSchemaName;
        // Default: the two weeks up to the user's latest access (demo data lies in the past).
        var latest = (await StoreSql.QueryAsync(store, $"select max(local_day) from {s}.{AccessTimeline.TableName} where user_id = $1",
            r => r.IsDBNull(0) ? (LocalDate?)null : r.GetFieldValue<LocalDate>(0), ct, userId)).Single() ?? Sv.Today(clock);
        To = Parse(till) ?? latest;
        From = Parse(fran) ?? To.PlusDays(-(DefaultDays - 1));
        if (From > To) (From, To) = (To, From);
        if (Period.Between(From, To, PeriodUnits.Days).Days >= MaxDays) From = To.PlusDays(-(MaxDays - 1));
        Accesses = await StoreSql.QueryAsync(store, $"""
            select occurred_at, user_id, client_id, unit_id, action, purpose, failed, source_ref, explanation
            from {s}.{AccessTimeline.TableName}
            where user_id = $1 and local_day between $2 and $3
            order by occurred_at, seq_id
            """, r => new TimelineAccess(r.GetFieldValue<Instant>(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.GetString(4), r.GetString(5), r.GetBoolean(6), r.IsDBNull(7) ? null : r.GetString(7),
                r.IsDBNull(8) ? null : (ExplanationKind)r.GetInt16(8)), ct, userId, From, To);
        await WebViews.RecordAsync(store, Actor.UserId, Actor.Roles, LogControl.Domain.Audit.PersonalDataViews.UserTimeline,
            $"timeline:{userId}:{Sv.Date(From)}..{Sv.Date(To)}", [userId, .. Accesses.Select(a => a.ClientId)], clock.GetCurrentInstant(), ct);
        return Page();
    }

    private static LocalDate? Parse(string? s) =>
        s != null && LocalDatePattern.Iso.Parse(s) is { Success: true } r ? r.Value : null;
}
