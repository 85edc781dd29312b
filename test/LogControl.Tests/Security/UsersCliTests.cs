using System.Net.Http.Json;
using LogControl.Server.Security;
using LogControl.Tests.Support;
using static LogControl.Tests.Support.IngestTestKit;

namespace LogControl.Tests.Security;

/// <summary>`logctl users` on the real executable, then a login with what it printed.</summary>
public sealed class UsersCliTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private async Task<(int Code, string[] Out, string[] Err)> Run(params string[] args) => await RunWithStdin(null, args);

    /// <param name="stdin">Written to the CLI's standard input (for --password-stdin), or null.</param>
    private async Task<(int Code, string[] Out, string[] Err)> RunWithStdin(string? stdin, params string[] args)
    {
        using var p = StartLogCtl(redirectInput: stdin != null, [.. args, "--db", db.ConnectionString]);
        var (code, stdout, stderr) = await CollectAsync(p, stdin);
        return (code, Lines(stdout), Lines(stderr));
    }

    [Fact]
    public async Task users_add_prints_a_generated_password_once_and_it_logs_in()
    {
        var (code, output, error) = await Run("users", "add", "Karin", "--user-id", "SE2321000032-U0007", "--name", "Karin Chef",
            "--role", "unit_manager", "--unit", "HT-NORR", "--unit", "HT-SYD");
        code.ShouldBe(0, string.Join('\n', error));
        output[0].ShouldBe("username=karin user_id=SE2321000032-U0007 roles=unit_manager units=HT-NORR,HT-SYD status=active name=\"Karin Chef\"");
        var password = output.Single(l => l.StartsWith("password=", StringComparison.Ordinal))["password=".Length..];
        password.Length.ShouldBeGreaterThanOrEqualTo(20);
        error.ShouldContain(l => l.Contains("not shown again"));

        (code, output, _) = await Run("users", "list");
        code.ShouldBe(0);
        output.ShouldContain(l => l.StartsWith("username=karin ", StringComparison.Ordinal));
        output.ShouldNotContain(l => l.Contains(password));

        var app = await AuthKit.StartServerAsync(db.ConnectionString);
        try
        {
            using var http = AuthKit.Anonymous(app);
            http.DefaultRequestHeaders.Authorization = new("Bearer", await AuthKit.TokenAsync(http, "karin", password));
            var me = (await http.GetFromJsonAsync<Me>("/api/me", ApiJson.Options))!;
            me.UserId.ShouldBe("SE2321000032-U0007");
            me.Units.ShouldBe(["HT-NORR", "HT-SYD"]);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task users_add_takes_the_password_from_stdin_and_prints_none()
    {
        var (code, output, error) = await RunWithStdin("correct horse battery staple", "users", "add", "sven", "--user-id", "SE-SEC-1", "--role", "security", "--password-stdin");
        code.ShouldBe(0, string.Join('\n', error));
        output.ShouldNotContain(l => l.StartsWith("password=", StringComparison.Ordinal));
        await using var store = db.CreateStore();
        await using var session = store.QuerySession();
        var (account, _) = await LogControl.Workflow.Accounts.AccountCommands.AuthenticateAsync(session, "sven", "correct horse battery staple");
        account.ShouldNotBeNull().Roles.ShouldBe(["security"]);
    }

    [Theory]
    [InlineData("unknown role 'root'", "users", "add", "x1", "--user-id", "U1", "--role", "root")]
    [InlineData("needs at least one unit", "users", "add", "x2", "--user-id", "U1", "--role", "unit_manager")]
    [InlineData("--user-id", "users", "add", "x3", "--role", "security")]
    [InlineData("at least one role", "users", "add", "x4", "--user-id", "U1")]
    [InlineData("usage: logctl users", "users", "frobnicate")]
    public async Task bad_users_commands_fail_with_one_line_naming_the_reason(string reason, params string[] args)
    {
        var (code, _, error) = await Run(args);
        code.ShouldNotBe(0);
        error.ShouldHaveSingleItem().ShouldStartWith("logctl: ");
        error.Single().ShouldContain(reason);
    }

    [Fact]
    public async Task a_username_is_taken_only_once()
    {
        (await Run("users", "add", "twice", "--user-id", "U1", "--role", "admin")).Code.ShouldBe(0);
        var (code, _, error) = await Run("users", "add", "Twice", "--user-id", "U2", "--role", "admin");
        code.ShouldNotBe(0);
        error.ShouldHaveSingleItem().ShouldContain("already exists");
    }
}
