using System.IO.Compression;

namespace LogControl.Ingest.Pipeline;

public enum InputFormat { Csv, Json, Ndjson }

/// <summary>Opens an input: transparent gzip (by magic bytes, not by name) and format detection from content and extension.</summary>
public static class InputOpener
{
    /// <summary>Wraps the stream in a gzip decoder when it starts with the gzip magic bytes.</summary>
    public static PeekableStream Decompress(Stream raw)
    {
        var peekable = new PeekableStream(raw);
        var head = peekable.Peek(2);
        return head.Length == 2 && head[0] == 0x1f && head[1] == 0x8b
            ? new PeekableStream(new GZipStream(peekable, CompressionMode.Decompress))
            : peekable;
    }

    /// <summary>Decides the format from the first bytes (after BOM and whitespace) and the name (without .gz).</summary>
    public static InputFormat Detect(PeekableStream decompressed, string name)
    {
        var lower = name.ToLowerInvariant();
        if (lower.EndsWith(".gz")) lower = lower[..^3];
        var span = decompressed.Peek(4096);
        if (span.StartsWith(new byte[] { 0xEF, 0xBB, 0xBF })) span = span[3..];
        var i = 0;
        while (i < span.Length && span[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') i++;
        var first = i < span.Length ? span[i] : (byte)0;

        if (first is (byte)'{' or (byte)'[')
        {
            if (lower.EndsWith(".ndjson") || lower.EndsWith(".jsonl")) return InputFormat.Ndjson;
            if (lower.EndsWith(".json") || first == '[') return InputFormat.Json;
            // No telling extension: several lines that each start with '{' is NDJSON.
            var nl = span[i..].IndexOf((byte)'\n');
            return nl > 0 && nl + i + 1 < span.Length && span[(i + nl + 1)..].TrimStart(" \t\r\n"u8).StartsWith("{"u8)
                ? InputFormat.Ndjson
                : InputFormat.Json;
        }
        return InputFormat.Csv;
    }

    /// <summary>Names a folder walk picks up; explicitly named files are always tried.</summary>
    public static bool IsSupportedName(string path)
    {
        var lower = path.ToLowerInvariant();
        if (lower.EndsWith(".gz")) lower = lower[..^3];
        return lower.EndsWith(".csv") || lower.EndsWith(".json") || lower.EndsWith(".ndjson") || lower.EndsWith(".jsonl");
    }
}

/// <summary>A read-only stream that can show its first bytes without consuming them (works over gzip and pipes).</summary>
public sealed class PeekableStream(Stream inner) : Stream
{
    private byte[] _head = [];
    private int _headPos;

    public ReadOnlySpan<byte> Peek(int count)
    {
        if (_head.Length - _headPos >= count) return _head.AsSpan(_headPos, count);
        var buffer = new byte[count];
        var have = _head.Length - _headPos;
        _head.AsSpan(_headPos).CopyTo(buffer);
        while (have < count)
        {
            var n = inner.Read(buffer, have, count - have);
            if (n == 0) break;
            have += n;
        }
        _head = buffer[..have];
        _headPos = 0;
        return _head;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_headPos < _head.Length)
        {
            var n = Math.Min(buffer.Length, _head.Length - _headPos);
            _head.AsSpan(_headPos, n).CopyTo(buffer);
            _headPos += n;
            return n;
        }
        return inner.Read(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (_headPos < _head.Length) return Read(buffer.Span);
        return await inner.ReadAsync(buffer, ct);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    protected override void Dispose(bool disposing) { if (disposing) inner.Dispose(); base.Dispose(disposing); }
}
