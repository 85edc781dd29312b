using LogControl.Server;
using LogControl.Tests.Support;
using LogControl.Workflow;
using LogControl.Workflow.Investigations;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Wolverine;

namespace LogControl.Tests.Investigations;

/// <summary>A clock the tests move by hand; registered in place of the system clock.</summary>
public sealed class TestClock(Instant now) : IClock
{
    public Instant Now { get; set; } = now;
    public Instant GetCurrentInstant() => Now;
    public void Advance(Duration by) => Now += by;
}

/// <summary>
/// The real server (Marten, Wolverine, the async daemon) on its own database, with a test clock. Commands go
/// through the bus as the endpoints send them. The clock starts at the real now: the deadline checks Wolverine
/// schedules (awareness + 48 h / 72 h) then lie in the real future and only run when a test invokes them.
/// </summary>
public sealed class InvestigationHost : IAsyncLifetime
{
    private readonly TestDatabase _db = new();
    private WebApplication? _app;

    public const string Officer = "SEC-ANNA";

    public TestClock Clock { get; } = new(RealNow());
    public IServiceProvider Services => _app!.Services;
    public IMessageBus Bus => Services.GetRequiredService<IMessageBus>();
    public IDocumentStore Store => Services.GetRequiredService<IDocumentStore>();
    public Instant Now => Clock.Now;

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        _app = LogControlServer.Build(_db.ConnectionString, urls: "http://127.0.0.1:0",
            configure: b => b.Services.AddSingleton<IClock>(Clock));
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app != null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        await _db.DisposeAsync();
    }

    /// <summary>Back to the real now (whole seconds), so what a test schedules lies in the real future.</summary>
    public void ResetClock() => Clock.Now = RealNow();

    private static Instant RealNow() => Instant.FromUnixTimeSeconds(SystemClock.Instance.GetCurrentInstant().ToUnixTimeSeconds());

    public Task Invoke(object command) => Bus.InvokeAsync(command);

    /// <summary>Invokes a command that must be refused; returns the rejection.</summary>
    public async Task<CommandRejected> Rejected(object command)
    {
        var ex = await Should.ThrowAsync<Exception>(() => Bus.InvokeAsync(command));
        return ex as CommandRejected ?? ex.InnerException as CommandRejected
            ?? throw new ShouldAssertException($"expected a CommandRejected, got {ex}");
    }

    public async Task<Guid> OpenAsync(string user, string reason = "tip from a colleague")
    {
        var id = Guid.CreateVersion7();
        await Invoke(new OpenInvestigation(id, user, reason, Officer, Now));
        return id;
    }

    public async Task<Investigation> LoadAsync(Guid id)
    {
        await using var session = Store.QuerySession();
        return (await session.LoadAsync<Investigation>(id)).ShouldNotBeNull();
    }

    public async Task<IReadOnlyList<object>> EventsAsync(Guid id)
    {
        await using var session = Store.QuerySession();
        return (await session.Events.FetchStreamAsync(id)).Select(e => e.Data).ToList();
    }

    public async Task<List<Investigation>> CasesOfAsync(string user)
    {
        await using var session = Store.QuerySession();
        return (await session.Query<Investigation>().Where(x => x.SubjectUserId == user).ToListAsync()).ToList();
    }
}
