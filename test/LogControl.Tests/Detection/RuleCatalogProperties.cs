using FsCheck;
using FsCheck.Xunit;
using LogControl.Domain.Detection;
using NodaTime;

namespace LogControl.Tests.Detection;

/// <summary>
/// The rule catalogue: every contract rule has a severity and a Swedish text, and a text is always
/// complete (no unfilled placeholder, never a crash) whatever evidence an anomaly carries.
/// </summary>
public sealed class RuleCatalogProperties
{
    private static readonly string[] ContractRules =
    [
        "NO_RELATIONSHIP", "PROTECTED_IDENTITY", "OWN_RECORD", "RELATIVE_OR_NEIGHBOUR", "COWORKER_RECORD", "OFF_SHIFT",
        "AFTER_EMPLOYMENT", "AFTER_CARE_ENDED", "EMERGENCY_ACCESS", "PRINT_EXPORT", "VOLUME_SPIKE", "FAILED_ACCESS",
    ];

    private static readonly string[] EvidenceKeys =
        ["unit", "explanation", "relation", "prev_end", "next_start", "ended_on", "deceased_on", "clients", "own_median", "peer_median", "action", "failed"];

    [Fact]
    public void every_contract_rule_is_in_the_catalogue_and_nothing_else()
    {
        RuleCatalog.Rules.Select(r => r.Rule).Order().ShouldBe(ContractRules.Order());
        RuleCatalog.Rules.ShouldAllBe(r => r.Title.Length > 0 && r.Text.Length > 0);
    }

    [Property(MaxTest = 500)]
    public bool any_evidence_gives_a_complete_text(NonNegativeInt rule, PositiveInt count, string? name, string?[] values, int day)
    {
        var evidence = new Dictionary<string, string?>();
        for (var i = 0; i < (values ?? []).Length; i++)
            evidence[EvidenceKeys[i % EvidenceKeys.Length]] = values![i]?.Replace("{", "").Replace("}", "");
        var code = ContractRules[rule.Get % ContractRules.Length];
        var date = new LocalDate(2026, 1, 1).PlusDays(Math.Abs(day % 3000));
        var text = RuleCatalog.Explain(new AnomalyFacts(code, "U1", name?.Replace("{", "").Replace("}", ""), "191212121212", date, count.Get, "HT-NORR", evidence));
        return text.Length > 20 && !text.Contains('{') && !text.Contains('}') && text.Contains(date.ToString("yyyy-MM-dd", null));
    }
}
