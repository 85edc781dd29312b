using NodaTime;

namespace LogControl.Generator;

/// <summary>One generated access-log row (CSV row or FHIR AuditEvent). Its event id is given when it is written, in time order.</summary>
internal sealed class GenAccess
{
    public required Instant At { get; init; }
    public required Staff User { get; init; }
    /// <summary>The unit the user was logged in as (the unit_id of the row); it decides the source system.</summary>
    public required Unit Unit { get; init; }
    /// <summary>Null for login, logout and search rows.</summary>
    public Client? Client { get; init; }
    public required string Action { get; init; }
    public string Purpose { get; init; } = "care";
    /// <summary>FHIR outcome: "0" success, "4"/"8" failure. Only the FHIR source can say a row failed.</summary>
    public string Outcome { get; init; } = "0";
    public string? Detail { get; init; }
    public Incident? Incident { get; set; }
    /// <summary>The rules of its incident this access is evidence for.</summary>
    public Rule Rules { get; set; }
    public long Order { get; set; }
    public string? EventId { get; set; }

    public bool Failed => Outcome != "0";
    public SourceSystem System => Unit.System;
    public string SourceEventId => $"{System}:{EventId}";
}

/// <summary>Injected misuse: the accesses and the rules they must fire (primary first).</summary>
internal sealed class Incident
{
    public string Id { get; set; } = "";
    public required Rule Primary { get; init; }
    public Rule Secondary { get; set; }
    public required Staff User { get; init; }
    public Client? Client { get; init; }
    public required int Day { get; init; }
    public string Description { get; set; } = "";
    public List<GenAccess> Accesses { get; } = [];
    public int PlanOrder { get; set; }
    /// <summary>VOLUME_SPIKE only: how many times the usual daily count to aim for.</summary>
    public double SpikeFactor { get; init; }
}

/// <summary>Counts of the legitimate look-alikes, for the manifest.</summary>
internal sealed class LookalikeCounts
{
    public int SameSurnameOtherAddress;
    public int TenMinutesAfterShift;
    public int EnrollmentEndedDaysAgo;
    public int NightPatrolCoveredUnit;
    public int CoveringShiftAccesses;
    public int TwoFailedAttempts;
    public int DeceasedTenDaysAgo;
    public int LegitimatePrints;
    public int ProtectedByVisitOrAssignment;

    public IEnumerable<(string Name, int Count)> All =>
    [
        ("same_surname_other_address", SameSurnameOtherAddress),
        ("ten_minutes_after_shift", TenMinutesAfterShift),
        ("enrollment_ended_days_ago", EnrollmentEndedDaysAgo),
        ("night_patrol_covered_unit", NightPatrolCoveredUnit),
        ("covering_shift_accesses", CoveringShiftAccesses),
        ("two_failed_attempts", TwoFailedAttempts),
        ("deceased_ten_days_ago", DeceasedTenDaysAgo),
        ("legitimate_prints", LegitimatePrints),
        ("protected_by_visit_or_assignment", ProtectedByVisitOrAssignment),
    ];
}

/// <summary>
/// Distinct clients per user and local day in successful patient accesses, as VOLUME_SPIKE counts
/// them. Only recent days keep their client sets; the counts stay.
/// </summary>
internal sealed class DailyDistinct(int staff, int days)
{
    private readonly int[] _counts = new int[staff * (days + 2)];
    private readonly HashSet<(int Staff, int Day, int Client)> _seen = [];
    private readonly int _days = days;

    public void Add(int user, int day, int client)
    {
        if (day < 0 || day > _days + 1) return;
        if (_seen.Add((user, day, client))) _counts[user * (_days + 2) + day]++;
    }

    public int Count(int user, int day) => day < 0 || day > _days + 1 ? 0 : _counts[user * (_days + 2) + day];

    public void ForgetBefore(int day) => _seen.RemoveWhere(k => k.Day < day);
}
