namespace LogControl.Hosting.Database;

/// <summary>
/// Which PostgreSQL every verb talks to: --db, else $LOGCONTROL_DB, else the embedded cluster (started on demand).
/// </summary>
public static class DatabaseSelection
{
    public const string EnvironmentVariable = "LOGCONTROL_DB";

    public static string? Explicit(string? dbOption) =>
        !string.IsNullOrWhiteSpace(dbOption) ? dbOption
        : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env ? env
        : null;

    public static async Task<string> ResolveAsync(string? dbOption, Action<string>? say = null, CancellationToken ct = default) =>
        Explicit(dbOption) ?? await new EmbeddedPostgres().StartAsync(say, ct);
}
