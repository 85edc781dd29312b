using LogControl.Hosting.Integrity;
using LogControl.Integrity;
using LogControl.Server.Web;
using LogControl.Workflow.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;

namespace LogControl.Server.Pages.Integrity;

/// <summary>
/// Integritet: the latest signed checkpoint and how much is stored after it (cheap, on every load), and on request a
/// full verification of the stored history against the signed checkpoints (the same check as `logctl verify`).
/// </summary>
[Authorize(Policy = Policies.AdminOrAuditor)]
public sealed class IndexModel(IDocumentStore store, IConfiguration config) : UiPage
{
    public IntegrityStatus Status { get; private set; } = null!;
    public VerifyReport? Report { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Status = await IntegrityStatus.ReadAsync(store, ct);

    public async Task OnPostAsync(CancellationToken ct)
    {
        var settings = IntegritySettings.From(config);
        Report = await new IntegrityVerifier(store, settings.LoadOrCreateTrustedKey(), settings.ExternalLogFor(store)).VerifyAsync(ct);
        Status = await IntegrityStatus.ReadAsync(store, ct);
    }

    public static string KindSv(string kind) => kind switch
    {
        "altered" => "ändrad",
        "missing" => "saknas",
        "inserted" => "infogad i efterhand",
        "reordered" => "flyttad",
        _ => kind,
    };
}
