using System.Text;
using LogControl.Integrity;

namespace LogControl.Hosting.Integrity;

/// <summary>
/// The checkpoints outside the database: one append-only NDJSON file (<c>checkpoints.ndjson</c>) in a folder
/// that auditors keep or copy (a mounted share, a WORM bucket sync, later a witness). Someone who controls
/// the database can rewrite history and the checkpoints stored next to it, but not this file's copies.
/// </summary>
public sealed class ExternalCheckpointLog(string directory)
{
    public const string FileName = "checkpoints.ndjson";

    public string Directory { get; } = directory;
    public string FilePath => Path.Combine(Directory, FileName);

    public sealed record Entry(int Line, Checkpoint? Checkpoint, string? Error, string Raw);

    public IReadOnlyList<Entry> ReadAll()
    {
        if (!File.Exists(FilePath)) return [];
        var entries = new List<Entry>();
        var n = 0;
        foreach (var line in File.ReadLines(FilePath, Encoding.UTF8))
        {
            n++;
            if (line.Length == 0) continue;
            try { entries.Add(new Entry(n, Checkpoint.ParseLine(line), null, line)); }
            catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException)
            {
                entries.Add(new Entry(n, null, ex.Message, line));
            }
        }
        return entries;
    }

    /// <summary>Appends and flushes to disk before returning: a checkpoint the caller reports is on the platter.</summary>
    public void Append(Checkpoint checkpoint)
    {
        System.IO.Directory.CreateDirectory(Directory);
        using var stream = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.Read);
        var bytes = Encoding.UTF8.GetBytes(checkpoint.ToJsonLine() + "\n");
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }
}
