namespace LogControl.Ingest.Csv;

/// <summary>
/// Where one field of a record lies, relative to the start of the record. For an unquoted field
/// [Start, End) is the field (untrimmed). For a quoted field [Start, End) is the content between the
/// quotes (with <c>""</c> still doubled when <see cref="Escaped"/>), and [End + 1, TailEnd) is any text
/// after the closing quote before the delimiter (kept literally; normally empty or whitespace).
/// </summary>
internal struct FieldSpan
{
    public int Start;
    public int End;
    public int TailEnd;
    public bool Quoted;
    public bool Escaped;
    public bool Closed;
}

internal enum ScanStatus { Complete, NeedMore }

/// <summary>
/// Finds one record in a byte buffer. Rules (RFC 4180, lenient):
/// <list type="bullet">
/// <item>A record ends at an LF outside quotes; a CR right before that LF belongs to the line ending. A lone CR
/// (not followed by LF) is ordinary data, not a line break (so a stray CR cannot split a record); at a field's
/// edge it is trimmed like other whitespace.</item>
/// <item>A field is quoted when its first non-blank byte is <c>"</c>; inside, <c>""</c> is a quote and the
/// delimiter, CR and LF are data. Text after the closing quote is kept literally. A <c>"</c> inside an
/// unquoted field is data.</item>
/// <item>An unterminated quote runs to the end of the input.</item>
/// </list>
/// </summary>
internal static class CsvScanner
{
    private const byte Quote = (byte)'"';
    private const byte Lf = (byte)'\n';
    private const byte Cr = (byte)'\r';

    /// <param name="data">bytes from the record's first byte to the end of the buffered data</param>
    /// <param name="final">no more data will follow <paramref name="data"/></param>
    /// <param name="fields">receives up to fields.Length field spans; <paramref name="fieldCount"/> is the real count</param>
    /// <param name="recordLength">record length without its line ending</param>
    /// <param name="consumed">bytes to skip to the next record (record + line ending)</param>
    /// <param name="quotedLineBreaks">LFs inside quoted fields (the record covers 1 + this many physical lines)</param>
    public static ScanStatus Scan(ReadOnlySpan<byte> data, bool final, byte delimiter, Span<FieldSpan> fields,
        out int fieldCount, out int recordLength, out int consumed, out int quotedLineBreaks)
    {
        fieldCount = 0;
        recordLength = 0;
        consumed = 0;
        quotedLineBreaks = 0;

        var lf = data.IndexOf(Lf);
        if (lf < 0 && !final) return ScanStatus.NeedMore;
        var line = lf >= 0 ? data[..lf] : data;

        if (line.IndexOf(Quote) >= 0)
            return ScanQuoted(data, final, delimiter, fields, out fieldCount, out recordLength, out consumed, out quotedLineBreaks);

        // Fast path: no quote on this line, so the record is exactly this line.
        var n = 0;
        var p = 0;
        while (true)
        {
            var d = line[p..].IndexOf(delimiter);
            var e = d < 0 ? line.Length : p + d;
            if (n < fields.Length)
            {
                ref var f = ref fields[n];
                f.Start = p;
                f.End = e;
                f.TailEnd = e;
                f.Quoted = false;
                f.Escaped = false;
                f.Closed = false;
            }
            n++;
            if (d < 0) break;
            p = e + 1;
        }

        fieldCount = n;
        recordLength = line.Length > 0 && line[^1] == Cr ? line.Length - 1 : line.Length;
        consumed = lf >= 0 ? lf + 1 : data.Length;
        return ScanStatus.Complete;
    }

    private enum State : byte { FieldStart, Unquoted, Quoted, QuoteSeen, AfterClose }

