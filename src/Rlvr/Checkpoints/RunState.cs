using System.Text.Json.Nodes;
using Rlvr.IO;

namespace Rlvr.Checkpoints;

/// <summary>The run-state files of a checkpoint: run_state.safetensors (tensors such as optimizer moments) and
/// run_state.json (everything else). The JSON is written last, so its presence marks a checkpoint a run can resume
/// from.</summary>
public static class RunState
{
    public const string JsonFile = "run_state.json";
    public const string TensorsFile = "run_state.safetensors";

    public static void Save(string directory, StateBag state)
    {
        SafeTensors.Save(Path.Combine(directory, TensorsFile), state.Tensors, new Dictionary<string, string> { ["format"] = "pt" });
        AtomicFile.WriteAllText(Path.Combine(directory, JsonFile), state.Values.ToJsonString(new() { WriteIndented = true }));
    }

    public static bool IsComplete(string directory) => File.Exists(Path.Combine(directory, JsonFile));

    public static StateBag Load(string directory)
    {
        var jsonPath = Path.Combine(directory, JsonFile);
        if (!File.Exists(jsonPath)) throw new FileNotFoundException($"{jsonPath}: no run state; this checkpoint cannot be resumed", jsonPath);
        JsonObject values;
        try
        {
            values = JsonNode.Parse(File.ReadAllText(jsonPath)) as JsonObject ?? throw new InvalidDataException($"{jsonPath}: not a JSON object");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"{jsonPath}: line {e.LineNumber + 1}: {e.Message}");
        }
        var tensors = SafeTensors.Load(Path.Combine(directory, TensorsFile));
        return StateBag.From(values, tensors, jsonPath);
    }
}
