using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LogControl.Workflow;
using LogControl.Workflow.Reviews;
using NodaTime;

namespace LogControl.Tests.Reviews;

/// <summary>
/// Random sequences of commands against the review aggregate: whatever is accepted, a signed-off review never
/// has an undecided item, an unescalated unjustified item, or a signer other than the manager or a delegate.
/// </summary>
public sealed class ReviewAggregateProperties
{
    private static readonly Instant Now = Instant.FromUtc(2026, 7, 10, 8, 0);
    private static readonly Dictionary<string, bool> Signers = new() { ["M1"] = false, ["D1"] = true };
    private static readonly string[] People = ["M1", "D1", "U1", "X9"];

    private static Review Started(int items)
    {
        var r = new Review();
        var id = Guid.NewGuid();
        r.Apply(new ReviewScheduled(id, "HT-NORR", ReviewKind.Periodic, new LocalDate(2026, 1, 1), new LocalDate(2026, 6, 30),
            new LocalDate(2026, 7, 1), new LocalDate(2026, 7, 30), Now));
        var list = Enumerable.Range(0, items).Select(i => new ReviewItem($"I{i}", ItemKind.Anomaly, "U1", "C1", new LocalDate(2026, 3, 1), [$"S:{i}"], null, "x")).ToList();
        foreach (var e in r.Start("M1", Now, list, new SampleRule(1, 10, 1, 24, 100, ["U1"]))) Apply(r, e);
        return r;
    }

    private static void Apply(Review r, object e)
    {
        switch (e)
        {
            case ReviewStarted x: r.Apply(x); break;
            case ReviewScopeDrawn x: r.Apply(x); break;
            case ReviewItemJudged x: r.Apply(x); break;
            case JustificationRequested x: r.Apply(x); break;
            case JustificationGiven x: r.Apply(x); break;
            case ReviewItemEscalated x: r.Apply(x); break;
            case ReviewSignedOff x: r.Apply(x); break;
            case ReviewItemCorrected x: r.Apply(x); break;
            default: throw new InvalidOperationException(e.GetType().Name);
        }
    }

    /// <summary>Guards the property against vacuity: random sequences of the same shape do reach sign-off.</summary>
    [Fact]
    public void random_sequences_reach_sign_off_often_enough_to_test_it()
    {
        var rng = new Random(2026);
        var signedOff = 0;
        for (var run = 0; run < 300; run++)
        {
            var commands = Enumerable.Range(0, 20 + rng.Next(80))
                .Select(_ => ((byte)rng.Next(256), (byte)rng.Next(256), (byte)rng.Next(256), rng.Next(2) == 0)).ToArray();
            var (events, ok) = Run(1 + rng.Next(4), commands);
            ok.ShouldBeTrue();
            if (events.OfType<ReviewSignedOff>().Any()) signedOff++;
        }
        signedOff.ShouldBeGreaterThan(30);
    }

    [Property(MaxTest = 400)]
    public Property signed_off_reviews_are_always_complete_and_properly_signed(PositiveInt itemCount, NonEmptyArray<(byte Op, byte Item, byte Who, bool Flag)> commands)
    {
        var (events, ok) = Run(1 + itemCount.Get % 4, commands.Get);
        return ok.ToProperty().Classify(events.OfType<ReviewSignedOff>().Any(), "signed off");
    }

    private static (List<object> Events, bool InvariantsHold) Run(int n, (byte Op, byte Item, byte Who, bool Flag)[] commands)
    {
        var review = Started(n);
        var events = new List<object>();
        foreach (var (op, itemIndex, who, flag) in commands)
        {
            var item = $"I{itemIndex % (n + 1)}"; // sometimes an unknown item
            var person = People[who % People.Length];
            try
            {
                IEnumerable<object> produced = (op % 7) switch
                {
                    0 => review.Judge(item, Verdict.Justified, flag ? JustificationCategory.Care : null, null, person, Now),
                    1 => review.Judge(item, Verdict.Unjustified, null, flag ? "ingen grund" : null, person, Now),
                    2 => review.AskEmployee(item, "Varför?", person, Now),
                    3 => review.Answer(item, flag ? "U1" : person, "Jag hade besök", Now),
                    4 => review.Escalate(item, "misstänkt", person, Now),
                    5 => review.SignOff(person, Signers, Now),
                    _ => review.Correct(item, flag ? Verdict.Unjustified : Verdict.Justified, JustificationCategory.Other, flag ? "ny uppgift" : "", person, Now),
                };
                foreach (var e in produced.ToList()) { Apply(review, e); events.Add(e); }
            }
            catch (CommandRejected) { }
        }

        var signOff = events.OfType<ReviewSignedOff>().SingleOrDefault();
        if (signOff == null) return (events, events.OfType<ReviewSignedOff>().Count() <= 1);
        // The state at sign-off: replay the events up to it.
        var atSignOff = Started(n);
        foreach (var e in events.TakeWhile(e => e is not ReviewSignedOff)) Apply(atSignOff, e);
        return (events, atSignOff.Items.Values.All(i => i.Decided)
                && atSignOff.Items.Values.All(i => i.Verdict != Verdict.Unjustified || i.Escalated)
                && Signers.ContainsKey(signOff.By)
                && signOff.AsDelegate == Signers[signOff.By]
                && events.OfType<ReviewSignedOff>().Count() == 1
                // after sign-off, only corrections (and their escalations) were accepted
                && events.SkipWhile(e => e is not ReviewSignedOff).Skip(1).All(e => e is ReviewItemCorrected or ReviewItemEscalated)
                && review.Items.Values.All(i => i.Verdict != Verdict.Unjustified || i.Escalated));
    }
}
