using System.Buffers;
using System.Text;
using LogControl.Domain.Access;
using LogControl.Domain.Identity;
using LogControl.Domain.Ingestion;
using LogControl.Domain.Time;
using LogControl.Ingest.Parsing;
using NodaTime;

namespace LogControl.Ingest.Csv;

/// <summary>
/// Streaming reader for the access-log CSV export (contract: access-log-csv.md, v1).
/// </summary>
/// <remarks>
/// <para>Works on bytes with a pooled buffer (constant memory; a record may be at most
/// <see cref="MaxRecordBytes"/> long, a longer one is rejected as <see cref="ReasonCodes.RecordTooLong"/> and
/// skipped without being buffered). Only the fields that are mapped, and the raw record, are decoded.</para>
/// <para>Encoding: a UTF-8 BOM is skipped and means UTF-8. Without a BOM the first
/// <see cref="SniffBytes"/> bytes decide: valid UTF-8 → UTF-8, otherwise Windows-1252 for the whole file.
/// Because the file is streamed, a file sniffed as UTF-8 may still contain invalid UTF-8 later (e.g. an
/// ASCII-only first megabyte of a Windows-1252 export): such a record's raw text, and each of its fields that
/// is not valid UTF-8 on its own, are decoded as Windows-1252.</para>
/// <para>Lines: a record ends at LF (or CRLF) outside quotes. A lone CR is data, not a line break. Blank
/// (whitespace-only) lines are skipped, also before the header; the header is the first non-blank line.
/// <see cref="IngestItem.Line"/> is the physical line where a record starts.</para>
/// <para>Errors from the stream itself (I/O, corrupt gzip) propagate; no content makes the reader throw.</para>
/// </remarks>
public sealed class CsvAccessLogReader
{
    public const int DefaultMaxRecordBytes = 1 << 20;
    private const int DefaultBufferBytes = 1 << 20;
    private const int MaxHeaderColumns = 1024;
    private const int RawSnippetBytes = 4096;

    public CsvAccessLogReader(int maxRecordBytes = DefaultMaxRecordBytes, int bufferBytes = DefaultBufferBytes)
    {
        // The buffer may grow to about twice MaxRecordBytes, so both are capped well below 2 GB.
        MaxRecordBytes = Math.Clamp(maxRecordBytes, 64, 1 << 28);
        BufferBytes = Math.Clamp(bufferBytes, 16, 1 << 28);
    }

    /// <summary>A record longer than this (bytes, without its line ending) is rejected and skipped.</summary>
    public int MaxRecordBytes { get; }

    /// <summary>Initial buffer size; also how many leading bytes are sniffed for UTF-8 validity.</summary>
    public int BufferBytes { get; }

    public int SniffBytes => BufferBytes;

    /// <summary>
    /// Reads the records lazily; every record (physical, blank lines excepted) yields exactly one item.
    /// The stream is consumed as the sequence is enumerated (enumerate once); the reader itself is stateless
    /// and may be shared between threads.
    /// </summary>
    /// <param name="stream">already-decompressed bytes (the caller handles gzip)</param>
    /// <param name="sourceName">for messages only</param>
    public IEnumerable<IngestItem> Read(Stream stream, string sourceName, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ReadIterator(stream, sourceName ?? string.Empty, ct);
    }

