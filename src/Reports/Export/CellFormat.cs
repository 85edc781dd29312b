using System.Globalization;
using LogControl.Domain.Time;
using NodaTime;
using NodaTime.Text;

namespace LogControl.Reports.Export;

/// <summary>How cell values are written: Swedish conventions (decimal comma), ISO dates, local time in Sweden.</summary>
public static class CellFormat
{
    public static readonly CultureInfo Swedish = CultureInfo.GetCultureInfo("sv-SE");
    private static readonly LocalDateTimePattern LocalTime = LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd' 'HH':'mm':'ss");

    /// <summary>For CSV: no thousands separator (Excel reads the number), decimal comma, instants with their offset.</summary>
    public static string Csv(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "ja" : "nej",
        int or long => Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        double d => double.IsNaN(d) ? "" : d.ToString("0.0", Swedish),
        LocalDate d => d.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture),
        Instant i => SwedishTime.FormatIso(i),
        _ => value.ToString() ?? "",
    };

    /// <summary>For print: thousands grouped with a space, local time without offset (DST shown as local clock time).</summary>
    public static string Html(object? value) => value switch
    {
        int or long => Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString("#,0", Swedish),
        double d => double.IsNaN(d) ? "" : d.ToString("#,0.0", Swedish),
        Instant i => LocalTime.Format(SwedishTime.InStockholm(i).LocalDateTime),
        _ => Csv(value),
    };
}
