using NodaTime;

namespace LogControl.Tests.Support;

/// <summary>A clock the test sets: deadlines and schedules are tested without waiting.</summary>
public sealed class TestClock(Instant now) : IClock
{
    public Instant Now { get; set; } = now;
    public Instant GetCurrentInstant() => Now;
    public void SetLocal(int year, int month, int day, int hour = 9) =>
        Now = Domain.Time.SwedishTime.Zone.AtLeniently(new LocalDateTime(year, month, day, hour, 0)).ToInstant();
}