    private static ScanStatus ScanQuoted(ReadOnlySpan<byte> data, bool final, byte delimiter, Span<FieldSpan> fields,
        out int fieldCount, out int recordLength, out int consumed, out int quotedLineBreaks)
    {
        fieldCount = 0;
        recordLength = 0;
        consumed = 0;
        quotedLineBreaks = 0;

        var state = State.FieldStart;
        var n = 0;
        var fieldStart = 0;
        var contentStart = 0;
        var closeQuote = 0;
        var escaped = false;
        var lines = 0;

        var lfAt = -1;
        for (var i = 0; i < data.Length && lfAt < 0; i++)
        {
            var b = data[i];
            switch (state)
            {
                case State.FieldStart:
                    if (b == Quote) { state = State.Quoted; contentStart = i + 1; escaped = false; }
                    else if (b == delimiter) { Put(fields, ref n, fieldStart, i, i, false, false, false); fieldStart = i + 1; }
                    else if (b == Lf) { Put(fields, ref n, fieldStart, i, i, false, false, false); lfAt = i; break; }
                    else if (b is (byte)' ' or (byte)'\t') { }
                    else state = State.Unquoted;
                    break;
                case State.Unquoted:
                    if (b == delimiter) { Put(fields, ref n, fieldStart, i, i, false, false, false); fieldStart = i + 1; state = State.FieldStart; }
                    else if (b == Lf) { Put(fields, ref n, fieldStart, i, i, false, false, false); lfAt = i; break; }
                    break;
                case State.Quoted:
                    if (b == Quote) { state = State.QuoteSeen; closeQuote = i; }
                    else if (b == Lf) lines++;
                    break;
                case State.QuoteSeen:
                    if (b == Quote) { escaped = true; state = State.Quoted; }
                    else if (b == delimiter) { Put(fields, ref n, contentStart, closeQuote, i, true, escaped, true); fieldStart = i + 1; state = State.FieldStart; }
                    else if (b == Lf) { Put(fields, ref n, contentStart, closeQuote, i, true, escaped, true); lfAt = i; break; }
                    else state = State.AfterClose;
                    break;
                case State.AfterClose:
                    if (b == delimiter) { Put(fields, ref n, contentStart, closeQuote, i, true, escaped, true); fieldStart = i + 1; state = State.FieldStart; }
                    else if (b == Lf) { Put(fields, ref n, contentStart, closeQuote, i, true, escaped, true); lfAt = i; break; }
                    break;
            }
        }

        if (lfAt >= 0)
        {
            fieldCount = n;
            recordLength = lfAt > 0 && data[lfAt - 1] == Cr ? lfAt - 1 : lfAt;
            consumed = lfAt + 1;
            quotedLineBreaks = lines;
            return ScanStatus.Complete;
        }

        if (!final) return ScanStatus.NeedMore;

        // End of input without a final LF.
        var end = data.Length;
        switch (state)
        {
            case State.Quoted: // unterminated quote: the content runs to the end of the input
                Put(fields, ref n, contentStart, end, end, true, escaped, false);
                break;
            case State.QuoteSeen:
            case State.AfterClose:
                Put(fields, ref n, contentStart, closeQuote, end, true, escaped, true);
                break;
            default:
                Put(fields, ref n, fieldStart, end, end, false, false, false);
                break;
        }
        fieldCount = n;
        // Raw text without a trailing line ending (an unterminated quote may have swallowed one).
        recordLength = end;
        if (recordLength > 0 && data[recordLength - 1] == Lf) recordLength--;
        if (recordLength > 0 && data[recordLength - 1] == Cr) recordLength--;
        consumed = end;
        quotedLineBreaks = lines;
        return ScanStatus.Complete;
    }

    private static void Put(Span<FieldSpan> fields, ref int n, int start, int end, int tailEnd, bool quoted, bool escaped, bool closed)
    {
        if (n < fields.Length)
        {
            ref var f = ref fields[n];
            f.Start = start;
            f.End = end;
            f.TailEnd = tailEnd;
            f.Quoted = quoted;
            f.Escaped = escaped;
            f.Closed = closed;
        }
        n++;
    }

    /// <summary>
    /// Follows a record that is too long to buffer, byte by byte, without storing it, until its end
    /// (an LF outside quotes). Same state rules as <see cref="ScanQuoted"/>.
    /// </summary>
    internal struct Skipper
    {
        private State _state;
        public int QuotedLineBreaks;

        /// <summary>Returns the index just past the record's LF, or -1 when the record continues beyond <paramref name="data"/>.</summary>
        public int Feed(ReadOnlySpan<byte> data, byte delimiter)
        {
            for (var i = 0; i < data.Length; i++)
            {
                var b = data[i];
                switch (_state)
                {
                    case State.FieldStart:
                        if (b == Quote) _state = State.Quoted;
                        else if (b == Lf) return i + 1;
                        else if (b == delimiter || b is (byte)' ' or (byte)'\t') { }
                        else _state = State.Unquoted;
                        break;
                    case State.Unquoted:
                    case State.AfterClose:
                        if (b == delimiter) _state = State.FieldStart;
                        else if (b == Lf) return i + 1;
                        break;
                    case State.Quoted:
                        if (b == Quote) _state = State.QuoteSeen;
                        else if (b == Lf) QuotedLineBreaks++;
                        break;
                    case State.QuoteSeen:
                        if (b == Quote) _state = State.Quoted;
                        else if (b == delimiter) _state = State.FieldStart;
                        else if (b == Lf) return i + 1;
                        else _state = State.AfterClose;
                        break;
                }
            }
            return -1;
        }
    }
}
