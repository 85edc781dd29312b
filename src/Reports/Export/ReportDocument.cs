using NodaTime;

namespace LogControl.Reports.Export;

/// <summary>A column of a printed or exported table: its Swedish heading, and whether it holds numbers (right-aligned).</summary>
public sealed record ReportColumn(string Heading, bool Numeric = false);

/// <summary>
/// One table as it is exported. Cells are typed values: string, int/long, double (one decimal), bool (ja/nej),
/// <see cref="LocalDate"/>, <see cref="Instant"/> (Stockholm local time), or null (empty). The exporters format them.
/// <paramref name="TotalRows"/> are the indexes of rows to set apart as sums.
/// </summary>
public sealed record ReportTable(string Title, IReadOnlyList<ReportColumn> Columns, IReadOnlyList<IReadOnlyList<object?>> Rows,
    IReadOnlySet<int>? TotalRows = null)
{
    public bool IsTotal(int row) => TotalRows?.Contains(row) == true;
}

/// <summary>What every export shows: a Swedish title, the parameters as label/value facts, tables and explanatory notes.</summary>
public sealed record ReportDocument(string Title, IReadOnlyList<(string Label, string Value)> Facts, IReadOnlyList<ReportTable> Tables,
    IReadOnlyList<string> Notes);

/// <summary>Each report model turns itself into a document the exporters write.</summary>
public interface IExportableReport
{
    ReportDocument ToDocument();
}
