using LogControl.Domain.Audit;
using Marten;

namespace LogControl.Reports.Audit;

/// <summary>Records that personal data was shown (the CLI's extract; the web records its views the same way).</summary>
public static class PersonalDataViewLog
{
    public static async Task RecordAsync(IDocumentStore store, PersonalDataViewed view, CancellationToken ct = default)
    {
        await using var session = store.LightweightSession();
        session.Events.StartStream(PersonalDataViewed.StreamFor(), view);
        await session.SaveChangesAsync(ct);
    }
}
