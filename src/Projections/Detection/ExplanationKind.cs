namespace LogControl.Projections.Detection;

/// <summary>
/// How an access was explained by a care relationship (contracts/anomalies.md, "What explains an access"),
/// most specific first. Stored as its number in <c>lc_access_timeline.explanation</c>; never renumber.
/// </summary>
public enum ExplanationKind : short
{
    /// <summary>The user had a visit to the client that local day.</summary>
    Visit = 0,
    /// <summary>The user had an assignment to the client covering that day.</summary>
    Assignment = 1,
    /// <summary>The client was enrolled (or within 30 days of an enrollment's end) at the user's own unit.</summary>
    EnrollmentAtOwnUnit = 2,
    /// <summary>... at a unit where the user had a shift covering the access (30 minutes either side).</summary>
    EnrollmentAtShiftUnit = 3,
    /// <summary>... at a unit the user's unit covers (e.g. a night patrol's areas).</summary>
    EnrollmentAtCoveredUnit = 4,
}
