using LogControl.Domain.Detection;
using LogControl.Generator;
using NodaTime;

namespace LogControl.Tests.Generator;

public enum OExplanation { Visit, Assignment, EnrollmentAtOwnUnit, EnrollmentAtShiftUnit, EnrollmentAtCoveredUnit }

/// <summary>
/// An independent, deliberately plain re-implementation of docs/DETECTION.md (explanation and every
/// rule) over <see cref="GeneratedData"/>. It does not use src/Projections: it checks that the
/// generator's legitimate behaviour is explained and that its labelled misuse fires as labelled.
/// </summary>
public sealed class DetectionOracle
{
    private static readonly Duration Margin = Duration.FromMinutes(30);
    private readonly GeneratedData _g;
    private readonly Dictionary<string, List<string>> _usersByPnr = new(StringComparer.Ordinal);
    private readonly Dictionary<(string User, LocalDate Day), HashSet<string>> _distinct = [];
    private readonly Dictionary<(string User, string Client, LocalDate Day), int> _failed = [];

    public DetectionOracle(GeneratedData g)
    {
        _g = g;
        foreach (var (user, facts) in g.Staff)
            foreach (var pnr in facts.Select(f => f.Personnummer).OfType<string>().Distinct())
            {
                if (!_usersByPnr.TryGetValue(pnr, out var list)) _usersByPnr[pnr] = list = [];
                list.Add(user);
            }
        foreach (var a in g.Accesses.Where(a => a.IsPatientAccess))
        {
            if (a.Failed)
            {
                _failed[(a.UserId, a.ClientId!, a.Day)] = _failed.GetValueOrDefault((a.UserId, a.ClientId!, a.Day)) + 1;
                continue;
            }
            if (!_distinct.TryGetValue((a.UserId, a.Day), out var set)) _distinct[(a.UserId, a.Day)] = set = new(StringComparer.Ordinal);
            set.Add(a.ClientId!);
        }
    }

    // ---- history look-ups ---------------------------------------------------------------------------

    /// <summary>The fact with the latest from on or before the day; for equal from the one read later.</summary>
    private static T? AsOf<T>(IEnumerable<T> facts, Func<T, LocalDate?> from, LocalDate day) where T : class
    {
        T? best = null;
        LocalDate? bestFrom = null;
        foreach (var f in facts)
        {
            var fr = from(f);
            if (fr is { } x && x > day) continue;
            if (best is null || Compare(fr, bestFrom) >= 0) { best = f; bestFrom = fr; }
        }
        return best;
    }

    private static int Compare(LocalDate? a, LocalDate? b) => (a, b) switch
    {
        (null, null) => 0,
        (null, _) => -1,
        (_, null) => 1,
        _ => a.Value.CompareTo(b.Value),
    };

    public OStaff? PlacementAsOf(string user, LocalDate day) =>
        _g.Staff.TryGetValue(user, out var facts) ? AsOf(facts, f => f.From, day) : null;

    /// <summary>The unit of the user's active placement on the day, or null.</summary>
    public string? OwnUnit(string user, LocalDate day) => PlacementAsOf(user, day) is { } p && p.ActiveOn(day) ? p.UnitId : null;

    /// <summary>Name fields: from the placement as of the day, else from the earliest fact.</summary>
    private OStaff? Person(string user, LocalDate day) =>
        PlacementAsOf(user, day) ?? (_g.Staff.TryGetValue(user, out var facts) ? facts.OrderBy(f => f.From ?? LocalDate.MinIsoValue).First() : null);

    /// <summary>Units where the client has an enrollment as of the day that is active or ended at most 30 days before.</summary>
    private IEnumerable<string> EnrolledUnits(string client, LocalDate day)
    {
        if (!_g.Enrollments.TryGetValue(client, out var byUnit)) yield break;
        foreach (var (unit, facts) in byUnit)
            if (AsOf(facts, f => f.From, day) is { } e && (e.To is null || e.To.Value >= day.PlusDays(-30)))
                yield return unit;
    }

    public OExplanation? Explain(OAccess a)
    {
        var (u, c, d) = (a.UserId, a.ClientId!, a.Day);
        if (_g.Visits.TryGetValue((u, c), out var visits) && visits.Any(v => v.From <= d && d <= v.To)) return OExplanation.Visit;
        if (_g.Assignments.TryGetValue((u, c), out var asg) && AsOf(asg, f => f.From, d) is { } x && (x.To is null || x.To >= d))
            return OExplanation.Assignment;
        var units = EnrolledUnits(c, d).ToList();
        if (units.Count == 0) return null;
        var own = OwnUnit(u, d);
        if (own is not null && units.Contains(own)) return OExplanation.EnrollmentAtOwnUnit;
        if (_g.Shifts.TryGetValue(u, out var shifts) && shifts.Any(s => units.Contains(s.UnitId) && s.Start - Margin <= a.At && a.At <= s.End + Margin))
            return OExplanation.EnrollmentAtShiftUnit;
        if (own is not null && _g.Units.TryGetValue(own, out var unit) && unit.Covers.Any(units.Contains))
            return OExplanation.EnrollmentAtCoveredUnit;
        return null;
    }

