using System.Net;
using System.Text;
using LogControl.Domain.Time;
using NodaTime;

namespace LogControl.Reports.Export;

/// <summary>
/// A printable, self-contained HTML page (no scripts, fonts, images or links to fetch): Swedish headings, the
/// parameters, the tables and notes. Print CSS: A4 landscape, table headings repeated on each page, rows kept whole,
/// black on white, so "Skriv ut → Spara som PDF" gives a clean document.
/// </summary>
public static class HtmlExport
{
    private const string Css = """
        :root { color-scheme: light; }
        body { font-family: "Segoe UI", "Helvetica Neue", Arial, sans-serif; color: #111; margin: 2rem; line-height: 1.4; }
        h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
        h2 { font-size: 1.15rem; margin: 1.8rem 0 .5rem; }
        dl.facts { display: grid; grid-template-columns: max-content auto; gap: .15rem 1rem; margin: 0 0 1rem; }
        dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; }
        table { border-collapse: collapse; width: 100%; font-size: .9rem; }
        caption { text-align: left; font-weight: 600; padding: .3rem 0; }
        th, td { border: 1px solid #999; padding: .25rem .45rem; vertical-align: top; }
        thead th { background: #e8e8e8; text-align: left; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        tr.total td { font-weight: 700; background: #f3f3f3; }
        tbody tr:nth-child(even) td { background: #fafafa; }
        .notes { margin-top: 1.5rem; font-size: .85rem; }
        footer { margin-top: 2rem; font-size: .8rem; color: #444; }
        @page { size: A4 landscape; margin: 14mm; }
        @media print {
          body { margin: 0; font-size: 10pt; }
          thead { display: table-header-group; }
          tr, td, th { page-break-inside: avoid; break-inside: avoid; }
          h2 { page-break-after: avoid; break-after: avoid; }
          tbody tr:nth-child(even) td { background: none; }
          thead th, tr.total td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }
        """;

    public static async Task WriteAsync(ReportDocument doc, Stream output, Instant generatedAt, CancellationToken ct = default)
    {
        await using var w = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true);
        await w.WriteAsync(Render(doc, generatedAt));
        await w.FlushAsync(ct);
    }

    public static string Render(ReportDocument doc, Instant generatedAt)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        sb.Append("<title>").Append(E(doc.Title)).Append("</title>\n<style>\n").Append(Css).Append("\n</style>\n</head>\n<body>\n<main>\n");
        sb.Append("<h1>").Append(E(doc.Title)).Append("</h1>\n");
        if (doc.Facts.Count > 0)
        {
            sb.Append("<dl class=\"facts\">\n");
            foreach (var (label, value) in doc.Facts) sb.Append("<dt>").Append(E(label)).Append("</dt><dd>").Append(E(value)).Append("</dd>\n");
            sb.Append("</dl>\n");
        }
        foreach (var table in doc.Tables)
        {
            sb.Append("<section>\n<h2>").Append(E(table.Title)).Append("</h2>\n<table>\n<thead><tr>");
            foreach (var c in table.Columns) sb.Append(c.Numeric ? "<th scope=\"col\" class=\"num\">" : "<th scope=\"col\">").Append(E(c.Heading)).Append("</th>");
            sb.Append("</tr></thead>\n<tbody>\n");
            if (table.Rows.Count == 0)
                sb.Append("<tr><td colspan=\"").Append(table.Columns.Count).Append("\">Inga uppgifter för urvalet.</td></tr>\n");
            for (var r = 0; r < table.Rows.Count; r++)
            {
                sb.Append(table.IsTotal(r) ? "<tr class=\"total\">" : "<tr>");
                var row = table.Rows[r];
                for (var i = 0; i < row.Count; i++)
                {
                    var numeric = i < table.Columns.Count && table.Columns[i].Numeric;
                    sb.Append(numeric ? "<td class=\"num\">" : "<td>").Append(E(CellFormat.Html(row[i]))).Append("</td>");
                }
                sb.Append("</tr>\n");
            }
            sb.Append("</tbody>\n</table>\n</section>\n");
        }
        if (doc.Notes.Count > 0)
        {
            sb.Append("<section class=\"notes\">\n<h2>Förklaringar</h2>\n<ul>\n");
            foreach (var n in doc.Notes) sb.Append("<li>").Append(E(n)).Append("</li>\n");
            sb.Append("</ul>\n</section>\n");
        }
        sb.Append("<footer>Framställd ").Append(E(CellFormat.Html(generatedAt))).Append(" (svensk tid) av LogControl.</footer>\n");
        sb.Append("</main>\n</body>\n</html>\n");
        return sb.ToString();
    }
}
