using LogControl.Domain.Time;
using LogControl.Projections.Detection;
using LogControl.Workflow;
using LogControl.Workflow.Investigations;
using LogControl.Workflow.Reviews;
using LogControl.Workflow.Security;
using NodaTime;
using NodaTime.Text;

namespace LogControl.Server.Web;

/// <summary>The UI's Swedish: times in Europe/Stockholm, names of the workflow's states, and refusals in plain words.</summary>
public static class Sv
{
    private static readonly LocalDateTimePattern TimePattern = LocalDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd HH:mm");
    private static readonly LocalDatePattern DatePattern = LocalDatePattern.CreateWithInvariantCulture("uuuu-MM-dd");

    /// <summary>"1 åtkomst", "2 åtkomster".</summary>
    public static string Count(int n, string one, string many) => $"{n} {(n == 1 ? one : many)}";

    public static string Time(Instant at) => TimePattern.Format(at.InZone(SwedishTime.Zone).LocalDateTime);
    public static string Time(Instant? at) => at is { } a ? Time(a) : "–";
    public static string Date(LocalDate d) => DatePattern.Format(d);
    public static string Date(LocalDate? d) => d is { } x ? Date(x) : "–";
    public static LocalDate Today(IClock clock) => clock.GetCurrentInstant().InZone(SwedishTime.Zone).Date;

    public static string Role(string role) => role switch
    {
        Roles.UnitManager => "Enhetschef",
        Roles.Security => "Informationssäkerhet",
        Roles.Auditor => "Internrevision",
        Roles.Administrator => "Administratör",
        Roles.Employee => "Medarbetare",
        _ => role,
    };

    public static string Kind(ReviewKind k) => k == ReviewKind.Immediate ? "Omedelbar (misstanke)" : "Periodisk";

    public static string Kind(ItemKind k) => k switch
    {
        ItemKind.Anomaly => "Avvikelse",
        ItemKind.EmergencyAccess => "Nödåtkomst",
        ItemKind.ProtectedIdentity => "Skyddade personuppgifter",
        ItemKind.Sample => "Stickprov",
        _ => k.ToString(),
    };

    public static string Verdict(Verdict? v) => v switch
    {
        Workflow.Reviews.Verdict.Justified => "Motiverad",
        Workflow.Reviews.Verdict.Unjustified => "Ej motiverad",
        _ => "Ej bedömd",
    };

    public static string Category(JustificationCategory? c) => c switch
    {
        JustificationCategory.Care => "Vård och omsorg",
        JustificationCategory.Administration => "Administration",
        JustificationCategory.Emergency => "Akut situation",
        JustificationCategory.Documentation => "Dokumentation",
        JustificationCategory.Other => "Annat",
        _ => "–",
    };

    public static string Explanation(ExplanationKind? e) => e switch
    {
        ExplanationKind.Visit => "Besök hos brukaren",
        ExplanationKind.Assignment => "Utsedd kontaktman/handläggare",
        ExplanationKind.EnrollmentAtOwnUnit => "Brukaren har insats på egen enhet",
        ExplanationKind.EnrollmentAtShiftUnit => "Brukaren har insats på enhet där användaren arbetade pass",
        ExplanationKind.EnrollmentAtCoveredUnit => "Brukaren har insats på enhet som egen enhet täcker",
        null => "Ingen vårdrelation förklarar åtkomsten",
        _ => e.ToString()!,
    };

    public static string Action(string action) => action.ToLowerInvariant() switch
    {
        "read" => "Läsa",
        "search" => "Sökning",
        "create" => "Skapa",
        "update" => "Ändra",
        "delete" => "Radera",
        "print" => "Utskrift",
        "export" => "Export",
        _ => action,
    };

    public static string Purpose(string purpose) => purpose.ToLowerInvariant() switch
    {
        "care" => "Vård",
        "emergency" => "Nödåtkomst",
        "admin" => "Administration",
        "followup" => "Uppföljning",
        _ => purpose,
    };

    public static string Status(InvestigationStatus s) => s == InvestigationStatus.Open ? "Pågående" : "Avslutad";

    public static string Outcome(InvestigationOutcome? o) => o switch
    {
        InvestigationOutcome.NoMisuse => "Inget missbruk",
        InvestigationOutcome.MisuseConfirmed => "Missbruk bekräftat",
        _ => "–",
    };

    public static string Decision(DecisionKind k) => k switch
    {
        DecisionKind.LexSarah => "Lex Sarah-anmälan",
        DecisionKind.LexMaria => "Lex Maria-anmälan",
        DecisionKind.Hr => "Överlämnat till HR",
        DecisionKind.Police => "Polisanmälan",
        _ => k.ToString(),
    };

    /// <summary>A refused command in Swedish, by its stable code; unknown codes keep the aggregate's own message.</summary>
    public static string Rejection(CommandRejected r) => r.Code switch
    {
        "review_closed" => "Granskningen är signerad och stängd. Ändringar görs som rättelser med motivering.",
        "review_not_started" => "Granskningen är inte påbörjad. Starta den först, då dras urvalet.",
        "review_already_started" => "Granskningen är redan påbörjad; urvalet ligger fast.",
        "unknown_item" => "Granskningen har ingen sådan post.",
        "item_escalated" => "Posten är eskalerad till informationssäkerhet och bedömningen står fast.",
        "category_required" => "Välj en kategori för varför åtkomsten var motiverad.",
        "note_required" => "Skriv en anteckning om varför åtkomsten inte var motiverad.",
        "awaiting_employee" => "Posten väntar på medarbetarens förklaring och kan inte bedömas ännu.",
        "item_already_judged" => "Posten är redan bedömd; medarbetaren kan inte längre tillfrågas.",
        "question_required" => "Skriv vad medarbetaren ska förklara.",
        "not_unjustified" => "Bara en post som bedömts som ej motiverad kan eskaleras.",
        "already_escalated" => "Posten är redan eskalerad.",
        "items_undecided" => "Alla poster är inte avgjorda (en ej motiverad post måste också eskaleras). Kvar: " + r.Message.Split("): ", 2).Last(),
        "forbidden" => "Du har inte behörighet till detta.",
        "not_found" => "Hittades inte.",
        _ => r.Message,
    };
}
