using System.Text.Json;

namespace LogControl.Ingest.Fhir;

/// <summary>A FHIR Coding reduced to what the mapping looks at.</summary>
internal readonly record struct FhirCoding(string? System, string? Code, string? Display);

/// <summary>Small, forgiving accessors over FHIR JSON: a missing or wrongly typed element reads as absent.</summary>
internal static class FhirJson
{
    public static bool IsObject(JsonElement e) => e.ValueKind == JsonValueKind.Object;

    /// <summary>A child object, or null when absent or not an object.</summary>
    public static JsonElement? Obj(JsonElement? e, string name) =>
        e is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object
            ? v
            : null;

    /// <summary>Any child element (object, array, value), or null when absent.</summary>
    public static JsonElement? Prop(JsonElement? e, string name) =>
        e is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var v) && v.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
            ? v
            : null;

    /// <summary>A string child, trimmed; null when absent, blank or not a string.</summary>
    public static string? Str(JsonElement? e, string name)
    {
        if (e is not { ValueKind: JsonValueKind.Object } o || !o.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String)
            return null;
        var s = v.GetString()?.Trim();
        return string.IsNullOrEmpty(s) ? null : s;
    }

    /// <summary>A boolean child; false when absent or not a boolean.</summary>
    public static bool True(JsonElement? e, string name) =>
        e is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    /// <summary>The items of an array child; a single object where an array is expected counts as one item.</summary>
    public static IEnumerable<JsonElement> Items(JsonElement? e, string name)
    {
        var v = Prop(e, name);
        if (v is null) yield break;
        if (v.Value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in v.Value.EnumerateArray())
                if (item.ValueKind == JsonValueKind.Object) yield return item;
        }
        else if (v.Value.ValueKind == JsonValueKind.Object)
        {
            yield return v.Value;
        }
    }

    /// <summary>
    /// The codings of an element that may be a Coding (R4 <c>AuditEvent.type</c>, <c>entity.role</c>), a
    /// CodeableConcept (R5), or an array of either (R4 <c>subtype</c>, R5 <c>category</c>).
    /// </summary>
    public static IEnumerable<FhirCoding> Codings(JsonElement? e)
    {
        if (e is null) yield break;
        var v = e.Value;
        if (v.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in v.EnumerateArray())
                foreach (var c in Codings(item))
                    yield return c;
            yield break;
        }
        if (v.ValueKind != JsonValueKind.Object) yield break;

        if (v.TryGetProperty("coding", out var coding))
        {
            foreach (var c in Codings(coding))
                yield return c;
            yield break;
        }
        var code = Str(v, "code");
        var display = Str(v, "display");
        if (code is not null || display is not null)
            yield return new FhirCoding(Str(v, "system"), code, display);
    }

    /// <summary>Codings of a named child (see <see cref="Codings(JsonElement?)"/>).</summary>
    public static IEnumerable<FhirCoding> Codings(JsonElement? e, string name) => Codings(Prop(e, name));

    /// <summary>
    /// The resource type a reference points at: "Patient/123", "Patient/123/_history/2" and
    /// "https://host/fhir/Patient/123" give "Patient"; "#contained", "urn:uuid:…" give null.
    /// </summary>
    public static string? ReferenceType(string? reference)
    {
        var segments = ReferenceSegments(reference);
        return segments is { Length: >= 2 } s && LooksLikeResourceType(s[^2]) ? s[^2] : null;
    }

    /// <summary>
    /// The id part of a reference: "Patient/123" → "123", "Patient/123/_history/2" → "123",
    /// "https://host/fhir/Location/7" → "7". A reference without a type/id shape is returned whole.
    /// </summary>
    public static string? ReferenceId(string? reference)
    {
        var segments = ReferenceSegments(reference);
        if (segments is null) return null;
        return segments.Length >= 2 && LooksLikeResourceType(segments[^2]) && segments[^1].Length > 0
            ? segments[^1]
            : reference!.Trim();
    }

    private static string[]? ReferenceSegments(string? reference)
    {
        if (string.IsNullOrWhiteSpace(reference)) return null;
        var r = reference.Trim();
        if (r.StartsWith('#') || r.StartsWith("urn:", StringComparison.OrdinalIgnoreCase)) return [r];
        var q = r.IndexOfAny(['?', '#']);
        if (q >= 0) r = r[..q];
        var h = r.IndexOf("/_history/", StringComparison.Ordinal);
        if (h >= 0) r = r[..h];
        return r.TrimEnd('/').Split('/');
    }

    /// <summary>FHIR resource type names are PascalCase letters (Patient, PractitionerRole, …).</summary>
    private static bool LooksLikeResourceType(string s) =>
        s.Length > 0 && char.IsAsciiLetterUpper(s[0]) && s.All(char.IsAsciiLetter);
}
