using LogControl.Tests.Support;
using static LogControl.Tests.Support.IngestTestKit;

namespace LogControl.Tests.Cli;

/// <summary>contracts/cli.md, checked on the real executable: output lines, exit codes, one-line errors on stderr.</summary>
public sealed class CliContractTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static async Task<(int Code, string[] Out, string[] Err)> Run(params string[] args)
    {
        var (code, stdout, stderr) = await RunLogCtlAsync(args);
        return (code, Lines(stdout), Lines(stderr));
    }

    [Fact]
    public async Task ingest_ends_with_the_totals_line_and_exits_zero_even_with_rejections()
    {
        var dir = TempDir();
        var file = WriteCsv(dir, "cli.csv", [Row(1, system: "Cli"), "LC-2;garbage;Cli;U;;;;19121212-1212;read;care;"]);
        var (code, output, _) = await Run("ingest", file, "--db", db.ConnectionString);
        code.ShouldBe(0);
        output[^1].ShouldBe("accepted=1 duplicates=0 rejected=1");

        (code, output, _) = await Run("ingest", file, "--db", db.ConnectionString);
        output[^1].ShouldBe("accepted=0 duplicates=1 rejected=1");
    }

    [Fact]
    public async Task ingest_of_nothing_readable_fails_with_one_line_on_stderr()
    {
        var (code, output, error) = await Run("ingest", Path.Combine(TempDir(), "missing.csv"), "--db", db.ConnectionString);
        code.ShouldNotBe(0);
        output[^1].ShouldBe("accepted=0 duplicates=0 rejected=0");
        error.ShouldContain(l => l.StartsWith("logctl: ") && l.Contains("nothing could be read"));
    }

    [Fact]
    public async Task unknown_verbs_and_missing_arguments_fail_with_a_reason()
    {
        var (code, _, error) = await Run("frobnicate");
        code.ShouldNotBe(0);
        error.ShouldHaveSingleItem().ShouldStartWith("logctl: unknown verb");

        (code, _, error) = await Run("quarantine", "export", "--db", db.ConnectionString);
        code.ShouldNotBe(0);
        error.ShouldHaveSingleItem().ShouldContain("--out");
    }

    [Fact]
    public async Task db_status_reports_an_external_database_when_one_is_selected()
    {
        var (code, output, _) = await Run("db", "status", "--db", db.ConnectionString);
        code.ShouldBe(0);
        output.ShouldHaveSingleItem().ShouldContain("external database");
        output.Single().ShouldNotContain(new Npgsql.NpgsqlConnectionStringBuilder(db.ConnectionString).Password ?? "\u0000");
    }
}
