namespace LogControl.Reports.Public;

public enum GridRowKind { Detail, Subtotal, Total }

/// <param name="Detail">Index into the detail rows given (null for a subtotal or the total).</param>
/// <param name="Group">The group a detail row or subtotal belongs to (a year), or null.</param>
public sealed record GridRow(GridRowKind Kind, int? Detail, int? Group);

/// <summary>
/// A table of counts with its sums, suppressed: detail rows (quarters), optional subtotal rows per group (a year is
/// the sum of its quarters), a total row, and optionally a total column (the sum of the row's columns). Every cell,
/// sums included, is one entry of <see cref="Values"/>/<see cref="Status"/> (row-major, <see cref="Width"/> per row).
/// </summary>
public sealed record SuppressedGrid(IReadOnlyList<GridRow> Rows, int Width, bool RowTotals, IReadOnlyList<long> Values,
    IReadOnlyList<CellStatus> Status, IReadOnlyList<SumRelation> Relations)
{
    public long Value(int row, int col) => Values[row * Width + col];
    public CellStatus StatusOf(int row, int col) => Status[row * Width + col];

    /// <summary>What is published for a cell: the count, "&lt;5" (1–4) or ".." (hidden to protect another cell).</summary>
    public string Display(int row, int col) => StatusOf(row, col) switch
    {
        CellStatus.Primary => "<5",
        CellStatus.Secondary => "..",
        _ => Value(row, col).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <param name="details">Counts per detail row and column (every row the same width).</param>
    /// <param name="groupOf">The group of each detail row (consecutive rows of a group get a subtotal row after them), or null for none.</param>
    /// <param name="rowTotals">Add a total column.</param>
    public static SuppressedGrid Build(IReadOnlyList<IReadOnlyList<long>> details, IReadOnlyList<int>? groupOf, bool rowTotals)
    {
        var columns = details.Count > 0 ? details[0].Count : 0;
        var width = columns + (rowTotals ? 1 : 0);
        var rows = new List<GridRow>();
        for (var i = 0; i < details.Count; i++)
        {
            rows.Add(new GridRow(GridRowKind.Detail, i, groupOf?[i]));
            if (groupOf != null && (i == details.Count - 1 || groupOf[i + 1] != groupOf[i]))
                rows.Add(new GridRow(GridRowKind.Subtotal, null, groupOf[i]));
        }
        rows.Add(new GridRow(GridRowKind.Total, null, null));

        var values = new long[rows.Count * width];
        int Cell(int r, int c) => r * width + c;
        var relations = new List<SumRelation>();
        var totalRow = rows.Count - 1;
        for (var c = 0; c < columns; c++)
        {
            long grand = 0, sub = 0;
            var subParts = new List<int>();
            var grandParts = new List<int>();
            for (var r = 0; r < rows.Count - 1; r++)
            {
                var row = rows[r];
                if (row.Kind == GridRowKind.Detail)
                {
                    var v = details[row.Detail!.Value][c];
                    values[Cell(r, c)] = v;
                    grand += v; sub += v;
                    subParts.Add(Cell(r, c));
                    if (groupOf == null) grandParts.Add(Cell(r, c));
                }
                else
                {
                    values[Cell(r, c)] = sub;
                    relations.Add(new SumRelation(Cell(r, c), subParts.ToList()));
                    grandParts.Add(Cell(r, c));
                    sub = 0; subParts.Clear();
                }
            }
            values[Cell(totalRow, c)] = grand;
            relations.Add(new SumRelation(Cell(totalRow, c), grandParts));
        }
        if (rowTotals)
        {
            for (var r = 0; r < rows.Count; r++)
            {
                var parts = Enumerable.Range(0, columns).Select(c => Cell(r, c)).ToList();
                values[Cell(r, columns)] = parts.Sum(p => values[p]);
                relations.Add(new SumRelation(Cell(r, columns), parts));
            }
            // The total column sums down like any other column.
            var down = rows.Select((row, r) => (row, r)).Where(x => x.row.Kind != GridRowKind.Total
                && (groupOf == null ? x.row.Kind == GridRowKind.Detail : x.row.Kind == GridRowKind.Subtotal)).Select(x => Cell(x.r, columns)).ToList();
            relations.Add(new SumRelation(Cell(totalRow, columns), down));
            if (groupOf != null)
            {
                var parts = new List<int>();
                for (var r = 0; r < rows.Count - 1; r++)
                {
                    if (rows[r].Kind == GridRowKind.Detail) parts.Add(Cell(r, columns));
                    else { relations.Add(new SumRelation(Cell(r, columns), parts.ToList())); parts.Clear(); }
                }
            }
        }
        var status = SmallCountSuppression.Suppress(values, relations);
        return new SuppressedGrid(rows, width, rowTotals, values, status, relations);
    }
}
