using System.Text.Json.Nodes;

namespace Rlvr.Rollout.Remote;

/// <summary>vLLM's runtime LoRA endpoints (also served by rlvr serve): POST /v1/load_lora_adapter {"lora_name",
/// "lora_path"} serves a PEFT adapter directory as the model lora_name; POST /v1/unload_lora_adapter {"lora_name"}
/// drops it. Both answer 200 with a plain-text confirmation. vLLM needs --enable-lora, --max-lora-rank ≥ the adapter's
/// rank and VLLM_ALLOW_RUNTIME_LORA_UPDATING=True.</summary>
public static class LoraAdapterWire
{
    public const string LoadPath = "/v1/load_lora_adapter";
    public const string UnloadPath = "/v1/unload_lora_adapter";

    /// <summary>A new name per pushed policy: vLLM refuses to load a name it holds (in-place reloads need a recent
    /// vLLM), and a request names the policy it samples from.</summary>
    public static string NameForStep(int step) => $"rlvr-step-{step}";

    public static JsonObject Load(string name, string directory) =>
        new() { ["lora_name"] = name, ["lora_path"] = System.IO.Path.GetFullPath(directory) };

    public static JsonObject Unload(string name) => new() { ["lora_name"] = name };

    /// <summary>True when an error reply says the name is already loaded (vLLM's and rlvr serve's wording).</summary>
    public static bool AlreadyLoaded(string message) => message.Contains("has already been loaded", StringComparison.Ordinal);
}
