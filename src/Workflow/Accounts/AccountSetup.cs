using JasperFx.Events.Projections;
using Marten;

namespace LogControl.Workflow.Accounts;

/// <summary>Accounts in the event store: the events, and the account snapshot updated inline (logins read it).</summary>
public static class AccountSetup
{
    public static void Configure(StoreOptions opts)
    {
        opts.Events.AddEventTypes([typeof(AccountCreated), typeof(AccountPasswordChanged), typeof(AccountRolesChanged), typeof(AccountDisabled)]);
        opts.Projections.Snapshot<Account>(SnapshotLifecycle.Inline);
        // Other slices map a care-system user (a unit's manager_user_id) to an account.
        opts.Schema.For<Account>().Index(a => a.UserId);
    }
}
