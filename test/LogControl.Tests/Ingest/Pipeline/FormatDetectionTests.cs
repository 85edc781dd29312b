using System.IO.Compression;
using System.Text;
using LogControl.Ingest.Pipeline;
using LogControl.Tests.Support;
using static LogControl.Tests.Support.IngestTestKit;

namespace LogControl.Tests.Ingest.Pipeline;

/// <summary>Inputs are recognised by content (gzip magic, JSON vs CSV) and name, through the whole pipeline.</summary>
public sealed class FormatDetectionTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static string Gzip(string path)
    {
        var gz = path + ".gz";
        using (var input = File.OpenRead(path))
        using (var output = new GZipStream(File.Create(gz), CompressionLevel.Fastest))
            input.CopyTo(output);
        File.Delete(path);
        return gz;
    }

    [Fact]
    public async Task gzipped_csv_fhir_ndjson_and_reference_ndjson_all_ingest()
    {
        await using var store = db.CreateStore();
        var dir = TempDir();
        var csv = Gzip(WriteCsv(dir, "export.csv", Enumerable.Range(1, 50).Select(i => Row(i, system: "Gz"))));
        var facts = Path.Combine(dir, "facts.ndjson");
        File.Copy(Path.Combine(SharedPaths.Samples, "reference.ndjson"), facts);
        facts = Gzip(facts);
        var fhirNdjson = Path.Combine(dir, "audit.ndjson");
        var one = File.ReadAllText(Path.Combine(SharedPaths.Samples, "fhir", "r4-ihe-balp-1.1.4", "AuditEvent-ex-auditBasicReadClient.json"));
        File.WriteAllText(fhirNdjson, System.Text.Json.JsonDocument.Parse(one).RootElement.GetRawText() + "\n");
        fhirNdjson = Gzip(fhirNdjson);

        var totals = await IngestAsync(store, dir);
        totals.Files.ShouldBe(3);
        totals.ToString().ShouldBe("accepted=58 duplicates=0 rejected=0");
    }

    [Theory]
    [InlineData("a.csv", "event_id;timestamp\n", InputFormat.Csv)]
    [InlineData("a.json", "{\"resourceType\":\"AuditEvent\"}", InputFormat.Json)]
    [InlineData("a.ndjson", "{\"type\":\"unit\"}\n{\"type\":\"unit\"}\n", InputFormat.Ndjson)]
    [InlineData("export", "{\"a\":1}\n{\"b\":2}\n", InputFormat.Ndjson)]
    [InlineData("export", "\uFEFF  {\"resourceType\":\"Bundle\"}", InputFormat.Json)]
    [InlineData("export.txt", "event_id,timestamp\n", InputFormat.Csv)]
    public void format_is_detected_from_content_and_name(string name, string content, InputFormat expected)
    {
        using var s = InputOpener.Decompress(new MemoryStream(Encoding.UTF8.GetBytes(content)));
        InputOpener.Detect(s, name).ShouldBe(expected);
    }

    [Fact]
    public void gzip_is_recognised_by_its_magic_bytes_not_its_name()
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
            gz.Write("event_id;timestamp\n"u8);
        ms.Position = 0;
        using var s = InputOpener.Decompress(ms);
        new StreamReader(s).ReadToEnd().ShouldBe("event_id;timestamp\n");
    }

    [Fact]
    public async Task an_unreadable_path_is_reported_and_the_rest_still_ingests()
    {
        await using var store = db.CreateStore();
        var dir = TempDir();
        var ok = WriteCsv(dir, "ok.csv", [Row(1, system: "Missing")]);
        var totals = await IngestAsync(store, Path.Combine(dir, "does-not-exist.csv"), ok);
        totals.UnreadableFiles.ShouldBe(1);
        totals.Accepted.ShouldBe(1);
    }
}