    private IEnumerable<IngestItem> ReadIterator(Stream stream, string sourceName, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var session = new Session(stream, sourceName, MaxRecordBytes, BufferBytes);
        try
        {
            var headerRejection = session.ReadHeader();
            if (headerRejection is { } rejected)
            {
                yield return rejected;
                yield break;
            }
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                if (!session.TryReadItem(out var item)) yield break;
                yield return item;
            }
        }
        finally
        {
            session.Dispose();
        }
    }

    private enum Col { EventId, Timestamp, System, UserId, UserName, UserRole, UnitId, ClientId, Action, Purpose, Terminal, Detail }

    private static readonly string[] ColumnNames =
        ["event_id", "timestamp", "system", "user_id", "user_name", "user_role", "unit_id", "client_id", "action", "purpose", "terminal", "detail"];

    private static readonly Col[] RequiredColumns = [Col.EventId, Col.Timestamp, Col.System, Col.UserId, Col.ClientId, Col.Action];

    private enum NextKind { Record, TooLong, Eof }

    private sealed class Session : IDisposable
    {
        private readonly Stream _stream;
        private readonly string _source;
        private readonly int _maxRecord;
        private byte[] _buf;
        private int _start;
        private int _end;
        private bool _eof;
        private long _line = 1;
        private bool _utf8 = true;
        private byte _delim = (byte)';';
        private readonly int[] _col = new int[ColumnNames.Length];
        private FieldSpan[] _fields = [];

        // The current record, valid after Next() returned Record.
        private int _recLength;
        private int _consumed;
        private int _fieldCount;
        private int _quotedLines;
        private bool _recValidUtf8;

        // A too-long record, valid after Next() returned TooLong.
        private string _tooLongRaw = string.Empty;
        private long _tooLongLine;

        public Session(Stream stream, string source, int maxRecord, int bufferBytes)
        {
            _stream = stream;
            _source = source;
            _maxRecord = maxRecord;
            _buf = ArrayPool<byte>.Shared.Rent(bufferBytes);
        }

        public void Dispose()
        {
            var b = _buf;
            _buf = [];
            if (b.Length > 0) ArrayPool<byte>.Shared.Return(b);
            if (_fields.Length > 0) ArrayPool<FieldSpan>.Shared.Return(_fields);
            _fields = [];
        }

        // ---------------------------------------------------------------- header

        public IngestItem? ReadHeader()
        {
            Fill();
            var data = _buf.AsSpan(0, _end);
            if (data.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            {
                _start = 3;
                _utf8 = true;
            }
            else
            {
                var sniff = _eof ? data : data[..CsvText.CompleteUtf8Prefix(data)];
                _utf8 = CsvText.IsValidUtf8(sniff);
            }

            _fields = ArrayPool<FieldSpan>.Shared.Rent(MaxHeaderColumns);
            while (true)
            {
                // Delimiter: whichever of ';' and ',' occurs more often (outside quotes) on the first line; ';' on a tie.
                _delim = DetectDelimiter();
                var kind = Next();
                if (kind == NextKind.Eof)
                    return IngestItem.Rejected(_line, string.Empty, ReasonCodes.MissingColumn,
                        $"File '{_source}' is empty: no header line, so the required columns {string.Join(", ", RequiredColumns.Select(c => ColumnNames[(int)c]))} are missing.");
                if (kind == NextKind.TooLong)
                    return IngestItem.Rejected(_tooLongLine, _tooLongRaw, ReasonCodes.MissingColumn,
                        $"File '{_source}': the header line is longer than {_maxRecord} bytes; no usable header with the required columns.");

                var data2 = Current;
                if (CsvText.IsBlank(data2[.._recLength])) { Advance(); continue; }

                var headerLine = _line;
                var raw = Raw();
                Array.Fill(_col, -1);
                var columns = Math.Min(_fieldCount, _fields.Length);
                for (var i = 0; i < columns; i++)
                {
                    var name = FieldString(data2, i);
                    if (name is null) continue;
                    for (var c = 0; c < ColumnNames.Length; c++)
                        if (_col[c] < 0 && string.Equals(name, ColumnNames[c], StringComparison.OrdinalIgnoreCase))
                            _col[c] = i;
                }
                Advance();

                var missing = RequiredColumns.Where(c => _col[(int)c] < 0).Select(c => ColumnNames[(int)c]).ToList();
                if (missing.Count > 0)
                {
                    var what = missing.Count == 1 ? $"required column '{missing[0]}'" : $"required columns {string.Join(", ", missing.Select(m => $"'{m}'"))}";
                    return IngestItem.Rejected(headerLine, raw, ReasonCodes.MissingColumn,
                        $"File '{_source}': the header is missing the {what} (delimiter '{(char)_delim}'); the whole file is rejected.");
                }

                // Rows only need the fields up to the last mapped column.
                var needed = _col.Max() + 1;
                ArrayPool<FieldSpan>.Shared.Return(_fields);
                _fields = ArrayPool<FieldSpan>.Shared.Rent(needed);
                return null;
            }
        }

        private byte DetectDelimiter()
        {
            // Skip blank lines first so the detection looks at the header line itself.
            var data = _buf.AsSpan(_start, _end - _start);
            var pos = 0;
            while (pos < data.Length)
            {
                var lf = data[pos..].IndexOf((byte)'\n');
                var line = lf < 0 ? data[pos..] : data.Slice(pos, lf);
                if (!CsvText.IsBlank(line))
                {
                    int semi = 0, comma = 0;
                    var inQuotes = false;
                    foreach (var b in line)
                    {
                        if (b == '"') inQuotes = !inQuotes;
                        else if (inQuotes) continue;
                        else if (b == ';') semi++;
                        else if (b == ',') comma++;
                    }
                    return comma > semi ? (byte)',' : (byte)';';
                }
                if (lf < 0) break;
                pos += lf + 1;
            }
            return (byte)';';
        }

        // ---------------------------------------------------------------- rows

        public bool TryReadItem(out IngestItem item)
        {
            while (true)
            {
                var kind = Next();
                switch (kind)
                {
                    case NextKind.Eof:
                        item = default;
                        return false;
                    case NextKind.TooLong:
                        item = IngestItem.Rejected(_tooLongLine, _tooLongRaw, ReasonCodes.RecordTooLong,
                            $"Record is longer than {_maxRecord} bytes (an unterminated quote?); it was skipped up to its end.");
                        return true;
                }

                var data = Current;
                if (CsvText.IsBlank(data[.._recLength])) { Advance(); continue; }
                item = ParseRow(data);
                Advance();
                return true;
            }
        }

        private ReadOnlySpan<byte> Current => _buf.AsSpan(_start, _consumed);

        private void Advance()
        {
            _start += _consumed;
            _line += 1 + _quotedLines;
            _consumed = 0;
            _quotedLines = 0;
        }

        private string Raw()
        {
            var raw = Current[.._recLength];
            return CsvText.Decode(raw, _utf8 && _recValidUtf8, knownValid: true);
        }

        /// <summary>Finds the next record, refilling, growing and skipping as needed.</summary>
        private NextKind Next()
        {
            while (true)
            {
                var data = _buf.AsSpan(_start, _end - _start);
                if (data.IsEmpty && _eof) return NextKind.Eof;
                if (!data.IsEmpty)
                {
                    var status = CsvScanner.Scan(data, _eof, _delim, _fields, out _fieldCount, out _recLength, out _consumed, out _quotedLines);
                    if (status == ScanStatus.Complete)
                    {
                        if (_recLength > _maxRecord)
                        {
                            _tooLongLine = _line;
                            _tooLongRaw = Snippet(data[.._recLength]);
                            Advance();
                            return NextKind.TooLong;
                        }
                        _recValidUtf8 = _utf8 && CsvText.IsValidUtf8(data[.._recLength]);
                        return NextKind.Record;
                    }
                    if (data.Length > _maxRecord)
                    {
                        SkipTooLong();
                        return NextKind.TooLong;
                    }
                }
                Compact();
                if (_end == _buf.Length) Grow();
                Fill();
            }
        }

        private void SkipTooLong()
        {
            _tooLongLine = _line;
            _tooLongRaw = Snippet(_buf.AsSpan(_start, _end - _start));
            var skipper = new CsvScanner.Skipper();
            var r = skipper.Feed(_buf.AsSpan(_start, _end - _start), _delim);
            while (r < 0)
            {
                _start = _end = 0;
                if (_eof) break;
                Fill();
                r = skipper.Feed(_buf.AsSpan(0, _end), _delim);
            }
            if (r >= 0) _start += r;
            _line += 1 + skipper.QuotedLineBreaks;
            _consumed = 0;
            _quotedLines = 0;
        }

        private string Snippet(ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length <= RawSnippetBytes) return CsvText.Decode(bytes, _utf8, knownValid: false);
            var cut = bytes[..RawSnippetBytes];
            if (_utf8) cut = cut[..CsvText.CompleteUtf8Prefix(cut)];
            return CsvText.Decode(cut, _utf8, knownValid: false) + "…";
        }

        private void Compact()
        {
            if (_start == 0) return;
            var n = _end - _start;
            if (n > 0) Buffer.BlockCopy(_buf, _start, _buf, 0, n);
            _start = 0;
            _end = n;
        }

        private void Grow()
        {
            var bigger = ArrayPool<byte>.Shared.Rent(_buf.Length * 2);
            Buffer.BlockCopy(_buf, 0, bigger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buf);
            _buf = bigger;
        }

        private void Fill()
        {
            while (!_eof && _end < _buf.Length)
            {
                var n = _stream.Read(_buf, _end, _buf.Length - _end);
                if (n <= 0) _eof = true;
                else _end += n;
            }
        }

        // ---------------------------------------------------------------- fields

        private string? FieldString(ReadOnlySpan<byte> data, int index)
        {
            if (index < 0 || index >= _fieldCount || index >= _fields.Length) return null;
            ref readonly var f = ref _fields[index];
            string s;
            if (!f.Quoted)
            {
                var bytes = CsvText.TrimAscii(data[f.Start..f.End]);
                if (bytes.IsEmpty) return null;
                s = CsvText.Decode(bytes, _utf8, knownValid: _recValidUtf8);
            }
            else
            {
                s = CsvText.Decode(data[f.Start..f.End], _utf8, knownValid: _recValidUtf8);
                if (f.Escaped) s = s.Replace("\"\"", "\"");
                if (f.Closed && f.TailEnd > f.End + 1)
                    s += CsvText.Decode(data[(f.End + 1)..f.TailEnd], _utf8, knownValid: _recValidUtf8);
            }
            s = s.Trim();
            return s.Length == 0 ? null : s;
        }

        private string? Field(ReadOnlySpan<byte> data, Col c) => FieldString(data, _col[(int)c]);

        /// <summary>The field's bytes when they need no unescaping (the usual case), trimmed; false otherwise.</summary>
        private bool TrySimple(ReadOnlySpan<byte> data, Col c, out ReadOnlySpan<byte> bytes)
        {
            var index = _col[(int)c];
            if (index < 0 || index >= _fieldCount || index >= _fields.Length) { bytes = default; return true; }
            ref readonly var f = ref _fields[index];
            if (!f.Quoted || (f.Closed && !f.Escaped && CsvText.IsBlank(data[(f.End + 1)..f.TailEnd])))
            {
                bytes = CsvText.TrimAscii(data[f.Start..f.End]);
                // Non-ASCII may hide Unicode whitespace; leave such values to the string path.
                return bytes.IndexOfAnyExceptInRange((byte)0, (byte)0x7F) < 0;
            }
            bytes = default;
            return false;
        }

        private bool IsEmpty(ReadOnlySpan<byte> data, Col c) =>
            TrySimple(data, c, out var b) ? b.IsEmpty : Field(data, c) is null;

        // ---------------------------------------------------------------- validation

        private IngestItem ParseRow(ReadOnlySpan<byte> data)
        {
            var line = _line;
            var eventId = Field(data, Col.EventId);
            var system = Field(data, Col.System);
            var userId = Field(data, Col.UserId);
            var clientId = Field(data, Col.ClientId);

            // action (needed early: client_id may be empty for login/logout/search)
            AccessAction? action;
            string? actionText = null;
            bool actionEmpty;
            if (TrySimple(data, Col.Action, out var actionBytes))
            {
                actionEmpty = actionBytes.IsEmpty;
                action = ParseAction(actionBytes);
            }
            else
            {
                actionText = Field(data, Col.Action);
                actionEmpty = actionText is null;
                action = actionText is null ? null : ParseAction(actionText);
            }

            var timestampEmpty = IsEmpty(data, Col.Timestamp);

            List<string>? missing = null;
            if (eventId is null) (missing ??= []).Add("event_id");
            if (timestampEmpty) (missing ??= []).Add("timestamp");
            if (system is null) (missing ??= []).Add("system");
            if (userId is null) (missing ??= []).Add("user_id");
            if (actionEmpty) (missing ??= []).Add("action");
            var clientOptional = action is AccessAction.Login or AccessAction.Logout or AccessAction.Search;
            if (clientId is null && !clientOptional) (missing ??= []).Add("client_id");
            if (missing is not null)
            {
                var reason = missing.Count == 1
                    ? $"Required field '{missing[0]}' is empty"
                    : $"Required fields {string.Join(", ", missing.Select(m => $"'{m}'"))} are empty";
                if (missing.Contains("client_id") && !actionEmpty)
                    reason += $" (client_id may be empty only for login, logout and search; action is {CsvText.Quote(actionText ?? Field(data, Col.Action))})";
                return IngestItem.Rejected(line, Raw(), ReasonCodes.MissingField, reason + ".");
            }

            // timestamp
            SwedishTime.ParseStatus tsStatus;
            Instant occurredAt;
            if (TrySimple(data, Col.Timestamp, out var tsBytes)) tsStatus = CsvTimestamp.Parse(tsBytes, out occurredAt);
            else tsStatus = CsvTimestamp.Parse(Field(data, Col.Timestamp)!, out occurredAt);
            if (tsStatus == SwedishTime.ParseStatus.Invalid)
                return IngestItem.Rejected(line, Raw(), ReasonCodes.BadTimestamp,
                    $"Column 'timestamp' value {CsvText.Quote(Field(data, Col.Timestamp))} is not an ISO 8601 timestamp (e.g. 2026-03-02 07:41:12 or 2026-03-02T07:41:12+01:00).");
            if (tsStatus == SwedishTime.ParseStatus.NonexistentLocalTime)
                return IngestItem.Rejected(line, Raw(), ReasonCodes.NonexistentLocalTime,
                    $"Column 'timestamp' value {CsvText.Quote(Field(data, Col.Timestamp))} is a local time that does not exist in Europe/Stockholm (skipped by the change to daylight saving time).");

            if (action is null)
                return IngestItem.Rejected(line, Raw(), ReasonCodes.BadAction,
                    $"Column 'action' value {CsvText.Quote(actionText ?? Field(data, Col.Action))} is not one of read, search, create, update, delete, print, export, login, logout.");

            // purpose
            AccessPurpose? purpose;
            if (TrySimple(data, Col.Purpose, out var purposeBytes)) purpose = ParsePurpose(purposeBytes);
            else purpose = ParsePurpose(Field(data, Col.Purpose));
            if (purpose is null)
                return IngestItem.Rejected(line, Raw(), ReasonCodes.BadPurpose,
                    $"Column 'purpose' value {CsvText.Quote(Field(data, Col.Purpose))} is not one of care, emergency, admin, followup (empty means care).");

            // client_id
            if (clientId is not null && Personnummer.LooksLikeOne(clientId))
            {
                if (!Personnummer.HasValidCheckDigit(clientId))
                    return IngestItem.Rejected(line, Raw(), ReasonCodes.BadPersonnummer,
                        $"Column 'client_id' value {CsvText.Quote(clientId)} looks like a personnummer/samordningsnummer but its check digit is wrong.");
                clientId = Personnummer.Normalise(clientId, SwedishTime.InStockholm(occurredAt).Year);
            }

            var access = new ParsedAccess(
                system!, eventId!, occurredAt, userId!,
                Field(data, Col.UserName), Field(data, Col.UserRole), Field(data, Col.UnitId),
                clientId, action.Value, purpose.Value, AccessOutcome.Success,
                Field(data, Col.Terminal), Field(data, Col.Detail));
            return IngestItem.Accepted(line, Raw(), access);
        }

        private static AccessAction? ParseAction(ReadOnlySpan<byte> b) => b.Length switch
        {
            4 when Ascii.EqualsIgnoreCase(b, "read"u8) => AccessAction.Read,
            6 when Ascii.EqualsIgnoreCase(b, "search"u8) => AccessAction.Search,
            6 when Ascii.EqualsIgnoreCase(b, "create"u8) => AccessAction.Create,
            6 when Ascii.EqualsIgnoreCase(b, "update"u8) => AccessAction.Update,
            6 when Ascii.EqualsIgnoreCase(b, "delete"u8) => AccessAction.Delete,
            5 when Ascii.EqualsIgnoreCase(b, "print"u8) => AccessAction.Print,
            6 when Ascii.EqualsIgnoreCase(b, "export"u8) => AccessAction.Export,
            5 when Ascii.EqualsIgnoreCase(b, "login"u8) => AccessAction.Login,
            6 when Ascii.EqualsIgnoreCase(b, "logout"u8) => AccessAction.Logout,
            _ => null,
        };

        private static AccessAction? ParseAction(string s)
        {
            Span<byte> b = stackalloc byte[8];
            return ToAscii(s, b, out var n) ? ParseAction(b[..n]) : null;
        }

        private static AccessPurpose? ParsePurpose(ReadOnlySpan<byte> b) => b.Length switch
        {
            0 => AccessPurpose.Care,
            4 when Ascii.EqualsIgnoreCase(b, "care"u8) => AccessPurpose.Care,
            9 when Ascii.EqualsIgnoreCase(b, "emergency"u8) => AccessPurpose.Emergency,
            5 when Ascii.EqualsIgnoreCase(b, "admin"u8) => AccessPurpose.Admin,
            8 when Ascii.EqualsIgnoreCase(b, "followup"u8) => AccessPurpose.Followup,
            _ => null,
        };

        private static AccessPurpose? ParsePurpose(string? s)
        {
            if (s is null) return AccessPurpose.Care;
            Span<byte> b = stackalloc byte[10];
            return ToAscii(s, b, out var n) ? ParsePurpose(b[..n]) : null;
        }

        private static bool ToAscii(string s, Span<byte> dest, out int n)
        {
            var t = s.AsSpan().Trim();
            n = t.Length;
            if (t.Length > dest.Length) return false;
            for (var i = 0; i < t.Length; i++)
            {
                if (t[i] > 0x7F) return false;
                dest[i] = (byte)t[i];
            }
            return true;
        }
    }
}
