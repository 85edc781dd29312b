using NodaTime;

namespace LogControl.Generator;

/// <summary>
/// Size and period of one scale. Staff counts per unit include the unit manager. Periods start on a
/// Monday; small covers the spring DST change (2026-03-29), large the autumn one (2026-10-25).
/// </summary>
internal sealed record ScaleProfile(
    LocalDate Start,
    int Days,
    int HomeCareUnits, int HomeCareStaff, int HomeCareClients,
    int NightUnits, int NightStaff,
    int NursingHomes, int NursingStaff, int NursingClients,
    int HealthUnits, int Nurses,
    int AssessmentUnits, int CaseWorkers,
    double RowsPerClient,
    int IncidentsPerRule)
{
    public LocalDate End => Start.PlusDays(Days - 1);

    public static ScaleProfile For(Scale scale) => scale switch
    {
        Scale.Small => new(new LocalDate(2026, 3, 16), 21,
            HomeCareUnits: 2, HomeCareStaff: 9, HomeCareClients: 62,
            NightUnits: 1, NightStaff: 5,
            NursingHomes: 1, NursingStaff: 10, NursingClients: 58,
            HealthUnits: 1, Nurses: 4,
            AssessmentUnits: 1, CaseWorkers: 3,
            RowsPerClient: 4.3, IncidentsPerRule: 5),
        Scale.Medium => new(new LocalDate(2026, 3, 2), 56,
            HomeCareUnits: 8, HomeCareStaff: 18, HomeCareClients: 110,
            NightUnits: 2, NightStaff: 8,
            NursingHomes: 5, NursingStaff: 14, NursingClients: 120,
            HealthUnits: 1, Nurses: 12,
            AssessmentUnits: 1, CaseWorkers: 8,
            RowsPerClient: 3.0, IncidentsPerRule: 20),
        Scale.Large => new(new LocalDate(2026, 9, 7), 84,
            HomeCareUnits: 32, HomeCareStaff: 18, HomeCareClients: 110,
            NightUnits: 6, NightStaff: 8,
            NursingHomes: 18, NursingStaff: 15, NursingClients: 135,
            HealthUnits: 2, Nurses: 30,
            AssessmentUnits: 2, CaseWorkers: 23,
            RowsPerClient: 2.5, IncidentsPerRule: 60),
        _ => throw new ArgumentOutOfRangeException(nameof(scale)),
    };
}
