using System.Security.Cryptography;
using System.Text;
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

    /// <summary>A new name per run and pushed policy, rlvr-{run}-step-{step}: vLLM refuses to load a name it holds
    /// (in-place reloads need a recent vLLM), a request names the policy it samples from, and runs sharing a server
    /// must neither sample nor unload each other's adapters. The run is the first 8 hex digits of the SHA-256 of the
    /// full path of its weights directory, which a resumed run writes to again.</summary>
    public static string Name(string weightsDirectory, int step) => $"rlvr-{RunId(weightsDirectory)}-step-{step}";

    static string RunId(string weightsDirectory)
    {
        var path = Path.TrimEndingDirectorySeparator(Path.GetFullPath(weightsDirectory));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..8];
    }

    public static JsonObject Load(string name, string directory) =>
        new() { ["lora_name"] = name, ["lora_path"] = Path.GetFullPath(directory) };

    public static JsonObject Unload(string name) => new() { ["lora_name"] = name };

    /// <summary>True when an error reply says the name is already loaded (vLLM's and rlvr serve's wording).</summary>
    public static bool AlreadyLoaded(string message) => message.Contains("has already been loaded", StringComparison.Ordinal);
}
