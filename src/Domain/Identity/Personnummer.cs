namespace LogControl.Domain.Identity;

/// <summary>
/// Swedish personnummer and samordningsnummer (day + 60). Accepted as YYYYMMDDNNNN, YYYYMMDD-NNNN,
/// YYMMDDNNNN, YYMMDD-NNNN or YYMMDD+NNNN (+ means 100 years or older). Normalised to 12 digits.
/// </summary>
public static class Personnummer
{
    /// <summary>True when the text has the shape of a personnummer (10 or 12 digits, optional - or + before the last four).</summary>
    public static bool LooksLikeOne(ReadOnlySpan<char> text)
    {
        var digits = 0;
        var separators = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c)) digits++;
            else if ((c is '-' or '+') && i == text.Length - 5 && separators == 0) separators++;
            else return false;
        }
        return digits is 10 or 12;
    }

    /// <summary>Luhn check over the last ten digits (YYMMDDNNNC).</summary>
    public static bool HasValidCheckDigit(ReadOnlySpan<char> text)
    {
        Span<int> d = stackalloc int[12];
        var n = 0;
        foreach (var c in text)
            if (char.IsAsciiDigit(c)) { if (n == 12) return false; d[n++] = c - '0'; }
        if (n is not (10 or 12)) return false;
        var ten = d.Slice(n - 10, 10);
        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            var v = ten[i] * (i % 2 == 0 ? 2 : 1);
            sum += v > 9 ? v - 9 : v;
        }
        return (10 - sum % 10) % 10 == ten[9];
    }

    /// <summary>
    /// 12-digit form. A 10-digit number gets the century that makes the person at most 99 years old on
    /// <paramref name="referenceYear"/>, or 100+ when written with '+'.
    /// </summary>
    public static string Normalise(ReadOnlySpan<char> text, int referenceYear)
    {
        Span<char> buf = stackalloc char[12];
        var n = 0;
        var plus = false;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c) && n < 12) buf[n++] = c;
            else if (c == '+') plus = true;
        }
        if (n == 12) return new string(buf);
        if (n != 10) return text.ToString();

        var yy = (buf[0] - '0') * 10 + (buf[1] - '0');
        var century = referenceYear / 100 * 100;
        var year = century + yy;
        if (year > referenceYear) year -= 100;
        if (plus) year -= 100;
        return string.Concat(year.ToString("D4"), new string(buf[2..10]));
    }

    /// <summary>Computes the check digit for the first nine digits of YYMMDDNNN (used by the data generator and tests).</summary>
    public static int CheckDigit(ReadOnlySpan<char> nineDigits)
    {
        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            var v = (nineDigits[i] - '0') * (i % 2 == 0 ? 2 : 1);
            sum += v > 9 ? v - 9 : v;
        }
        return (10 - sum % 10) % 10;
    }
}
