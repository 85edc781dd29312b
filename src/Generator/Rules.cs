using LogControl.Domain.Detection;

namespace LogControl.Generator;

/// <summary>The rule codes of shared/contracts/anomalies.md, as flags so one access can carry several.</summary>
[Flags]
internal enum Rule
{
    None = 0,
    NoRelationship = 1 << 0,
    ProtectedIdentity = 1 << 1,
    OwnRecord = 1 << 2,
    RelativeOrNeighbour = 1 << 3,
    CoworkerRecord = 1 << 4,
    OffShift = 1 << 5,
    AfterEmployment = 1 << 6,
    AfterCareEnded = 1 << 7,
    EmergencyAccess = 1 << 8,
    PrintExport = 1 << 9,
    VolumeSpike = 1 << 10,
    FailedAccess = 1 << 11,
}

/// <summary>The generator's rule flags mapped onto the contract's codes (<see cref="RuleCodes"/>), in contract order.</summary>
internal static class RuleFlags
{
    internal static readonly IReadOnlyList<Rule> Flags =
    [
        Rule.NoRelationship, Rule.ProtectedIdentity, Rule.OwnRecord, Rule.RelativeOrNeighbour, Rule.CoworkerRecord,
        Rule.OffShift, Rule.AfterEmployment, Rule.AfterCareEnded, Rule.EmergencyAccess, Rule.PrintExport,
        Rule.VolumeSpike, Rule.FailedAccess,
    ];

    internal static string Code(Rule r) => RuleCodes.All[Flags.ToList().IndexOf(r)];

    /// <summary>The single rules in a set, in contract order.</summary>
    internal static IEnumerable<Rule> Each(Rule set) => Flags.Where(f => (set & f) != 0);
}
