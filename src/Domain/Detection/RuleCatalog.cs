using System.Reflection;
using System.Text;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;

namespace LogControl.Domain.Detection;

public enum Severity { Low, Medium, High, Critical }

/// <summary>The rule codes of contracts/anomalies.md. Codes never change meaning; more may be added.</summary>
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
}

public sealed record RuleDefinition(string Rule, Severity Severity, string Title, string Text);

/// <summary>What an anomaly's text is made from: the grouped accesses and the evidence the rule recorded.</summary>
public sealed record AnomalyFacts(
    string Rule, string UserId, string? UserName, string? ClientId, LocalDate Date, int AccessCount, string? UnitId,
    IReadOnlyDictionary<string, string?> Evidence);

/// <summary>
/// Severities and the plain-language (Swedish) explanations of each rule. The wording lives in
/// <c>rules.sv.json</c>, not in code, so it can be reviewed and changed without touching detection.
/// Placeholders in braces are filled from the anomaly's evidence; unknown ones become empty.
/// </summary>
public static class RuleCatalog
{
    private static readonly (Dictionary<string, RuleDefinition> Rules, Dictionary<string, string> Phrases) Data = Load();

    public static IReadOnlyCollection<RuleDefinition> Rules => Data.Rules.Values;

    public static RuleDefinition Get(string rule) =>
        Data.Rules.TryGetValue(rule, out var r) ? r : throw new ArgumentException($"unknown rule code {rule}", nameof(rule));

    public static string SeverityCode(Severity s) => s.ToString().ToLowerInvariant();

    public static string Explain(AnomalyFacts a)
    {
        var p = Data.Phrases;
        var e = a.Evidence;
        string? Ev(string key) => e.TryGetValue(key, out var v) && !string.IsNullOrEmpty(v) ? v : null;
        var values = new Dictionary<string, string?>
        {
            ["user"] = a.UserName is { Length: > 0 } name ? $"{name} ({a.UserId})" : a.UserId,
            ["client"] = a.ClientId,
            ["date"] = LocalDatePattern.Iso.Format(a.Date),
            ["count"] = a.AccessCount.ToString(),
            ["unit"] = a.UnitId ?? Ev("unit"),
        };
        foreach (var (k, v) in e) values.TryAdd(k, Number(v));
        values["times"] = Fill(a.AccessCount == 1 ? p["times_one"] : p["times_many"], values);
        values["unit_part"] = Ev("unit") is { } unit ? Fill(p["unit_part"], new() { ["unit"] = unit }) : "";
        values["explained_part"] = Ev("explanation") is { } kind && p.TryGetValue("explanation." + kind, out var how)
            ? Fill(p["explained_part"], new() { ["explanation"] = how }) : "";
        values["relation_part"] = Ev("relation") is { } rel
            ? Fill(p["relation_declared"], new() { ["relation_kind"] = p.GetValueOrDefault("relation." + rel, rel) })
            : p["relation_shared"];
        values["shift_part"] = (Ev("prev_end") is { } prev ? Fill(p["shift_prev"], new() { ["prev_end"] = LocalTime(prev) }) : "")
            + (Ev("next_start") is { } next ? Fill(p["shift_next"], new() { ["next_start"] = LocalTime(next) }) : "");
        values["ended_on"] = Ev("ended_on") ?? p["ended_unknown"];
        values["care_part"] = Ev("deceased_on") is { } died && Ev("ended_on") is null
            ? Fill(p["care_deceased"], new() { ["deceased_on"] = died })
            : Fill(p["care_ended"], new() { ["ended_on"] = Ev("ended_on") ?? p["ended_unknown"] });
        values["peer_part"] = Ev("peer_median") is { } pm ? Fill(p["peer_part"], new() { ["peer_median"] = Number(pm) }) : "";
        return Fill(Get(a.Rule).Text, values);
    }

    private static readonly System.Globalization.CultureInfo Swedish = System.Globalization.CultureInfo.GetCultureInfo("sv-SE");

    /// <summary>Numbers as a Swedish reader writes them: "5", "5,5".</summary>
    private static string? Number(string? v) =>
        double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)
            ? d.ToString("0.#", Swedish) : v;

    /// <summary>Instants in evidence are ISO strings; people read local time.</summary>
    private static string LocalTime(string iso)
    {
        var parsed = OffsetDateTimePattern.ExtendedIso.Parse(iso);
        if (!parsed.Success) return iso;
        var local = parsed.Value.ToInstant().InZone(Time.SwedishTime.Zone).LocalDateTime;
        return LocalDateTimePattern.CreateWithInvariantCulture("yyyy-MM-dd HH:mm").Format(local);
    }

    private static string Fill(string template, Dictionary<string, string?> values)
    {
        var sb = new StringBuilder(template.Length + 64);
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            var close = c == '{' ? template.IndexOf('}', i + 1) : -1;
            if (close < 0) { sb.Append(c); continue; }
            sb.Append(values.GetValueOrDefault(template[(i + 1)..close]) ?? "");
            i = close;
        }
        return sb.ToString();
    }

    private static (Dictionary<string, RuleDefinition>, Dictionary<string, string>) Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("LogControl.Domain.Detection.rules.sv.json")
            ?? throw new InvalidOperationException("rules.sv.json is not embedded");
        using var doc = JsonDocument.Parse(stream);
        var rules = new Dictionary<string, RuleDefinition>();
        foreach (var r in doc.RootElement.GetProperty("rules").EnumerateArray())
        {
            var code = r.GetProperty("rule").GetString()!;
            rules[code] = new RuleDefinition(code, Enum.Parse<Severity>(r.GetProperty("severity").GetString()!, ignoreCase: true),
                r.GetProperty("title").GetString()!, r.GetProperty("text").GetString()!);
        }
        var phrases = doc.RootElement.GetProperty("phrases").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        return (rules, phrases);
    }
}
