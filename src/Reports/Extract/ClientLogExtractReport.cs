using LogControl.Domain.Identity;
using LogControl.Projections;
using LogControl.Reports.Export;
using Marten;
using NodaTime;

namespace LogControl.Reports.Extract;

/// <param name="Client">The client's personnummer or samordningsnummer, in any accepted form (normalised to 12 digits).</param>
/// <param name="From">First local day.</param>
/// <param name="To">Last local day (inclusive).</param>
/// <param name="Units">Only accesses from these units (a manager's scope); null for all.</param>
public sealed record ClientLogExtractParameters(string Client, LocalDate From, LocalDate To, IReadOnlyCollection<string>? Units = null);

/// <summary>One unit that accessed the record: how often and between which times.</summary>
public sealed record ExtractUnit(string? UnitId, string? UnitName, int Accesses, Instant FirstAt, Instant LastAt);

/// <summary>One access as the client is told of it: when, from which unit, what was done. Not who: the law names units.</summary>
public sealed record ExtractAccess(Instant At, string? UnitId, string? UnitName, string Action, bool Emergency);

public sealed record ClientLogExtractModel(string ClientId, LocalDate From, LocalDate To, IReadOnlyCollection<string>? Units,
    IReadOnlyList<ExtractUnit> ByUnit, IReadOnlyList<ExtractAccess> Accesses) : IExportableReport
{
    public ReportDocument ToDocument() => new("Loggutdrag: åtkomster till journal",
        [("Brukare (personnummer)", ClientId), ("Period", $"{From:uuuu-MM-dd} – {To:uuuu-MM-dd}"), ("Enheter", UnitScope.Describe(Units)),
         ("Antal åtkomster", Accesses.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))],
        [
            new ReportTable("Enheter som tagit del av journalen",
                [new("Enhet"), new("Namn"), new("Antal åtkomster", true), new("Första"), new("Senaste")],
                ByUnit.Select(u => (IReadOnlyList<object?>)[u.UnitId ?? "okänd", u.UnitName, u.Accesses, u.FirstAt, u.LastAt]).ToList()),
            new ReportTable("Alla åtkomster i tidsordning",
                [new("Tidpunkt"), new("Enhet"), new("Namn"), new("Åtgärd"), new("Nödåtkomst")],
                Accesses.Select(a => (IReadOnlyList<object?>)[a.At, a.UnitId ?? "okänd", a.UnitName, a.Action, a.Emergency]).ToList()),
        ],
        [
            "Loggutdraget visar vilka enheter som har tagit del av journalen och när (patientdatalagen 8 kap. 2 §; motsvarande för socialtjänsten).",
            "Tider är svensk tid. Enhet är den enhet som loggen anger, annars den enhet där användaren var placerad den dagen.",
            "Nödåtkomst: journalen öppnades förbi en spärr för att det fanns fara för liv eller hälsa; sådana åtkomster granskas alltid.",
            "Utdraget är en personuppgift: att det tagits fram är loggat.",
        ]);

    public static string ActionText(string action) => action switch
    {
        "Read" => "Läsa",
        "Create" => "Skapa",
        "Update" => "Ändra",
        "Delete" => "Radera",
        "Print" => "Skriva ut",
        "Export" => "Exportera",
        "Search" => "Sökning",
        _ => action,
    };
}

/// <summary>
/// The client log extract (loggutdrag): which units accessed a client's record and when, from the access timeline
/// (indexed by client and time). Successful accesses only: a refused attempt opened nothing.
/// </summary>
public static class ClientLogExtractReport
{
    /// <summary>Normalises and validates a personnummer; throws <see cref="ArgumentException"/> for one that is not.</summary>
    public static string NormaliseClient(string text, LocalDate today)
    {
        var t = text.Trim();
        if (!Personnummer.LooksLikeOne(t) || !Personnummer.HasValidCheckDigit(t))
            throw new ArgumentException($"'{text}' is not a valid personnummer (YYYYMMDD-NNNN, checksum)");
        return Personnummer.Normalise(t, today.Year);
    }

    public static async Task<ClientLogExtractModel> RunAsync(IDocumentStore store, ClientLogExtractParameters p, CancellationToken ct = default)
    {
        var client = NormaliseClient(p.Client, p.To);
        var s = store.Options.Events.DatabaseSchemaName;
        // The unit of an access: what the log says, else the user's placement on that day (latest from on or before it).
        var rows = await StoreSql.QueryAsync(store, $"""
            select t.occurred_at, coalesce(t.unit_id, pl.unit_id) as unit, u.name, t.action, t.purpose = 'Emergency'
            from {s}.lc_access_timeline t
            left join lateral (select p.unit_id from {s}.lc_ref_placements p
                               where p.user_id = t.user_id and p.valid_from <= t.local_day order by p.valid_from desc limit 1) pl on t.unit_id is null
            left join {s}.lc_ref_units u on u.unit_id = coalesce(t.unit_id, pl.unit_id)
            where t.client_id = $1 and t.local_day between $2 and $3 and not t.failed
              and ($4::text[] is null or coalesce(t.unit_id, pl.unit_id) = any($4::text[]))
            order by t.occurred_at, t.seq_id
            """, r => new ExtractAccess(r.GetFieldValue<Instant>(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
                ClientLogExtractModel.ActionText(r.GetString(3)), r.GetBoolean(4)), ct, client, p.From, p.To, UnitScope.Param(p.Units));
        var byUnit = rows.GroupBy(a => (a.UnitId, a.UnitName))
            .Select(g => new ExtractUnit(g.Key.UnitId, g.Key.UnitName, g.Count(), g.Min(a => a.At), g.Max(a => a.At)))
            .OrderBy(u => u.FirstAt).ToList();
        return new ClientLogExtractModel(client, p.From, p.To, p.Units, byUnit, rows);
    }
}
