using System.Security.Cryptography;
using System.Text;
using NodaTime;

namespace LogControl.Workflow.Reviews;

/// <summary>The state of one item as the review's events left it.</summary>
public sealed record ItemState(ReviewItem Item, Verdict? Verdict, JustificationCategory? Category, string? Note,
    string? AskedEmployee, string? EmployeeAnswer, bool Escalated)
{
    /// <summary>Decided: justified, or unjustified and escalated. A pending question to the employee is not a decision.</summary>
    public bool Decided => Verdict == Reviews.Verdict.Justified || (Verdict == Reviews.Verdict.Unjustified && Escalated);
}

/// <summary>
/// A log review (loggkontroll) of one unit for one period: scheduled, started (its scope drawn), judged item by
/// item, signed off. The aggregate decides; every refusal names the invariant it protects.
/// </summary>
public sealed class Review
{
    public Guid Id { get; set; }
    public string UnitId { get; set; } = "";
    public ReviewKind Kind { get; set; }
    public LocalDate PeriodFrom { get; set; }
    public LocalDate PeriodTo { get; set; }
    public LocalDate StartBy { get; set; }
    public LocalDate DueOn { get; set; }
    public SuspicionFiled? Suspicion { get; set; }
    public Instant? StartedAt { get; set; }
    public SampleRule? Sample { get; set; }
    public Dictionary<string, ItemState> Items { get; set; } = new();
    public List<string> ItemOrder { get; set; } = [];
    public ReviewSignedOff? SignedOff { get; set; }
    public bool StartOverdueRaised { get; set; }
    public bool OverdueRaised { get; set; }
    public int Corrections { get; set; }

    public bool Started => StartedAt != null;
    public bool Closed => SignedOff != null;

    public void Apply(SuspicionFiled e) { Id = e.ReviewId; UnitId = e.UnitId; Suspicion = e; }
    public void Apply(ReviewScheduled e)
    {
        Id = e.ReviewId; UnitId = e.UnitId; Kind = e.Kind; PeriodFrom = e.PeriodFrom; PeriodTo = e.PeriodTo; StartBy = e.StartBy; DueOn = e.DueOn;
    }
    public void Apply(ReviewStarted e) => StartedAt = e.At;
    public void Apply(ReviewScopeDrawn e)
    {
        Sample = e.Sample;
        foreach (var item in e.Items)
        {
            Items[item.ItemId] = new ItemState(item, null, null, null, null, null, false);
            ItemOrder.Add(item.ItemId);
        }
    }
    public void Apply(ReviewItemJudged e) => Items[e.ItemId] = Items[e.ItemId] with { Verdict = e.Verdict, Category = e.Category, Note = e.Note };
    public void Apply(JustificationRequested e) => Items[e.ItemId] = Items[e.ItemId] with { AskedEmployee = e.EmployeeUserId, EmployeeAnswer = null };
    public void Apply(JustificationGiven e) => Items[e.ItemId] = Items[e.ItemId] with { EmployeeAnswer = e.Text };
    public void Apply(ReviewItemEscalated e) => Items[e.ItemId] = Items[e.ItemId] with { Escalated = true };
    public void Apply(ReviewSignedOff e) => SignedOff = e;
    public void Apply(ReviewItemCorrected e)
    {
        Items[e.ItemId] = Items[e.ItemId] with { Verdict = e.Verdict, Category = e.Category, Note = e.Reason };
        Corrections++;
    }
    public void Apply(ReviewStartOverdue e) => StartOverdueRaised = true;
    public void Apply(ReviewOverdue e) => OverdueRaised = true;

    // ---- decisions ----

    private void MustBeOpenAndStarted()
    {
        if (Closed) throw new CommandRejected("review_closed", "The review is signed off; corrections are recorded as corrections with a reason.");
        if (!Started) throw new CommandRejected("review_not_started", "The review has not been started: its scope is drawn when it starts.");
    }

    private ItemState Item(string itemId) =>
        Items.TryGetValue(itemId, out var s) ? s : throw new CommandRejected("unknown_item", $"The review has no item '{itemId}'.", 404);

    public IEnumerable<object> Start(string by, Instant now, IReadOnlyList<ReviewItem> items, SampleRule sample)
    {
        if (Closed) throw new CommandRejected("review_closed", "The review is signed off.");
        if (Started) throw new CommandRejected("review_already_started", "The review was started already; its scope is fixed.");
        yield return new ReviewStarted(Id, by, now);
        yield return new ReviewScopeDrawn(Id, items, sample, now);
    }