    // ---- per-access rules ---------------------------------------------------------------------------

    /// <summary>The per-access rules a successful patient access fires (every rule but VOLUME_SPIKE and FAILED_ACCESS).</summary>
    public SortedSet<string> Rules(OAccess a)
    {
        var fired = new SortedSet<string>(StringComparer.Ordinal);
        if (!a.IsPatientAccess || a.Failed) return fired;
        var (u, c, d) = (a.UserId, a.ClientId!, a.Day);
        var explanation = Explain(a);
        var explained = explanation is not null;
        var client = _g.Clients.GetValueOrDefault(c);

        if (!explained) fired.Add(RuleCodes.NoRelationship);
        if (client is { Protected: true } && explanation is not (OExplanation.Visit or OExplanation.Assignment)) fired.Add(RuleCodes.ProtectedIdentity);

        var own = _g.Staff.TryGetValue(u, out var facts) && facts.Any(f => f.Personnummer == c);
        if (own) fired.Add(RuleCodes.OwnRecord);
        else
        {
            var person = Person(u, d);
            var declared = _g.Relations.TryGetValue((u, c), out var rel) && rel.Any(from => from is null || from <= d);
            var household = person is not null && client is not null && person.Surname is not null && client.Surname is not null
                && person.AddressKey is not null && client.AddressKey is not null
                && string.Equals(person.Surname, client.Surname, StringComparison.OrdinalIgnoreCase) && person.AddressKey == client.AddressKey;
            if (declared || household) fired.Add(RuleCodes.RelativeOrNeighbour);

            var ownUnit = OwnUnit(u, d);
            if (!explained && ownUnit is not null && _usersByPnr.TryGetValue(c, out var others)
                && others.Any(o => o != u && OwnUnit(o, d) == ownUnit))
                fired.Add(RuleCodes.CoworkerRecord);
        }

        if (_g.Shifts.TryGetValue(u, out var shifts)
            && shifts.Any(s => s.Start >= a.At - Duration.FromDays(31) && s.Start <= a.At + Duration.FromDays(31))
            && !shifts.Any(s => s.Start - Margin <= a.At && a.At <= s.End + Margin))
            fired.Add(RuleCodes.OffShift);

        if (facts is { Count: > 0 } && !facts.Any(f => f.ActiveOn(d)) && facts.Any(f => f.To is { } to && to < d))
            fired.Add(RuleCodes.AfterEmployment);

        if (AfterCareEnded(c, d, client)) fired.Add(RuleCodes.AfterCareEnded);
        if (a.Purpose == "emergency") fired.Add(RuleCodes.EmergencyAccess);
        if (a.Action is "print" or "export" && !explained) fired.Add(RuleCodes.PrintExport);
        return fired;
    }

    private bool AfterCareEnded(string c, LocalDate d, OClient? client)
    {
        if (client?.DeceasedOn is { } died && died.PlusDays(30) < d) return true;
        if (!_g.Enrollments.TryGetValue(c, out var byUnit)) return false;
        var asOf = byUnit.Values.Select(f => AsOf(f, x => x.From, d)).OfType<OPeriod>().ToList();
        return asOf.Count > 0 && asOf.All(e => e.To is { } to && to < d.PlusDays(-30));
    }

    // ---- user-day and attempt rules -----------------------------------------------------------------

    public bool FailedAccessFires(string user, string client, LocalDate day) => _failed.GetValueOrDefault((user, client, day)) >= 3;

    public IEnumerable<(string User, string Client, LocalDate Day)> FailedAccessGroups() =>
        _failed.Where(kv => kv.Value >= 3).Select(kv => kv.Key);

    public int DistinctClients(string user, LocalDate day) => _distinct.TryGetValue((user, day), out var s) ? s.Count : 0;

    public bool VolumeSpikeFires(string user, LocalDate day)
    {
        var n = DistinctClients(user, day);
        if (n == 0) return false;
        var own = Enumerable.Range(1, 28).Select(k => (double)DistinctClients(user, day.PlusDays(-k))).Where(x => x > 0).ToList();
        if (own.Count < 7) return false;
        var (m, s) = (Median(own), 1.4826 * Median(own.Select(x => Math.Abs(x - Median(own))).ToList()));
        if (!(n >= 2 * m && n > m + Math.Max(6, 5 * s))) return false;

        var me = PlacementAsOf(user, day);
        if (me is null || !me.ActiveOn(day)) return true;
        var peers = _g.Staff.Keys.Where(o => o != user && PlacementAsOf(o, day) is { } p && p.ActiveOn(day) && p.UnitId == me.UnitId && p.Role == me.Role)
            .Select(o => (double)DistinctClients(o, day)).Where(x => x > 0).ToList();
        if (peers.Count < 3) return true;
        var pm = Median(peers);
        var ps = 1.4826 * Median(peers.Select(x => Math.Abs(x - pm)).ToList());
        return n > pm + Math.Max(6, 5 * ps);
    }

    public IEnumerable<(string User, LocalDate Day)> VolumeSpikes() =>
        _distinct.Keys.Where(k => VolumeSpikeFires(k.User, k.Day)).OrderBy(k => k.Day).ThenBy(k => k.User, StringComparer.Ordinal);

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }
}
