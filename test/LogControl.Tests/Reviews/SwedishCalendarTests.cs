using FsCheck;
using FsCheck.Xunit;
using LogControl.Workflow.Calendar;
using NodaTime;

namespace LogControl.Tests.Reviews;

public sealed class SwedishCalendarTests
{
    [Theory]
    [InlineData(2026, "2026-04-05")]
    [InlineData(2025, "2025-04-20")]
    [InlineData(2027, "2027-03-28")]
    public void easter_sunday(int year, string expected) =>
        SwedishCalendar.EasterSunday(year).ShouldBe(NodaTime.Text.LocalDatePattern.Iso.Parse(expected).Value);

    [Theory]
    [InlineData("2026-01-01", true)]   // nyårsdagen
    [InlineData("2026-01-06", true)]   // trettondedag jul
    [InlineData("2026-04-03", true)]   // långfredagen
    [InlineData("2026-04-06", true)]   // annandag påsk
    [InlineData("2026-05-14", true)]   // Kristi himmelsfärdsdag
    [InlineData("2026-06-19", true)]   // midsommarafton
    [InlineData("2026-12-24", true)]   // julafton
    [InlineData("2026-04-07", false)]
    [InlineData("2026-06-18", false)]
    public void holidays(string day, bool holiday) =>
        SwedishCalendar.IsHoliday(NodaTime.Text.LocalDatePattern.Iso.Parse(day).Value).ShouldBe(holiday);

    [Theory]
    [InlineData("2026-06-18", "2026-06-22")]   // Thursday before midsommar → Monday
    [InlineData("2026-04-02", "2026-04-07")]   // Maundy Thursday → Tuesday after Easter
    [InlineData("2026-03-06", "2026-03-09")]   // Friday → Monday
    [InlineData("2026-03-09", "2026-03-10")]
    public void next_working_day(string day, string expected) =>
        SwedishCalendar.NextWorkingDay(NodaTime.Text.LocalDatePattern.Iso.Parse(day).Value)
            .ShouldBe(NodaTime.Text.LocalDatePattern.Iso.Parse(expected).Value);

    [Property(MaxTest = 500)]
    public bool the_next_working_day_is_the_first_working_day_after(int offset)
    {
        var day = new LocalDate(2020, 1, 1).PlusDays(Math.Abs(offset % 5000));
        var next = SwedishCalendar.NextWorkingDay(day);
        var between = day.PlusDays(1);
        while (between < next) { if (SwedishCalendar.IsWorkingDay(between)) return false; between = between.PlusDays(1); }
        return next > day && SwedishCalendar.IsWorkingDay(next) && Period.Between(day, next).Days <= 5;
    }
}
