namespace LogControl.Reports.Public;

public enum CellStatus
{
    Visible,
    /// <summary>A count of 1–4: shown as "&lt;5".</summary>
    Primary,
    /// <summary>Hidden so that a small count cannot be worked out from the others: shown as "..", a non-zero count of any size.</summary>
    Secondary,
}

/// <summary>One additive relation of a table: the value of <paramref name="Total"/> is the sum of the values of <paramref name="Parts"/>.</summary>
public sealed record SumRelation(int Total, IReadOnlyList<int> Parts)
{
    public IEnumerable<int> Cells => Parts.Prepend(Total);
}

/// <summary>
/// Small-count suppression with complementary (secondary) suppression for tables whose cells are tied by sums
/// (row totals, column totals, year = sum of its quarters, grand total). See docs/REPORTS.md.
///
/// Primary: every count from 1 to 4 is hidden (0 stays visible: it describes nobody). Secondary: cells are then
/// hidden, smallest non-zero first, until (1) no hidden cell is determined by the published cells through the
/// relations (exact linear algebra over every relation together, not only line by line), and (2) within any one
/// relation the hidden cells are not pinned by what a reader knows of them ("<5": 1–4, "..": 1 or more): their
/// known sum is neither the smallest nor the largest sum those bounds allow.
/// </summary>
public static class SmallCountSuppression
{
    public const int Threshold = 5;

    public static CellStatus[] Suppress(IReadOnlyList<long> values, IReadOnlyList<SumRelation> relations)
    {
        var status = values.Select(v => v is > 0 and < Threshold ? CellStatus.Primary : CellStatus.Visible).ToArray();
        var byCell = Enumerable.Range(0, values.Count).Select(_ => new List<SumRelation>()).ToArray();
        foreach (var r in relations) foreach (var c in r.Cells) byCell[c].Add(r);

        while (true)
        {
            // Cheap line checks first: a relation with one hidden cell gives it away, and so do pinned bounds.
            var unsafeRelation = relations.FirstOrDefault(r => !RelationSafe(values, status, r));
            if (unsafeRelation != null)
            {
                // Its own cells first.
                if (HideSmallest(values, status, unsafeRelation.Cells)) continue;
                // Every cell hidden and still pinned: small parts adding up to a small total ("<5" = 4 over four "<5" parts
                // says each is 1). Only a looser bound helps: the total is shown as ".." (hidden, any size) instead of "<5".
                if (status[unsafeRelation.Total] == CellStatus.Primary) { status[unsafeRelation.Total] = CellStatus.Secondary; continue; }
                var from = unsafeRelation.Cells.First(c => status[c] != CellStatus.Visible);
                if (!HideNear(values, status, byCell, from)) return status;
                continue;
            }
            // Then the whole system: a hidden cell may still follow from several relations together.
            var determined = Determined(status, relations, values.Count);
            var cell = Array.FindIndex(determined, d => d);
            if (cell < 0) return status;
            if (!HideNear(values, status, byCell, cell)) return status;
        }
    }

    /// <summary>
    /// Hides the smallest visible non-zero cell in the sums of <paramref name="cell"/>; when those hold none, in the sums
    /// of the hidden cells they reach, and so on outwards. In the worst case every non-zero cell ends up hidden, and then
    /// each hidden cell lies on a cycle of hidden cells (itself, its row and column totals and the grand total), so the
    /// loop always ends with nothing recomputable.
    /// </summary>
    private static bool HideNear(IReadOnlyList<long> values, CellStatus[] status, List<SumRelation>[] byCell, int cell)
    {
        var seenCells = new HashSet<int> { cell };
        var seenRelations = new HashSet<SumRelation>();
        var frontier = new List<int> { cell };
        while (frontier.Count > 0)
        {
            var ring = frontier.SelectMany(c => byCell[c]).Where(seenRelations.Add).SelectMany(r => r.Cells).Distinct().ToList();
            if (HideSmallest(values, status, ring)) return true;
            frontier = ring.Where(c => status[c] != CellStatus.Visible && seenCells.Add(c)).ToList();
        }
        return HideSmallest(values, status, Enumerable.Range(0, values.Count));
    }

