using LogControl.Domain.Identity;
using LogControl.Domain.Time;
using NodaTime;

namespace LogControl.Generator;

/// <summary>Small fixed lists of synthetic names and the identifiers built from the seed. No real people.</summary>
internal static class SyntheticNames
{
    public static readonly string[] GivenNames =
    [
        "Åsa", "Nils", "Karin", "Erik", "Maria", "Lars", "Eva", "Anders", "Sara", "Johan", "Märta", "Örjan",
        "Ingrid", "Gunnar", "Elin", "Oskar", "Linnea", "Mikael", "Sofia", "Henrik", "Anna", "Per", "Lena",
        "Fredrik", "Emma", "Jonas", "Ida", "Amir", "Leila", "Samira", "Yusuf", "Birgitta",
    ];

    public static readonly string[] Surnames =
    [
        "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson",
        "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson", "Jönsson", "Lindberg",
        "Jakobsson", "Magnusson", "Olofsson", "Lindström", "Lindqvist", "Lindgren", "Berg", "Axelsson",
        "Bergström", "Lundberg", "Öberg", "Åström", "Sandberg", "Ahmed", "Hassan",
    ];

    public static readonly string[] Areas =
    [
        "Norr", "Söder", "Öster", "Väster", "Centrum", "Ekbacken", "Björkhagen", "Tallåsen", "Granbo", "Lindvreten",
        "Almdalen", "Sjöstaden", "Strandvik", "Åkersberg", "Ängsmarken", "Bergsgården", "Hagalund", "Solbacka",
        "Kvarnbo", "Mossen", "Lövsta", "Rönninge", "Skogsängen", "Vallby", "Kyrkbyn", "Hammarby", "Furulund",
        "Ljungdalen", "Ekeby", "Sörby", "Norrby", "Västerby",
    ];

    public static readonly string[] NursingHomes =
    [
        "Solgården", "Linnégården", "Ekhagen", "Björkbacken", "Rosengården", "Lindhem", "Tallbo", "Sjöbo",
        "Ängsgården", "Hemgården", "Källgården", "Klöverbo", "Lärkan", "Svalan", "Trasten", "Vitsippan",
        "Blåklinten", "Gullvivan",
    ];

    public static readonly string[] NightAreas = ["Norra", "Södra", "Östra", "Västra", "Centrala", "Yttre"];
}

/// <summary>Luhn-valid synthetic personnummer/samordningsnummer, unique within one generated municipality.</summary>
internal sealed class IdentityFactory(Random rng)
{
    private readonly HashSet<string> _pnr = new(StringComparer.Ordinal);
    private readonly HashSet<string> _addresses = new(StringComparer.Ordinal);

    /// <summary>12 digits, born between the years (inclusive); a samordningsnummer (day + 60) when asked.</summary>
    public string Personnummer(int fromYear, int toYear, bool coordination = false)
    {
        var first = new LocalDate(fromYear, 1, 1);
        var span = Period.Between(first, new LocalDate(toYear, 12, 31), PeriodUnits.Days).Days;
        while (true)
        {
            var birth = first.PlusDays(rng.Next(span + 1));
            var day = birth.Day + (coordination ? 60 : 0);
            var nine = $"{birth.Year % 100:D2}{birth.Month:D2}{day:D2}{rng.Next(1000):D3}";
            var pnr = $"{birth.Year / 100:D2}{nine}{LogControl.Domain.Identity.Personnummer.CheckDigit(nine)}";
            if (_pnr.Add(pnr)) return pnr;
        }
    }

    /// <summary>An opaque household key, unique: two people share one only when the generator means them to.</summary>
    public string AddressKey()
    {
        while (true)
        {
            var key = $"adr-{rng.Next():x8}";
            if (_addresses.Add(key)) return key;
        }
    }
}

internal static class RandomExtensions
{
    public static T Pick<T>(this Random r, IReadOnlyList<T> list) => list[r.Next(list.Count)];

    public static bool Chance(this Random r, double p) => r.NextDouble() < p;

    public static double Between(this Random r, double a, double b) => a + r.NextDouble() * (b - a);

    /// <summary>A whole-second instant in [a, b].</summary>
    public static Instant Between(this Random r, Instant a, Instant b)
    {
        var seconds = (long)Math.Floor((b - a).TotalSeconds);
        return a + Duration.FromSeconds(seconds <= 0 ? 0 : r.NextInt64(seconds + 1));
    }

    /// <summary>k distinct items in random order (partial Fisher–Yates on a copy).</summary>
    public static List<T> Sample<T>(this Random r, IReadOnlyList<T> pool, int k)
    {
        var copy = pool.ToArray();
        k = Math.Min(k, copy.Length);
        for (var i = 0; i < k; i++)
        {
            var j = i + r.Next(copy.Length - i);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }
        return copy.Take(k).ToList();
    }
}

internal static class Time
{
    /// <summary>Local Stockholm time to an instant; the generator never asks for a time in the spring gap.</summary>
    public static Instant At(LocalDateTime local) =>
        SwedishTime.FromLocal(local, out var instant) == SwedishTime.ParseStatus.Ok
            ? instant
            : throw new InvalidOperationException($"{local} does not exist in Europe/Stockholm");

    public static Instant At(LocalDate date, int hour, int minute) => At(date.At(new LocalTime(hour, minute)));

    public static LocalDate DateOf(Instant t) => SwedishTime.DateOf(t);

    /// <summary>Deterministic sub-seeds, so each phase has its own stream and changing one leaves the others alone.</summary>
    public static int SubSeed(int seed, int stream) =>
        unchecked((int)(((uint)seed * 2654435761u) ^ ((uint)(stream + 1) * 2246822519u) ^ 0x5bd1e995u));
}

internal static class Stats
{
    public static double Median(List<double> xs)
    {
        if (xs.Count == 0) return 0;
        var s = xs.Order().ToList();
        var n = s.Count;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }

    /// <summary>1.4826 × median absolute deviation: a robust standard deviation.</summary>
    public static double ScaledMad(List<double> xs)
    {
        if (xs.Count == 0) return 0;
        var m = Median(xs);
        return 1.4826 * Median(xs.Select(x => Math.Abs(x - m)).ToList());
    }
}
