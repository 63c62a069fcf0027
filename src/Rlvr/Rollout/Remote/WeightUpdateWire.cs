using System.Text.Json.Nodes;

namespace Rlvr.Rollout.Remote;

/// <summary>SGLang's POST /update_weights_from_disk: {"model_path": DIR} makes the server reload its weights from a
/// Hugging Face directory; it answers {"success", "message", "num_paused_requests"}.</summary>
public static class WeightUpdateWire
{
    public const string Path = "/update_weights_from_disk";

    // A policy with LoRA adapters goes through LoraAdapterWire instead: that is the only way to update vLLM over plain
    // HTTP, which has no route that reloads full weights from a given path.

    public static JsonObject Request(string modelPath) => new() { ["model_path"] = System.IO.Path.GetFullPath(modelPath) };

    /// <summary>Null when a 200 reply confirms the update, else why not ("success": false with its message).</summary>
    public static string? Failure(string body)
    {
        JsonNode? root = null;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            return null; // a plain-text 200 is a confirmation
        }
        if (root is JsonObject o && o["success"] is JsonValue v && v.TryGetValue(out bool ok) && !ok)
            return o["message"]?.ToString() ?? "success: false";
        return null;
    }
}