    /// <summary>Hides the smallest visible non-zero cell among <paramref name="candidates"/> (parts before totals at equal value via order); false when none is left.</summary>
    private static bool HideSmallest(IReadOnlyList<long> values, CellStatus[] status, IEnumerable<int> candidates)
    {
        var pick = candidates.Distinct().Where(c => status[c] == CellStatus.Visible && values[c] != 0)
            .OrderBy(c => values[c]).ThenBy(c => c).Select(c => (int?)c).FirstOrDefault();
        if (pick is not { } p) return false;
        status[p] = CellStatus.Secondary;
        return true;
    }

    /// <summary>
    /// Within one relation (total − Σ parts = 0): none hidden, or at least two hidden whose sum (known to a
    /// reader from the visible cells) is strictly between the least and the most the hidden cells could add up to.
    /// </summary>
    public static bool RelationSafe(IReadOnlyList<long> values, IReadOnlyList<CellStatus> status, SumRelation r)
    {
        var hidden = r.Cells.Where(c => status[c] != CellStatus.Visible).ToList();
        if (hidden.Count == 0) return true;
        if (hidden.Count == 1) return false;
        // Put the relation as Σ sign·x = 0 with the total negative; the hidden terms' signed sum is known.
        long Sign(int c) => c == r.Total ? -1 : 1;
        long known = hidden.Sum(c => Sign(c) * values[c]);
        // The least and the most the signed sum could be: "<5" is 1–4, ".." is 1 or more (a hidden cell is never 0).
        long lo = 0, hi = 0;
        bool loOpen = false, hiOpen = false;
        foreach (var c in hidden)
        {
            var primary = status[c] == CellStatus.Primary;
            long min = 1, max = Threshold - 1;
            if (Sign(c) > 0) { lo += min; if (primary) hi += max; else hiOpen = true; }
            else { hi -= min; if (primary) lo -= max; else loOpen = true; }
        }
        // At either end of the range every hidden cell sits at its bound: each one is known.
        return (loOpen || known != lo) && (hiOpen || known != hi);
    }

    /// <summary>
    /// Which hidden cells the published cells determine exactly through the relations: cell k is determined when
    /// every solution of the relations restricted to the hidden cells (the null space) has a zero in k.
    /// Gauss–Jordan elimination over the hidden cells' columns; the coefficients are −1, 0 and 1, the tables small.
    /// </summary>
    public static bool[] Determined(IReadOnlyList<CellStatus> status, IReadOnlyList<SumRelation> relations, int cellCount)
    {
        var hidden = Enumerable.Range(0, cellCount).Where(c => status[c] != CellStatus.Visible).ToArray();
        var column = new Dictionary<int, int>();
        for (var i = 0; i < hidden.Length; i++) column[hidden[i]] = i;
        var n = hidden.Length;
        var rows = new List<double[]>();
        foreach (var r in relations)
        {
            var row = new double[n];
            var any = false;
            foreach (var c in r.Cells)
                if (column.TryGetValue(c, out var j)) { row[j] += c == r.Total ? -1 : 1; any = true; }
            if (any) rows.Add(row);
        }
        const double eps = 1e-9;
        var pivotOfColumn = Enumerable.Repeat(-1, n).ToArray();
        var pivotRow = 0;
        for (var col = 0; col < n && pivotRow < rows.Count; col++)
        {
            var best = -1;
            for (var i = pivotRow; i < rows.Count; i++)
                if (Math.Abs(rows[i][col]) > eps && (best < 0 || Math.Abs(rows[i][col]) > Math.Abs(rows[best][col]))) best = i;
            if (best < 0) continue;
            (rows[pivotRow], rows[best]) = (rows[best], rows[pivotRow]);
            var p = rows[pivotRow][col];
            for (var j = 0; j < n; j++) rows[pivotRow][j] /= p;
            for (var i = 0; i < rows.Count; i++)
            {
                if (i == pivotRow || Math.Abs(rows[i][col]) <= eps) continue;
                var f = rows[i][col];
                for (var j = 0; j < n; j++) rows[i][j] -= f * rows[pivotRow][j];
            }
            pivotOfColumn[col] = pivotRow++;
        }
        var result = new bool[cellCount];
        for (var col = 0; col < n; col++)
        {
            if (pivotOfColumn[col] < 0) continue; // a free variable: never determined
            var row = rows[pivotOfColumn[col]];
            var dependsOnFree = false;
            for (var j = 0; j < n; j++)
                if (j != col && pivotOfColumn[j] < 0 && Math.Abs(row[j]) > eps) { dependsOnFree = true; break; }
            result[hidden[col]] = !dependsOnFree;
        }
        return result;
    }
}
