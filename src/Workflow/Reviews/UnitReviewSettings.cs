using NodaTime;

namespace LogControl.Workflow.Reviews;

/// <summary>
/// A unit's review settings as history: how often its periodic reviews come (half-yearly unless set), whether a
/// critical anomaly opens an immediate review, and who may sign off for the manager (delegations).
/// </summary>
public sealed class UnitReviewSettings
{
    public Guid Id { get; set; }
    public string UnitId { get; set; } = "";
    public ReviewFrequency Frequency { get; set; } = ReviewFrequency.HalfYearly;
    public bool ImmediateReviewOnCritical { get; set; }
    public List<DelegationRecorded> Delegations { get; set; } = [];

    public static Guid StreamId(string unitId) => StableId.From("review-settings:" + unitId);

    public void Apply(ReviewPolicySet e) { Id = StreamId(e.UnitId); UnitId = e.UnitId; Frequency = e.Frequency; ImmediateReviewOnCritical = e.ImmediateReviewOnCritical; }
    public void Apply(DelegationRecorded e) { Id = StreamId(e.UnitId); UnitId = e.UnitId; Delegations.Add(e); }

    /// <summary>Delegates of <paramref name="managerUserId"/> on <paramref name="day"/>.</summary>
    public IEnumerable<string> DelegatesOn(string managerUserId, LocalDate day) =>
        Delegations.Where(d => d.ManagerUserId == managerUserId && d.From <= day && day <= d.To).Select(d => d.DelegateUserId);

    /// <summary>The review periods of this frequency: the one containing <paramref name="day"/>.</summary>
    public static (LocalDate From, LocalDate To) PeriodContaining(ReviewFrequency frequency, LocalDate day)
    {
        var months = frequency switch { ReviewFrequency.Monthly => 1, ReviewFrequency.Quarterly => 3, _ => 6 };
        var startMonth = (day.Month - 1) / months * months + 1;
        var from = new LocalDate(day.Year, startMonth, 1);
        return (from, from.PlusMonths(months).PlusDays(-1));
    }
}
