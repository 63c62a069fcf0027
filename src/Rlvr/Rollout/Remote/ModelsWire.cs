using System.Text.Json.Nodes;

namespace Rlvr.Rollout.Remote;

/// <summary>GET /v1/models (OpenAI): {"object": "list", "data": [{"id": NAME, …}, …]}.</summary>
public static class ModelsWire
{
    public const string Path = "/v1/models";

    public static string FirstModel(string body)
    {
        try
        {
            if (JsonNode.Parse(body)?["data"] is JsonArray { Count: > 0 } data && data[0]?["id"]?.GetValue<string>() is { } id) return id;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException) { }
        throw new InvalidDataException($"{Path} lists no model");
    }
}
