using System.Text.Json;

namespace LogControl.Tests.Support;

/// <summary>How the API writes JSON (NodaTime ISO values, enum names), for tests reading its answers into typed records.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        o.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
        NodaTime.Serialization.SystemTextJson.Extensions.ConfigureForNodaTime(o, NodaTime.DateTimeZoneProviders.Tzdb);
        return o;
    }
}
