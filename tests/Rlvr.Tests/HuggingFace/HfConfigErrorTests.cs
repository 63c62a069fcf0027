using System.Text.Json.Nodes;
using Rlvr.Checkpoints;
using Rlvr.Tests.Support;

namespace Rlvr.Tests.HuggingFace;

/// <summary>A directory we cannot load exactly says which file and which field or tensor is the problem.</summary>
public class HfConfigErrorTests
{
    /// <summary>A copy of a tiny model's config.json, edited; the weights stay where they are (they are not read
    /// before the config is accepted).</summary>
    static string WithConfig(TempDir dir, string model, Action<JsonObject> edit)
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(TinyModels.Dir(model), "config.json")))!.AsObject();
        edit(config);
        var path = dir.File("config.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    static void AssertError(string directory, params string[] named)
    {
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadModel(directory));
        foreach (var part in named) Assert.Contains(part, error.Message);
    }

    [Fact]
    public void UnknownModelType()
    {
        using var dir = new TempDir();
        var path = WithConfig(dir, "tiny-qwen2", c => c["model_type"] = "mistral");
        AssertError(dir.Path, path, "field 'model_type'", "'mistral'");
    }

    [Fact]
    public void RopeTypeOtherThanLlama3()
    {
        using var dir = new TempDir();
        var path = WithConfig(dir, "tiny-llama3", c => c["rope_scaling"]!["rope_type"] = "yarn");
        AssertError(dir.Path, path, "field 'rope_scaling.rope_type'", "'yarn'");
    }

    [Fact]
    public void MissingRequiredField()
    {
        using var dir = new TempDir();
        var path = WithConfig(dir, "tiny-qwen3", c => c.Remove("intermediate_size"));
        AssertError(dir.Path, path, "field 'intermediate_size'", "required");
    }

    [Fact]
    public void TensorsOfTheWrongShapeMissingOrUnexpected()
    {
        using var dir = new TempDir();
        var source = TinyModels.Dir("tiny-qwen3");
        File.Copy(Path.Combine(source, "config.json"), dir.File("config.json"));
        var weightsPath = dir.File("model.safetensors");
        var weights = SafeTensors.Load(Path.Combine(source, "model.safetensors"));

        weights["model.layers.1.self_attn.k_norm.weight"] = TorchSharp.torch.ones(8);
        SafeTensors.Save(weightsPath, weights);
        AssertError(dir.Path, weightsPath, "'model.layers.1.self_attn.k_norm.weight'", "[8]", "[16]");

        weights.Remove("model.layers.1.self_attn.k_norm.weight");
        weights["model.layers.1.self_attn.k_norm.bias"] = TorchSharp.torch.ones(16);
        SafeTensors.Save(weightsPath, weights);
        AssertError(dir.Path, weightsPath, "missing: model.layers.1.self_attn.k_norm.weight", "unexpected: model.layers.1.self_attn.k_norm.bias");
    }
}
