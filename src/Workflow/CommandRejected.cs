namespace LogControl.Workflow;

/// <summary>
/// An aggregate refused a command: the invariant it would break is named in <see cref="Code"/> (stable, for
/// clients) and explained in the message. The host answers with problem details and <see cref="Status"/>.
/// </summary>
public sealed class CommandRejected(string code, string message, int status = 409) : Exception(message)
{
    public string Code { get; } = code;
    public int Status { get; } = status;
    /// <summary>Extra members of the problem details, e.g. the id of the resource the command collided with.</summary>
    public IReadOnlyDictionary<string, object?> Details { get; init; } = new Dictionary<string, object?>();

    public static CommandRejected NotFound(string what) => new("not_found", $"{what} does not exist", 404);
    public static CommandRejected Forbidden(string message) => new("forbidden", message, 403);
}
