using System.Text.Json.Nodes;
using LogControl.Workflow.Reviews;
using Marten;

namespace LogControl.Tests.Reviews;

public static class ReviewJson
{
    /// <summary>
    /// The whole review as the store's JSON (NodaTime-aware), with its items in key order: dictionary order is
    /// not part of the state, so a replayed review and the stored snapshot compare equal exactly when they are.
    /// </summary>
    public static string Normalised(IDocumentStore store, Review r)
    {
        var node = JsonNode.Parse(store.Options.Serializer().ToJson(r))!.AsObject();
        if (node["items"] is JsonObject items)
            node["items"] = new JsonObject(items.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())).ToList());
        return node.ToJsonString();
    }
}
