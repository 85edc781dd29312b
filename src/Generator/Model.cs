using NodaTime;

namespace LogControl.Generator;

// The generated municipality in memory. Everything is held in ordered lists and iterated in index
// order; dictionaries and sets are used for look-ups only, so the output never depends on hash order.

internal enum UnitKind { HomeCare, Night, NursingHome, Health, Assessment }

/// <summary>The care record system a unit's staff log into; it decides the export format.</summary>
internal enum SourceSystem { Lifecare, Treserva, Combine }

internal sealed class Unit(int index, string id, string name, UnitKind kind)
{
    public int Index { get; } = index;
    public string Id { get; } = id;
    public string Name { get; } = name;
    public UnitKind Kind { get; } = kind;
    public List<Unit> Covers { get; } = [];
    public Staff? Manager { get; set; }
    /// <summary>Every client ever enrolled here (in creation order).</summary>
    public List<Client> Clients { get; } = [];
    /// <summary>Clients with one stable enrollment here and nothing special: safe targets for injected misuse.</summary>
    public List<Client> PlainClients { get; } = [];
    public List<Client> FormerEnded { get; } = [];
    public List<Client> FormerDeceased { get; } = [];

    public string KindCode => Kind switch
    {
        UnitKind.HomeCare => "hemtjanst",
        UnitKind.Night => "hemtjanst_natt",
        UnitKind.NursingHome => "sarskilt_boende",
        UnitKind.Health => "hsl",
        _ => "myndighet",
    };

    public string ComparableGroup => Kind switch
    {
        UnitKind.HomeCare => "hemtjanst-dag",
        UnitKind.Night => "hemtjanst-natt",
        UnitKind.NursingHome => "sarskilt-boende",
        UnitKind.Health => "hsl",
        _ => "myndighet",
    };

    public SourceSystem System => Kind switch
    {
        UnitKind.HomeCare or UnitKind.Night => SourceSystem.Lifecare,
        UnitKind.Health => SourceSystem.Combine,
        _ => SourceSystem.Treserva,
    };

    /// <summary>Units whose clients this unit's staff work with on a normal day.</summary>
    public IEnumerable<Unit> ServedUnits => Kind == UnitKind.Night ? Covers : [this];

    public override string ToString() => Id;
}

internal sealed record Placement(Unit Unit, string Role, LocalDate From, LocalDate? To)
{
    public bool ActiveOn(LocalDate d) => From <= d && (To is null || To >= d);
}

/// <summary>Care = day/evening shifts, Night = night shifts, Manager = office-hour shifts; nurses and case workers have no shifts.</summary>
internal enum StaffKind { Care, Night, Manager, Nurse, CaseWorker }

internal sealed class Staff(int index, string userId, string givenName, string surname, StaffKind kind)
{
    public int Index { get; } = index;
    public string UserId { get; } = userId;
    public string GivenName { get; } = givenName;
    public string Surname { get; } = surname;
    public string Name => $"{GivenName} {Surname}";
    public StaffKind Kind { get; } = kind;
    public string? Personnummer { get; set; }
    public string? AddressKey { get; set; }
    public List<Placement> Placements { get; } = [];
    public double MeanClients { get; set; }
    public string Terminal { get; set; } = "";
    public bool Mover { get; set; }
    public LocalDate? LeftOn { get; set; }
    public bool Leaver => LeftOn is not null;
    /// <summary>Client ids this person never opens in legitimate work (own record, relatives, household).</summary>
    public HashSet<string> Avoid { get; } = new(StringComparer.Ordinal);
    public List<Assignment> Assignments { get; } = [];
    public List<Shift> Shifts { get; } = [];
    /// <summary>The shift starting on each day of the period, or null.</summary>
    public Shift?[] ShiftByDay { get; set; } = [];
    /// <summary>True for staff who carry a designed role in the data (relative, own record, mover, leaver): kept out of generic incidents.</summary>
    public bool Special { get; set; }

    /// <summary>The placement as of a day (latest from ≤ day), active or not.</summary>
    public Placement? PlacementAsOf(LocalDate d)
    {
        Placement? best = null;
        foreach (var p in Placements)
            if (p.From <= d && (best is null || p.From >= best.From)) best = p;
        return best;
    }