    public IEnumerable<object> Judge(string itemId, Verdict verdict, JustificationCategory? category, string? note, string by, Instant now)
    {
        MustBeOpenAndStarted();
        var item = Item(itemId);
        if (item.Escalated) throw new CommandRejected("item_escalated", "The item was escalated to security staff; its verdict stands (correct it after sign-off with a reason if it was wrong).");
        if (verdict == Verdict.Justified && category == null)
            throw new CommandRejected("category_required", "A justified item needs a reason category.", 400);
        if (verdict == Verdict.Unjustified && string.IsNullOrWhiteSpace(note))
            throw new CommandRejected("note_required", "An unjustified item needs a note saying why.", 400);
        if (item.AskedEmployee != null && item.EmployeeAnswer == null)
            throw new CommandRejected("awaiting_employee", $"The item waits for {item.AskedEmployee}'s justification.");
        yield return new ReviewItemJudged(Id, itemId, verdict, category, note, by, now);
    }

    public IEnumerable<object> AskEmployee(string itemId, string question, string by, Instant now)
    {
        MustBeOpenAndStarted();
        var item = Item(itemId);
        if (item.Verdict != null) throw new CommandRejected("item_already_judged", "The item is judged already.");
        if (string.IsNullOrWhiteSpace(question)) throw new CommandRejected("question_required", "Say what the employee should explain.", 400);
        yield return new JustificationRequested(Id, itemId, item.Item.SubjectUserId, question, by, now);
    }

    public IEnumerable<object> Answer(string itemId, string employeeUserId, string text, Instant now)
    {
        MustBeOpenAndStarted();
        var item = Item(itemId);
        if (item.AskedEmployee == null) throw new CommandRejected("not_asked", "Nobody asked for a justification of this item.");
        if (item.AskedEmployee != employeeUserId) throw CommandRejected.Forbidden("Only the employee who was asked can answer.");
        if (item.EmployeeAnswer != null) throw new CommandRejected("already_answered", "The employee has answered already.");
        if (string.IsNullOrWhiteSpace(text)) throw new CommandRejected("text_required", "The justification is empty.", 400);
        yield return new JustificationGiven(Id, itemId, employeeUserId, text, now);
    }

    public IEnumerable<object> Escalate(string itemId, string reason, string by, Instant now)
    {
        MustBeOpenAndStarted();
        var item = Item(itemId);
        if (item.Verdict != Verdict.Unjustified) throw new CommandRejected("not_unjustified", "Only an item judged unjustified is escalated.");
        if (item.Escalated) throw new CommandRejected("already_escalated", "The item was escalated already.");
        yield return new ReviewItemEscalated(Id, itemId, reason, by, now);
    }

    /// <param name="signers">The unit's manager on that day and any delegate with a recorded delegation covering it.</param>
    public IEnumerable<object> SignOff(string by, IReadOnlyDictionary<string, bool> signers, Instant now)
    {
        MustBeOpenAndStarted();
        if (!signers.TryGetValue(by, out var asDelegate))
            throw CommandRejected.Forbidden("Only the unit's manager at this time, or a delegate with a recorded delegation, may sign off.");
        var open = Items.Values.Where(i => !i.Decided).Select(i => i.Item.ItemId).ToList();
        if (open.Count > 0)
            throw new CommandRejected("items_undecided", $"{open.Count} item(s) are not decided (an unjustified item must also be escalated): {string.Join(", ", open.Take(5))}");
        yield return new ReviewSignedOff(Id, by, asDelegate, Digest(), Items.Count, now);
    }

    public IEnumerable<object> Correct(string itemId, Verdict verdict, JustificationCategory? category, string reason, string by, Instant now)
    {
        if (!Closed) throw new CommandRejected("review_open", "The review is still open: judge the item instead of correcting it.");
        var item = Item(itemId);
        if (string.IsNullOrWhiteSpace(reason)) throw new CommandRejected("reason_required", "A correction needs a reason.", 400);
        if (verdict == Verdict.Justified && category == null) throw new CommandRejected("category_required", "A justified item needs a reason category.", 400);
        yield return new ReviewItemCorrected(Id, itemId, verdict, category, reason, by, now);
        // An access found unjustified afterwards goes to security staff like any other.
        if (verdict == Verdict.Unjustified && !item.Escalated) yield return new ReviewItemEscalated(Id, itemId, reason, by, now);
    }

    /// <summary>SHA-256 over exactly what was reviewed: every item, its evidence and its decision, in scope order.</summary>
    public string Digest()
    {
        var sb = new StringBuilder();
        sb.Append(Id).Append('|').Append(UnitId).Append('|').Append(PeriodFrom).Append('|').Append(PeriodTo).Append('\n');
        foreach (var id in ItemOrder)
        {
            var i = Items[id];
            sb.Append(id).Append('|').Append(i.Item.Kind).Append('|').Append(i.Item.SubjectUserId).Append('|').Append(i.Item.ClientId)
              .Append('|').Append(string.Join(",", i.Item.SourceEventIds)).Append('|').Append(i.Verdict).Append('|').Append(i.Category)
              .Append('|').Append(i.Note).Append('|').Append(i.EmployeeAnswer).Append('|').Append(i.Escalated).Append('\n');
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()))).ToLowerInvariant();
    }
}
