using Microsoft.AspNetCore.Authorization;
using System.Text.Json;
using System.Text.Json.Serialization;
using JasperFx.CodeGeneration;
using LogControl.Projections.Detection;
using LogControl.Workflow.Security;
using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;
using Wolverine;
using Wolverine.Http;

namespace LogControl.Workflow.Investigations;

public sealed record OpenInvestigationRequest(string? SubjectUserId, string? Reason);
public sealed record AttachAnomaliesRequest(IReadOnlyList<Guid>? AnomalyIds);
public sealed record NoteRequest(string? Text);
public sealed record InterviewRequest(string? WithWhom, string? Summary, LocalDate? On);
public sealed record BreachRequest(Instant? AwareAt, string? Description);
public sealed record ImyNotificationRequest(Instant? NotifiedAt, string? Reference);
/// <summary><see cref="Kind"/>: lex_sarah | lex_maria | hr | police.</summary>
public sealed record DecisionRequest(string? Kind, LocalDate? On, string? Reference);
/// <summary><see cref="Outcome"/>: no_misuse | misuse_confirmed.</summary>
public sealed record ConclusionRequest(string? Outcome, string? Summary);

public sealed record InvestigationSummary(
    Guid Id, string SubjectUserId, InvestigationStatus Status, InvestigationOrigin Origin, Instant OpenedAt, int Escalations, int Anomalies,
    bool BreachConfirmed, Instant? ImyDeadline, InvestigationOutcome? Outcome);

/// <summary>An investigation with the subject's timeline to the clients concerned and all their current anomalies.</summary>
public sealed record InvestigationDetails(
    Investigation Investigation, IReadOnlyList<string> ClientsConcerned, IReadOnlyList<TimelineAccess> Timeline, IReadOnlyList<AnomalyRow> Anomalies);

/// <summary>
/// HTTP for security staff. Every write is a command invoked on the bus (the aggregate decides), carrying the
/// caller and the clock's now; reads come from the snapshot and the read models. Writes need the security role,
/// reads security or auditor: only the Actor's roles are checked here, authentication is the host's business.
/// </summary>
[InvestigationJson]
public static class InvestigationEndpoints
{
    private const string Base = "/api/investigations";

    [Authorize(Policy = Policies.Write)]
    [WolverinePost(Base)]
    public static async Task<CreationResponse<Investigation>> Open(OpenInvestigationRequest body, HttpContext http, IMessageBus bus, IClock clock, IQuerySession session)
    {
        var actor = Writer(http);
        var id = Guid.CreateVersion7();
        await bus.InvokeAsync(new OpenInvestigation(id, body.SubjectUserId ?? "", body.Reason ?? "", actor.UserId, clock.GetCurrentInstant()), http.RequestAborted);
        return CreationResponse.For(await LoadAsync(session, id, http.RequestAborted), $"{Base}/{id}");
    }

    [Authorize(Policy = Policies.Read)]
    [WolverineGet(Base)]
    public static async Task<IReadOnlyList<InvestigationSummary>> List(HttpContext http, IQuerySession session, string? status, string? user)
    {
        Reader(http);
        InvestigationStatus? wanted = status switch
        {
            null or "" => null,
            _ when status.Equals("open", StringComparison.OrdinalIgnoreCase) => InvestigationStatus.Open,
            _ when status.Equals("concluded", StringComparison.OrdinalIgnoreCase) => InvestigationStatus.Concluded,
            _ => throw new CommandRejected("unknown_status", $"Unknown status '{status}'; use open or concluded.", 400),
        };
        var list = await InvestigationQueries.ListAsync(session, wanted, user, http.RequestAborted);
        return list.Select(x => new InvestigationSummary(x.Id, x.SubjectUserId, x.Status, x.Origin, x.OpenedAt, x.Escalations.Count,
            x.Anomalies.Count, x.Breach != null, x.Breach?.ImyDeadline, x.Conclusion?.Outcome)).ToList();
    }

    [Authorize(Policy = Policies.Read)]
    [WolverineGet(Base + "/breaches")]
    public static Task<List<OpenBreach>> Breaches(HttpContext http, IQuerySession session, IClock clock)
    {
        Reader(http);
        return InvestigationQueries.OpenBreachesAsync(session, clock.GetCurrentInstant(), http.RequestAborted);
    }

    /// <summary>
    /// The case now (<see cref="InvestigationDetails"/>), or with <paramref name="asOf"/> (an ISO instant) as it was known then
    /// (<see cref="Replay.InvestigationAsOf"/>: the anomalies are those published by then).
    /// </summary>
    [Authorize(Policy = Policies.Read)]
    [WolverineGet(Base + "/{id}")]
    [ProducesResponseType<InvestigationDetails>(200)]
    public static async Task<IResult> Get(Guid id, HttpContext http, IQuerySession session, IDocumentStore store, string? asOf = null)
    {
        Reader(http);
        var at = Replay.Replay.ParseAsOf(asOf);
        var investigation = await LoadAsync(session, id, http.RequestAborted);
        if (at != null)
            return Results.Json(await Replay.Replay.InvestigationDetailsAsync(session, store, id, at.Value, http.RequestAborted)
                                ?? throw Replay.Replay.NotYet($"Investigation {id}", at.Value), InvestigationJsonAttribute.Options);
        return Results.Json(new InvestigationDetails(investigation, investigation.ClientsConcerned(),
            await InvestigationQueries.TimelineAsync(store, investigation, http.RequestAborted),
            await InvestigationQueries.AnomaliesAsync(store, investigation, http.RequestAborted)), InvestigationJsonAttribute.Options);
    }

