using System.Text;

namespace LogControl.Reports.Export;

/// <summary>
/// CSV as Swedish Excel opens it by double-click: UTF-8 with BOM (else å, ä, ö break), ';' as separator (the
/// list separator with a decimal comma), CRLF, fields quoted when they hold ';', '"' or a line break. One table:
/// a heading row and the rows. Several tables: each starts with a row holding its title alone, and a blank line
/// separates them. The report's parameters are not written (they would break the one-table shape).
/// </summary>
public static class CsvExport
{
    public static async Task WriteAsync(ReportDocument doc, Stream output, CancellationToken ct = default)
    {
        await using var w = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true) { NewLine = "\r\n" };
        var several = doc.Tables.Count > 1;
        for (var t = 0; t < doc.Tables.Count; t++)
        {
            var table = doc.Tables[t];
            if (t > 0) await w.WriteLineAsync();
            if (several) await w.WriteLineAsync(Field(table.Title));
            await w.WriteLineAsync(string.Join(';', table.Columns.Select(c => Field(c.Heading))));
            foreach (var row in table.Rows)
            {
                ct.ThrowIfCancellationRequested();
                await w.WriteLineAsync(string.Join(';', row.Select(v => Field(CellFormat.Csv(v)))));
            }
        }
        await w.FlushAsync(ct);
    }

    public static string Field(string s) =>
        s.IndexOfAny([';', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
