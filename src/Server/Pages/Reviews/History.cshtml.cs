using LogControl.Server.Web;
using LogControl.Workflow.Reviews;
using LogControl.Workflow.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;

namespace LogControl.Server.Pages.Reviews;

/// <summary>One line of a review's history: the event as stored, in Swedish, with who and when.</summary>
public sealed record HistoryLine(long Version, long Sequence, Instant Stored, Instant? At, string Type, string What, string? Who, string Details);

/// <summary>A review's full history for internal audit: every event of its stream, in order (the same stream GET /api/reviews/{id}/history returns).</summary>
[Authorize(Policy = Policies.Read)]
public sealed class HistoryModel(IQuerySession session) : UiPage
{
    public Review Review { get; private set; } = null!;
    public IReadOnlyList<HistoryLine> Lines { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var review = await session.LoadAsync<Review>(id, ct);
        if (review == null) return NotFound();
        if (!Actor.MayRead(review.UnitId)) return StatusCode(403);
        Review = review;
        var events = await session.Events.FetchStreamAsync(id, token: ct);
        Lines = events.Select(e =>
        {
            var (what, who, details) = Describe(e.Data);
            return new HistoryLine(e.Version, e.Sequence, Instant.FromDateTimeOffset(e.Timestamp), At(e.Data), e.EventTypeName, what, who, details);
        }).ToList();
        return Page();
    }

    /// <summary>When it happened, as the command recorded it (the workflow's clock), next to when it was stored.</summary>
    private static Instant? At(object data) => data switch
    {
        ReviewScheduled e => e.At, SuspicionFiled e => e.At, ReviewStarted e => e.At, ReviewScopeDrawn e => e.At,
        ReviewItemJudged e => e.At, JustificationRequested e => e.At, JustificationGiven e => e.At, ReviewItemEscalated e => e.At,
        ReviewSignedOff e => e.At, ReviewItemCorrected e => e.At, ReviewStartOverdue e => e.At, ReviewOverdue e => e.At,
        _ => null,
    };

    private static (string What, string? Who, string Details) Describe(object data) => data switch
    {
        ReviewScheduled e => ("Schemalagd", null, $"{Sv.Kind(e.Kind)}, period {Sv.Date(e.PeriodFrom)}–{Sv.Date(e.PeriodTo)}, förfaller {Sv.Date(e.DueOn)}"),
        SuspicionFiled e => ("Misstanke anmäld", e.FiledBy, e.Text + (e.SuspectedUserId != null ? $" (gäller {e.SuspectedUserId})" : "")),
        ReviewStarted e => ("Påbörjad", e.StartedBy, ""),
        ReviewScopeDrawn e => ("Urval draget", null, $"{e.Items.Count} poster; stickprov frö {e.Sample.Seed}, {e.Sample.UserPercent} % av {e.Sample.StaffConsidered.Count} medarbetare, t.o.m. händelse {e.Sample.UpToSequence}"),
        ReviewItemJudged e => ("Post bedömd", e.By, $"{e.ItemId}: {Sv.Verdict(e.Verdict)}{(e.Category != null ? ", " + Sv.Category(e.Category) : "")}{(e.Note != null ? " – " + e.Note : "")}"),
        JustificationRequested e => ("Medarbetaren tillfrågad", e.By, $"{e.ItemId}: fråga till {e.EmployeeUserId}: {e.Question}"),
        JustificationGiven e => ("Medarbetaren svarade", e.EmployeeUserId, $"{e.ItemId}: {e.Text}"),
        ReviewItemEscalated e => ("Eskalerad till informationssäkerhet", e.By, $"{e.ItemId}: {e.Reason}"),
        ReviewSignedOff e => ("Signerad", e.By, $"{e.Items} poster{(e.AsDelegate ? ", som ersättare" : "")}; SHA-256 {e.Digest}"),
        ReviewItemCorrected e => ("Rättelse efter signering", e.By, $"{e.ItemId}: {Sv.Verdict(e.Verdict)} – {e.Reason}"),
        ReviewStartOverdue e => ("Ej påbörjad i tid", null, $"skulle påbörjas senast {Sv.Date(e.StartBy)}"),
        ReviewOverdue e => ("Försenad", null, $"förföll {Sv.Date(e.DueOn)}"),
        _ => (data.GetType().Name, null, ""),
    };
}