    [Authorize(Policy = Policies.Write)]
    [WolverinePost(Base + "/{id}/anomalies")]
    public static Task<Investigation> Anomalies(Guid id, AttachAnomaliesRequest body, HttpContext http, IMessageBus bus, IClock clock, IQuerySession session) =>
        Write(http, bus, session, id, (by, at) => new AttachAnomalies(id, body.AnomalyIds ?? [], by, at), clock);

    [Authorize(Policy = Policies.Write)]
    [WolverinePost(Base + "/{id}/notes")]
    public static Task<Investigation> Note(Guid id, NoteRequest body, HttpContext http, IMessageBus bus, IClock clock, IQuerySession session) =>
        Write(http, bus, session, id, (by, at) => new AddNote(id, body.Text ?? "", by, at), clock);

    [Authorize(Policy = Policies.Write)]
    [WolverinePost(Base + "/{id}/interviews")]
    public static Task<Investigation> Interview(Guid id, InterviewRequest body, HttpContext http, IMessageBus bus, IClock clock, IQuerySession session) =>
        Write(http, bus, session, id, (by, at) => new RecordInterview(id, body.WithWhom ?? "", body.Summary ?? "", body.On ?? throw Reject.Required("on"), by, at), clock);

    [Authorize(Policy = Policies.Write)]
    [WolverinePost(Base + "/{id}/breach")]
    public static Task<Investigation> Breach(Guid id, BreachRequest body, HttpContext http, IMessageBus bus, IClock clock, IQuerySession session) =>
        Write(http, bus, session, id, (by, at) => new ConfirmBreach(id, body.AwareAt ?? throw Reject.Required("awareAt"), body.Description, by, at), clock);

    [Authorize(Policy = Policies.Write)]
    [WolverinePost(Base + "/{id}/imy-notification")]
    public static Task<Investigation> ImyNotification(Guid id, ImyNotificationRequest body, HttpContext http, IMessageBus bus, IClock clock, IQuerySession session) =>
        Write(http, bus, session, id, (by, at) => new RecordImyNotification(id, body.NotifiedAt ?? throw Reject.Required("notifiedAt"), body.Reference ?? "", by, at), clock);

    [Authorize(Policy = Policies.Write)]
    [WolverinePost(Base + "/{id}/decisions")]
    public static Task<Investigation> Decision(Guid id, DecisionRequest body, HttpContext http, IMessageBus bus, IClock clock, IQuerySession session) =>
        Write(http, bus, session, id, (by, at) => new RecordDecision(id, ParseDecisionKind(body.Kind), body.On ?? throw Reject.Required("on"), body.Reference, by, at), clock);

    [Authorize(Policy = Policies.Write)]
    [WolverinePost(Base + "/{id}/conclusion")]
    public static Task<Investigation> Conclusion(Guid id, ConclusionRequest body, HttpContext http, IMessageBus bus, IClock clock, IQuerySession session) =>
        Write(http, bus, session, id, (by, at) => new ConcludeInvestigation(id, ParseOutcome(body.Outcome), body.Summary ?? "", by, at), clock);

    public static DecisionKind ParseDecisionKind(string? kind) => Normalise(kind) switch
    {
        "" => throw Reject.Required("kind"),
        "lexsarah" => DecisionKind.LexSarah,
        "lexmaria" => DecisionKind.LexMaria,
        "hr" => DecisionKind.Hr,
        "police" => DecisionKind.Police,
        _ => throw Reject.Rule(InvestigationCodes.UnknownDecisionKind, $"Unknown decision kind '{kind}'; use lex_sarah, lex_maria, hr or police.", 400),
    };

    public static InvestigationOutcome ParseOutcome(string? outcome) => Normalise(outcome) switch
    {
        "" => throw Reject.Required("outcome"),
        "nomisuse" => InvestigationOutcome.NoMisuse,
        "misuseconfirmed" => InvestigationOutcome.MisuseConfirmed,
        _ => throw Reject.Rule(InvestigationCodes.UnknownOutcome, $"Unknown outcome '{outcome}'; use no_misuse or misuse_confirmed.", 400),
    };

    private static string Normalise(string? s) => (s ?? "").Replace("_", "").Replace("-", "").Trim().ToLowerInvariant();

    private static async Task<Investigation> Write(HttpContext http, IMessageBus bus, IQuerySession session, Guid id,
        Func<string, Instant, object> command, IClock clock)
    {
        var actor = Writer(http);
        await bus.InvokeAsync(command(actor.UserId, clock.GetCurrentInstant()), http.RequestAborted);
        return await LoadAsync(session, id, http.RequestAborted);
    }

    private static async Task<Investigation> LoadAsync(IQuerySession session, Guid id, CancellationToken ct) =>
        await session.LoadAsync<Investigation>(id, ct) ?? throw Reject.NotFound(id);

    private static Actor Writer(HttpContext http)
    {
        var actor = Actor.From(http.User);
        return actor.Is(Roles.Security) ? actor : throw CommandRejected.Forbidden("Only security staff can change investigations.");
    }

    private static Actor Reader(HttpContext http)
    {
        var actor = Actor.From(http.User);
        return actor.Is(Roles.Security) || actor.Is(Roles.Auditor)
            ? actor
            : throw CommandRejected.Forbidden("Only security staff and internal audit can read investigations.");
    }
}

/// <summary>
/// The investigations API's own wire format, whatever the host configures: NodaTime as ISO 8601 (instants in UTC,
/// dates as yyyy-MM-dd), enums as snake_case strings, camelCase members.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class InvestigationJsonAttribute : ModifyHttpChainAttribute
{
    public static readonly JsonSerializerOptions Options = Create();

    public override void Modify(HttpChain chain, GenerationRules rules) => chain.JsonSerializerOptions = Options;

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        return options;
    }
}
