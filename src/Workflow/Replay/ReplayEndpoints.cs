using LogControl.Domain.Time;
using LogControl.Projections.Detection;
using LogControl.Projections.Replay;
using LogControl.Workflow.Security;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using NodaTime;
using Wolverine.Http;

namespace LogControl.Workflow.Replay;

/// <summary>
/// Anomalies and reference data over HTTP, now or as known at an instant (<c>asOf</c>, an ISO instant). Managers read their
/// own units only; security staff, internal audit and administrators read every unit (<see cref="Actor.MayRead"/>).
/// </summary>
public static class ReplayEndpoints
{
    /// <summary>
    /// Anomalies, filtered by local day of access (<c>from</c>, <c>to</c>: yyyy-MM-dd, inclusive), unit, user and rule. Without
    /// <c>asOf</c>: detection's current list. With it: the anomalies published by then, as they stood then.
    /// </summary>
    [Authorize(Policy = Policies.Read)]
    [WolverineGet("/api/anomalies")]
    public static async Task<IReadOnlyList<KnownAnomaly>> Anomalies(HttpContext http, IDocumentStore store,
        string? asOf = null, string? unit = null, string? from = null, string? to = null, string? user = null, string? rule = null)
    {
        var actor = Actor.From(http.User);
        var at = Replay.ParseAsOf(asOf);
        if (unit != null) actor.EnsureMayRead(unit);
        else if (!Roles.SeeAllUnits.Any(actor.Is) && !actor.Is(Roles.UnitManager))
            throw CommandRejected.Forbidden("Anomalies are read by the units' managers, security staff and internal audit.");
        var filter = new AnomalyFilter(Date(from, "from"), Date(to, "to"), unit, user);
        var list = at == null
            ? (await new AnomalyQueries(store).ListAsync(filter, http.RequestAborted)).Where(a => rule == null || a.Rule == rule).Select(KnownAnomaly.From).ToList()
            : await new AnomalyHistory(store).ListAsync(at.Value, filter, rule, http.RequestAborted);
        // A manager without a unit filter sees the anomalies of the units they manage.
        return list.Where(a => a.UnitId != null ? actor.MayRead(a.UnitId) : Roles.SeeAllUnits.Any(actor.Is)).ToList();
    }

    [Authorize(Policy = Policies.Read)]
    [WolverineGet("/api/reference/users/{userId}")]
    public static Task<ReferenceView> User(string userId, HttpContext http, IDocumentStore store, string? asOf = null) =>
        ReferenceAsync(ReferenceSubject.User, userId, http, store, asOf);

    [Authorize(Policy = Policies.Read)]
    [WolverineGet("/api/reference/clients/{clientId}")]
    public static Task<ReferenceView> Client(string clientId, HttpContext http, IDocumentStore store, string? asOf = null) =>
        ReferenceAsync(ReferenceSubject.Client, clientId, http, store, asOf);

    [Authorize(Policy = Policies.Read)]
    [WolverineGet("/api/reference/units/{unitId}")]
    public static Task<ReferenceView> Unit(string unitId, HttpContext http, IDocumentStore store, string? asOf = null) =>
        ReferenceAsync(ReferenceSubject.Unit, unitId, http, store, asOf);

    /// <summary>
    /// Reference data as known at <c>asOf</c> (default: everything stored). A manager reads a user or client whose facts as known then name
    /// one of their units (a placement, shift, visit or enrollment there), and their own units.
    /// </summary>
    private static async Task<ReferenceView> ReferenceAsync(ReferenceSubject subject, string id, HttpContext http, IDocumentStore store, string? asOf)
    {
        var actor = Actor.From(http.User);
        var at = Replay.ParseAsOf(asOf);
        if (subject == ReferenceSubject.Unit) actor.EnsureMayRead(id);
        else if (!Roles.SeeAllUnits.Any(actor.Is) && !actor.Is(Roles.UnitManager))
            throw CommandRejected.Forbidden("Reference data is read by the units' managers, security staff and internal audit.");
        var view = await new ReferenceAsOf(store).GetAsync(subject, id, at, http.RequestAborted);
        if (view.Facts.Count == 0) throw CommandRejected.NotFound($"Reference data for {subject.ToString().ToLowerInvariant()} {id}" + (at == null ? "" : $" as known at {at}"));
        if (!Roles.SeeAllUnits.Any(actor.Is) && !view.Units.Any(actor.MayRead))
            throw CommandRejected.Forbidden($"{subject} {id} has no facts at a unit you manage.");
        return view;
    }

    private static LocalDate? Date(string? text, string name) =>
        text == null ? null
        : SwedishTime.TryParseDate(text, out var d) ? d
        : throw new CommandRejected("invalid_date", $"{name} needs a date like 2026-03-02, not '{text}'", 400);
}
