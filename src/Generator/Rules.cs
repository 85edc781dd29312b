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

public static class RuleCodes
{
    public const string NoRelationship = "NO_RELATIONSHIP";
    public const string ProtectedIdentity = "PROTECTED_IDENTITY";
    public const string OwnRecord = "OWN_RECORD";
    public const string RelativeOrNeighbour = "RELATIVE_OR_NEIGHBOUR";
    public const string CoworkerRecord = "COWORKER_RECORD";
    public const string OffShift = "OFF_SHIFT";
    public const string AfterEmployment = "AFTER_EMPLOYMENT";
    public const string AfterCareEnded = "AFTER_CARE_ENDED";
    public const string EmergencyAccess = "EMERGENCY_ACCESS";
    public const string PrintExport = "PRINT_EXPORT";
    public const string VolumeSpike = "VOLUME_SPIKE";
    public const string FailedAccess = "FAILED_ACCESS";

    /// <summary>Every rule code, in the order of the contract's table.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        NoRelationship, ProtectedIdentity, OwnRecord, RelativeOrNeighbour, CoworkerRecord, OffShift,
        AfterEmployment, AfterCareEnded, EmergencyAccess, PrintExport, VolumeSpike, FailedAccess,
    ];

    internal static readonly IReadOnlyList<Rule> Flags =
    [
        Rule.NoRelationship, Rule.ProtectedIdentity, Rule.OwnRecord, Rule.RelativeOrNeighbour, Rule.CoworkerRecord,
        Rule.OffShift, Rule.AfterEmployment, Rule.AfterCareEnded, Rule.EmergencyAccess, Rule.PrintExport,
        Rule.VolumeSpike, Rule.FailedAccess,
    ];

    internal static string Code(Rule r) => All[Flags.ToList().IndexOf(r)];

    /// <summary>The single rules in a set, in contract order.</summary>
    internal static IEnumerable<Rule> Each(Rule set) => Flags.Where(f => (set & f) != 0);
}
