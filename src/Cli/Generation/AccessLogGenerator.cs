using System.Globalization;
using System.Text;
using LogControl.Domain.Identity;
using LogControl.Domain.Time;
using NodaTime;

namespace LogControl.Cli.Generation;

/// <summary>
/// Synthetic municipality data for demos, tests and benchmarks: units, staff, clients (Luhn-valid,
/// synthetic personnummer), enrollments and shifts as reference NDJSON, and an access-log CSV where
/// staff read their own unit's clients during their shifts. Deterministic for a given seed.
/// Synthetic only: names come from short fixed lists, numbers from the seed.
/// </summary>
public sealed class AccessLogGenerator(int seed)
{
    private static readonly string[] Surnames = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson", "Gustafsson", "Öberg", "Åström", "Ängström", "Berg", "Lindqvist"];
    private static readonly string[] GivenNames = ["Åsa", "Nils", "Karin", "Erik", "Maria", "Lars", "Eva", "Anders", "Sara", "Johan", "Märta", "Örjan"];
    private static readonly string[] Roles = ["underskoterska", "underskoterska", "underskoterska", "sjukskoterska", "bistandshandlaggare"];
    private static readonly string[] Actions = ["read", "read", "read", "read", "read", "read", "update", "create", "search", "print"];

    public sealed record Summary(int Units, int Staff, int Clients, long Rows, string CsvPath, string ReferencePath);

    public Summary Write(string dir, long rows, int units = 20, LocalDate? start = null, double badFraction = 0)
    {
        Directory.CreateDirectory(dir);
        var rng = new Random(seed);
        var first = start ?? new LocalDate(2026, 3, 2);
        var staffPerUnit = 25;
        var clientsPerUnit = 60;

        var unitIds = Enumerable.Range(1, units).Select(i => $"HT-{i:D3}").ToArray();
        var staff = new List<(string Id, string Name, string Role, int Unit)>();
        var clients = new List<(string Pnr, int Unit)>();
        for (var u = 0; u < units; u++)
        {
            for (var s = 0; s < staffPerUnit; s++)
            {
                var n = staff.Count + 1001;
                staff.Add(($"SE2321000032-U{n:D5}", $"{GivenNames[rng.Next(GivenNames.Length)]} {Surnames[rng.Next(Surnames.Length)]}", Roles[rng.Next(Roles.Length)], u));
            }
            for (var c = 0; c < clientsPerUnit; c++) clients.Add((SyntheticPersonnummer(rng), u));
        }

        var refPath = Path.Combine(dir, "reference.ndjson");
        using (var w = new StreamWriter(refPath, false, new UTF8Encoding(false)))
        {
            for (var u = 0; u < units; u++)
                w.WriteLine($$"""{"type":"unit","unit_id":"{{unitIds[u]}}","name":"Hemtjänst {{u + 1}}","kind":"hemtjanst","manager_user_id":"SE2321000032-M{{u + 1:D4}}","comparable_group":"hemtjanst-dag","covers_units":[]}""");
            foreach (var s in staff)
                w.WriteLine($$"""{"type":"staff","user_id":"{{s.Id}}","name":"{{s.Name}}","surname":"{{s.Name.Split(' ')[1]}}","role":"{{s.Role}}","unit_id":"{{unitIds[s.Unit]}}","from":"2024-01-01","to":null}""");
            foreach (var c in clients)
            {
                w.WriteLine($$"""{"type":"client","client_id":"{{c.Pnr}}","surname":"{{Surnames[rng.Next(Surnames.Length)]}}","address_key":"{{rng.Next():x8}}","protected_identity":false,"deceased_on":null}""");
                w.WriteLine($$"""{"type":"enrollment","client_id":"{{c.Pnr}}","unit_id":"{{unitIds[c.Unit]}}","from":"2025-06-01","to":null}""");
            }
        }

        var csvPath = Path.Combine(dir, "access-log.csv");
        var days = Math.Max(1, (int)Math.Ceiling(rows / (double)(staff.Count * 12)));
        using (var w = new StreamWriter(csvPath, false, new UTF8Encoding(false), 1 << 16))
        {
            w.Write("event_id;timestamp;system;user_id;user_name;user_role;unit_id;client_id;action;purpose;terminal\n");
            var sb = new StringBuilder(256);
            for (long i = 0; i < rows; i++)
            {
                var s = staff[rng.Next(staff.Count)];
                var c = clients[s.Unit * clientsPerUnit + rng.Next(clientsPerUnit)];
                var day = first.PlusDays((int)(i * days / Math.Max(rows, 1)));
                var local = day.At(new LocalTime(7, 0)).PlusSeconds(rng.Next(9 * 3600));
                sb.Clear();
                sb.Append("LC-").Append(i.ToString("D9", CultureInfo.InvariantCulture)).Append(';');
                if (i % 3 == 0)
                {
                    SwedishTime.FromLocal(local, out var instant);
                    sb.Append(instant.ToString("uuuu-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                }
                else sb.Append(local.ToString("uuuu-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
                sb.Append(";Lifecare;").Append(s.Id).Append(';').Append(s.Name).Append(';').Append(s.Role).Append(';')
                  .Append(unitIds[s.Unit]).Append(';');
                var bad = badFraction > 0 && rng.NextDouble() < badFraction;
                sb.Append(bad ? c.Pnr[..^1] + (char)('0' + (c.Pnr[^1] - '0' + 1) % 10) : c.Pnr.Insert(8, "-"));
                sb.Append(';').Append(Actions[rng.Next(Actions.Length)]).Append(';')
                  .Append(rng.Next(500) == 0 ? "emergency" : "care").Append(';').Append("ws-").Append(s.Unit + 1).Append('-').Append(rng.Next(10));
                sb.Append('\n');
                w.Write(sb);
            }
        }
        return new Summary(units, staff.Count, clients.Count, rows, csvPath, refPath);
    }

    /// <summary>A synthetic personnummer (born 1925–1950) with a correct Luhn check digit, 12 digits.</summary>
    public static string SyntheticPersonnummer(Random rng)
    {
        var birth = new LocalDate(1925, 1, 1).PlusDays(rng.Next(25 * 365));
        var nine = $"{birth.Year % 100:D2}{birth.Month:D2}{birth.Day:D2}{rng.Next(1000):D3}";
        return $"{birth.Year / 100:D2}{nine}{Personnummer.CheckDigit(nine)}";
    }
}
