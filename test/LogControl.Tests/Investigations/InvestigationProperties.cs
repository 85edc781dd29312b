using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LogControl.Domain.Time;
using LogControl.Workflow;
using LogControl.Workflow.Investigations;
using Marten;
using NodaTime;

namespace LogControl.Tests.Investigations;

/// <summary>
/// Property, through the bus and the real store: whatever sequence of commands security staff (and the deadline
/// checks, and time) throw at an investigation, every command is either accepted or refused with a CommandRejected
/// that changes nothing; a concluded NoMisuse case never has a confirmed breach; nothing follows the conclusion; IMY
/// is never recorded as notified without a confirmed breach; and the stream replays to the snapshot.
/// </summary>
public sealed class InvestigationProperties : IClassFixture<InvestigationHost>
{
    private readonly InvestigationHost _host;

    public InvestigationProperties(InvestigationHost host) => _host = host;

    public enum Step { Note, Interview, ConfirmBreach, NotifyImy, Decision, ConcludeNoMisuse, ConcludeMisuse, WarningCheck, DeadlineCheck, AdvanceClock, AttachAnomaly }

    /// <summary>A sequence of steps, each with a number that picks its dates, times and kinds.</summary>
    public sealed record CommandProgram(IReadOnlyList<(Step Step, int Arg)> Steps)
    {
        public override string ToString() => string.Join(" ", Steps.Select(s => $"{s.Step}({s.Arg})"));
    }

    /// <summary>Conclusions are rarer than the rest, so that most programs get somewhere before the case closes.</summary>
    public static class Programs
    {
        public static Arbitrary<CommandProgram> Arbitrary()
        {
            var step = Gen.Frequency(
                (5, Gen.Elements(Step.Note, Step.Interview, Step.Decision, Step.AttachAnomaly)),
                (3, Gen.Constant(Step.ConfirmBreach)),
                (2, Gen.Constant(Step.NotifyImy)),
                (8, Gen.Elements(Step.WarningCheck, Step.DeadlineCheck, Step.AdvanceClock)),
                (1, Gen.Elements(Step.ConcludeNoMisuse, Step.ConcludeMisuse)));
            var program = Gen.Choose(1, 25)
                .SelectMany(n => Gen.ArrayOf(Gen.Zip(step, Gen.Choose(0, 999)), n))
                .Select(steps => new CommandProgram(steps.Select(x => (x.Item1, x.Item2)).ToList()));
            return Arb.From(program, p => Enumerable.Range(0, p.Steps.Count)
                .Select(i => new CommandProgram(p.Steps.Where((_, j) => j != i).ToList())));
        }
    }

    [Property(MaxTest = 60, Arbitrary = [typeof(Programs)])]
    public bool random_command_sequences_never_break_the_invariants(CommandProgram program) =>
        Run(program.Steps).GetAwaiter().GetResult();

    private async Task<bool> Run(IReadOnlyList<(Step Step, int Arg)> steps)
    {
        _host.ResetClock();
        var id = await _host.OpenAsync($"U-P-{Guid.NewGuid():N}");

        foreach (var (step, a) in steps)
        {
            var now = _host.Now;
            var today = SwedishTime.DateOf(now);
            object? command = step switch
            {
                Step.Note => new AddNote(id, $"note {a}", "SEC-P", now),
                Step.Interview => new RecordInterview(id, "U-P", "said things", today.PlusDays(a % 3 - 1), "SEC-P", now),
                Step.ConfirmBreach => new ConfirmBreach(id, now - Duration.FromHours(a % 40 - 5), null, "SEC-P", now),
                Step.NotifyImy => new RecordImyNotification(id, now - Duration.FromHours(a % 10 - 2), $"IMY-{a}", "SEC-P", now),
                Step.Decision => new RecordDecision(id, (DecisionKind)(a % 4), today.PlusDays(a / 4 % 3 - 1), null, "SEC-P", now),
                Step.ConcludeNoMisuse => new ConcludeInvestigation(id, InvestigationOutcome.NoMisuse, "nothing", "SEC-P", now),
                Step.ConcludeMisuse => new ConcludeInvestigation(id, InvestigationOutcome.MisuseConfirmed, "snooping", "SEC-P", now),
                Step.WarningCheck => new ImyDeadlineWarningDue(id),
                Step.DeadlineCheck => new ImyDeadlineDue(id),
                Step.AttachAnomaly => new AttachAnomalies(id, [Guid.NewGuid()], "SEC-P", now),
                _ => null,
            };
            if (command == null)
            {
                _host.Clock.Advance(Duration.FromHours(a % 5 * 12 + a % 7));
                continue;
            }

            var before = await _host.EventsAsync(id);
            try
            {
                await _host.Invoke(command);
            }
            catch (Exception ex) when ((ex as CommandRejected ?? ex.InnerException as CommandRejected) != null)
            {
                var after = await _host.EventsAsync(id);
                if (after.Count != before.Count) throw new Exception($"{step} was refused but the stream changed");
            }
            await CheckAsync(id, step);
        }
        return true;
    }

    private async Task CheckAsync(Guid id, Step last)
    {
        var events = await _host.EventsAsync(id);
        var snapshot = await _host.LoadAsync(id);

        var concluded = events.Select((e, i) => (e, i)).Where(x => x.e is InvestigationConcluded).Select(x => x.i).ToList();
        if (concluded.Count > 1 || (concluded.Count == 1 && concluded[0] != events.Count - 1))
            throw new Exception($"after {last}: something was appended after the conclusion: {Names(events)}");

        var breach = events.FindIndex(e => e is BreachConfirmed);
        var notified = events.FindIndex(e => e is ImyNotified);
        if (events.Count(e => e is BreachConfirmed) > 1 || events.Count(e => e is ImyNotified) > 1)
            throw new Exception($"after {last}: a breach or a notification recorded twice: {Names(events)}");
        if (notified >= 0 && (breach < 0 || breach > notified))
            throw new Exception($"after {last}: IMY notified without a confirmed breach: {Names(events)}");

        if (snapshot.Status == InvestigationStatus.Concluded && snapshot.Conclusion!.Outcome == InvestigationOutcome.NoMisuse && snapshot.Breach != null)
            throw new Exception($"after {last}: concluded NoMisuse with a confirmed breach: {Names(events)}");
        if (events.OfType<InvestigationConcluded>().Any(c => c.Outcome == InvestigationOutcome.NoMisuse) && breach >= 0)
            throw new Exception($"after {last}: a NoMisuse conclusion and a breach in one stream: {Names(events)}");

        await using var session = _host.Store.QuerySession();
        var replayed = await session.Events.AggregateStreamAsync<Investigation>(id);
        var json = _host.Store.Options.Serializer();
        if (json.ToJson(replayed) != json.ToJson(snapshot))
            throw new Exception($"after {last}: the replay differs from the snapshot");
    }

    private static string Names(IEnumerable<object> events) => string.Join(", ", events.Select(e => e.GetType().Name));
}

internal static class ListExtensions
{
    public static int FindIndex(this IReadOnlyList<object> list, Func<object, bool> match)
    {
        for (var i = 0; i < list.Count; i++) if (match(list[i])) return i;
        return -1;
    }
}
