namespace LogControl.Workflow.Investigations;

/// <summary>The stable codes of refused investigation commands (the problem details' "code").</summary>
public static class InvestigationCodes
{
    /// <summary>Nothing may be changed after the conclusion.</summary>
    public const string Concluded = "investigation_concluded";
    /// <summary>A user has at most one open investigation; the problem names it ("investigationId").</summary>
    public const string AlreadyOpen = "investigation_already_open";
    public const string BreachAlreadyConfirmed = "breach_already_confirmed";
    /// <summary>IMY is notified of a personal-data breach, so only after one is confirmed.</summary>
    public const string BreachNotConfirmed = "breach_not_confirmed";
    public const string ImyAlreadyNotified = "imy_already_notified";
    /// <summary>Confirming a breach confirms misuse: a NoMisuse conclusion is impossible afterwards.</summary>
    public const string BreachImpliesMisuse = "breach_implies_misuse";
    /// <summary>A case with a confirmed breach stays open until IMY has been notified, so the deadline stays tracked.</summary>
    public const string ImyNotificationPending = "imy_notification_pending";
    /// <summary>A decision or interview date after today (Europe/Stockholm).</summary>
    public const string DateInFuture = "date_in_future";
    /// <summary>An awareness or notification time after the moment the command was given.</summary>
    public const string TimeInFuture = "time_in_future";
    public const string NotifiedBeforeAwareness = "imy_notified_before_awareness";
    public const string RequiredFieldMissing = "required_field_missing";
    public const string UnknownDecisionKind = "unknown_decision_kind";
    public const string UnknownOutcome = "unknown_outcome";
    public const string AnomalyNotFound = "anomaly_not_found";
    public const string AnomalyOfOtherUser = "anomaly_of_other_user";
    public const string SubjectMismatch = "subject_mismatch";
}

internal static class Reject
{
    public static CommandRejected Concluded(Guid id) =>
        new(InvestigationCodes.Concluded, $"Investigation {id} is concluded; nothing can be changed after the conclusion.");

    public static CommandRejected AlreadyOpen(string userId, Guid openId) =>
        new(InvestigationCodes.AlreadyOpen, $"User {userId} already has an open investigation ({openId}); add to that one.")
        {
            Details = new Dictionary<string, object?> { ["investigationId"] = openId },
        };

    public static CommandRejected Required(string field) =>
        new(InvestigationCodes.RequiredFieldMissing, $"'{field}' is required.", 400);

    public static CommandRejected NotFound(Guid id) => CommandRejected.NotFound($"Investigation {id}");

    public static CommandRejected Rule(string code, string message, int status = 409) => new(code, message, status);
}