    public Unit? UnitOn(LocalDate d) => PlacementAsOf(d) is { } p && p.ActiveOn(d) ? p.Unit : null;

    public Unit HomeUnit => Placements[0].Unit;
    public string Role => Placements[0].Role;

    public override string ToString() => UserId;
}

internal sealed class Client(int index, string id, string surname, string addressKey)
{
    public int Index { get; } = index;
    public string Id { get; } = id;
    public string Surname { get; } = surname;
    public string AddressKey { get; } = addressKey;
    public bool Protected { get; set; }
    public LocalDate? DeceasedOn { get; set; }
    public List<Enrollment> Enrollments { get; } = [];
    public List<Assignment> Assignments { get; } = [];
    /// <summary>The staff member whose own record this is, if any.</summary>
    public Staff? StaffSelf { get; set; }
    /// <summary>Has a declared relation or a household tie to a staff member.</summary>
    public bool Related { get; set; }
    public Staff? Nurse { get; set; }
    public Staff? CaseWorker { get; set; }

    public bool AliveOn(LocalDate d) => DeceasedOn is null || DeceasedOn > d;

    /// <summary>Enrolled at the unit on the day, and alive.</summary>
    public bool ActiveAt(Unit u, LocalDate d)
    {
        if (!AliveOn(d)) return false;
        foreach (var e in Enrollments)
            if (e.Unit == u && e.ActiveOn(d)) return true;
        return false;
    }

    public bool ActiveAnywhere(LocalDate d)
    {
        if (!AliveOn(d)) return false;
        foreach (var e in Enrollments)
            if (e.ActiveOn(d)) return true;
        return false;
    }

    public bool AssignedTo(Staff s, LocalDate d)
    {
        foreach (var a in Assignments)
            if (a.Staff == s && a.ActiveOn(d)) return true;
        return false;
    }

    public override string ToString() => Id;
}

internal sealed record Enrollment(Client Client, Unit Unit, LocalDate From, LocalDate? To)
{
    public bool ActiveOn(LocalDate d) => From <= d && (To is null || To >= d);
}

internal sealed record Assignment(Staff Staff, Client Client, LocalDate From, LocalDate? To, string Reason)
{
    public bool ActiveOn(LocalDate d) => From <= d && (To is null || To >= d);
}

internal sealed record Relation(Staff Staff, Client Client, string Kind, LocalDate From);

internal enum ShiftKind { Day, Evening, Night, Office }

internal sealed record Shift(Staff Staff, Unit Unit, int Day, ShiftKind Kind, LocalDateTime Start, LocalDateTime End, Instant StartAt, Instant EndAt)
{
    /// <summary>The shift's own window with the 30-minute margin detection allows.</summary>
    public bool WindowContains(Instant t) => StartAt - Duration.FromMinutes(30) <= t && t <= EndAt + Duration.FromMinutes(30);
}

/// <summary>The whole generated municipality.</summary>
internal sealed class World(ScaleProfile profile)
{
    public ScaleProfile Profile { get; } = profile;
    public List<Unit> Units { get; } = [];
    public List<Staff> Staff { get; } = [];
    public List<Client> Clients { get; } = [];
    public List<Enrollment> Enrollments { get; } = [];
    public List<Assignment> Assignments { get; } = [];
    public List<Relation> Relations { get; } = [];
    /// <summary>Household clients: same surname and address key as the staff member.</summary>
    public List<(Staff Staff, Client Client)> Households { get; } = [];
    /// <summary>Staff members who are also clients (same personnummer) at another unit.</summary>
    public List<Staff> StaffClients { get; } = [];

    public LocalDate Date(int day) => Profile.Start.PlusDays(day);
    public int DayOf(LocalDate d) => Period.Between(Profile.Start, d, PeriodUnits.Days).Days;
    public int Days => Profile.Days;

    public IEnumerable<Unit> UnitsOf(UnitKind kind) => Units.Where(u => u.Kind == kind);
}
