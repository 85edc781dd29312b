using LogControl.Domain.Reference;
using LogControl.Domain.Time;
using NodaTime;

namespace LogControl.Projections.Detection;

/// <summary>
/// Which earlier accesses a page of reference facts could change the verdict on (docs/DETECTION.md, "Late
/// reference data"). Accesses in these scopes are judged again in the same transaction, so the outcome
/// does not depend on whether a fact arrived before or after the accesses it explains, nor on how the
/// daemon cut the event stream into pages: a rebuild equals live processing.
/// </summary>
public sealed class DirtyScope
{
    public static readonly DateTimeOffset Always = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Never = new(2200, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Duration ShiftReach = Duration.FromDays(31);
    private static readonly Duration OpenShift = Duration.FromHours(12);

    private readonly Dictionary<string, List<(DateTimeOffset From, DateTimeOffset To)>> _byUser = new();
    private readonly Dictionary<(string User, string Client), List<(DateTimeOffset From, DateTimeOffset To)>> _byPair = new();
    private readonly SortedSet<string> _clients = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _units = new(StringComparer.Ordinal);
    private readonly List<(LocalDate? From, LocalDate? To)> _spikeDays = [];

    public bool IsEmpty => _byUser.Count == 0 && _byPair.Count == 0 && _clients.Count == 0 && _units.Count == 0 && _spikeDays.Count == 0;

    public void Add(object fact)
    {
        switch (fact)
        {
            case ClientDescribed c: _clients.Add(c.ClientId); break;
            case EnrollmentRecorded e: _clients.Add(e.ClientId); break;
            case StaffPlacementRecorded s:
                User(s.UserId, Always, Never);
                if (s.Personnummer != null) _clients.Add(s.Personnummer);
                _spikeDays.Add((s.From, s.To));
                break;
            case AssignmentRecorded a: Pair(a.UserId, a.ClientId, Always, Never); break;
            case RelationDeclared r: Pair(r.UserId, r.ClientId, Always, Never); break;
            case VisitRecorded v:
                var first = SwedishTime.DateOf(v.Start);
                var last = SwedishTime.DateOf(v.End ?? v.Start);
                Pair(v.UserId, v.ClientId, StartOf(first), StartOf(last.PlusDays(1)));
                break;
            case ShiftRecorded sh:
                User(sh.UserId, (sh.Start - ShiftReach).ToDateTimeOffset(), ((sh.End ?? sh.Start + OpenShift) + ShiftReach).ToDateTimeOffset());
                break;
            case UnitDescribed u: _units.Add(u.UnitId); break;
        }
    }

    private static DateTimeOffset StartOf(LocalDate d) => SwedishTime.Zone.AtStartOfDay(d).ToInstant().ToDateTimeOffset();

    private void User(string user, DateTimeOffset from, DateTimeOffset to)
    {
        if (!_byUser.TryGetValue(user, out var list)) _byUser[user] = list = [];
        list.Add((from, to));
    }

    private void Pair(string user, string client, DateTimeOffset from, DateTimeOffset to)
    {
        if (!_byPair.TryGetValue((user, client), out var list)) _byPair[(user, client)] = list = [];
        list.Add((from, to));
    }

    /// <summary>Per user: the union of the windows, merged so overlapping shifts scan each access once.</summary>
    public (string[] Users, DateTimeOffset[] From, DateTimeOffset[] To) UserWindows()
    {
        var rows = _byUser.SelectMany(kv => Merge(kv.Value).Select(w => (kv.Key, w.From, w.To))).ToList();
        return (rows.Select(r => r.Key).ToArray(), rows.Select(r => r.From).ToArray(), rows.Select(r => r.To).ToArray());
    }

    public (string[] Users, string[] Clients, DateTimeOffset[] From, DateTimeOffset[] To) PairWindows()
    {
        var rows = _byPair.SelectMany(kv => Merge(kv.Value).Select(w => (kv.Key.User, kv.Key.Client, w.From, w.To))).ToList();
        return (rows.Select(r => r.User).ToArray(), rows.Select(r => r.Client).ToArray(),
            rows.Select(r => r.From).ToArray(), rows.Select(r => r.To).ToArray());
    }

    public string[] Clients => _clients.ToArray();
    public string[] Units => _units.ToArray();

    /// <summary>Day ranges whose VOLUME_SPIKE peer groups a staff fact may change (null = open).</summary>
    public (string?[] From, string?[] To) SpikeDayRanges() =>
        (_spikeDays.Select(r => r.From?.ToString("yyyy-MM-dd", null)).ToArray(), _spikeDays.Select(r => r.To?.ToString("yyyy-MM-dd", null)).ToArray());

    private static IEnumerable<(DateTimeOffset From, DateTimeOffset To)> Merge(List<(DateTimeOffset From, DateTimeOffset To)> windows)
    {
        windows.Sort((a, b) => a.From.CompareTo(b.From));
        var current = windows[0];
        foreach (var w in windows.Skip(1))
        {
            if (w.From <= current.To) current = (current.From, w.To > current.To ? w.To : current.To);
            else { yield return current; current = w; }
        }
        yield return current;
    }
}
