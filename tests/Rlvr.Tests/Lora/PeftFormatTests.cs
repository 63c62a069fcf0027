using System.Text.Json.Nodes;
using Rlvr.Checkpoints;
using Rlvr.Lora;
using Rlvr.Tests.HuggingFace;
using Rlvr.Tests.Support;
using static TorchSharp.torch;

namespace Rlvr.Tests.Lora;

/// <summary>Adapter directories in PEFT's format. The fixture is written by hand after PEFT's documented
/// adapter_config.json (LoraConfig's fields, as save_pretrained writes them) and its key naming in
/// adapter_model.safetensors: "base_model.model." + module path + ".lora_A.weight" / ".lora_B.weight", with
/// lora_A [r, in_features] and lora_B [out_features, r].</summary>
public class PeftFormatTests
{
    const string FixtureConfig = """
        {
          "alpha_pattern": {},
          "auto_mapping": null,
          "base_model_name_or_path": "Qwen/Qwen2.5-0.5B",
          "bias": "none",
          "fan_in_fan_out": false,
          "inference_mode": true,
          "init_lora_weights": true,
          "layers_pattern": null,
          "layers_to_transform": null,
          "loftq_config": {},
          "lora_alpha": 16,
          "lora_dropout": 0.05,
          "modules_to_save": null,
          "peft_type": "LORA",
          "r": 8,
          "rank_pattern": {},
          "revision": null,
          "target_modules": ["v_proj", "q_proj"],
          "task_type": "CAUSAL_LM",
          "use_dora": false,
          "use_rslora": false
        }
        """;

    // tiny-qwen2: 2 layers, hidden 64, 4 query heads and 2 key/value heads of 16 dimensions.
    static readonly (string Key, long[] Shape)[] FixtureTensors =
    [
        ("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", [8, 64]),
        ("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight", [64, 8]),
        ("base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight", [8, 64]),
        ("base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight", [32, 8]),
        ("base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight", [8, 64]),
        ("base_model.model.model.layers.1.self_attn.q_proj.lora_B.weight", [64, 8]),
        ("base_model.model.model.layers.1.self_attn.v_proj.lora_A.weight", [8, 64]),
        ("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight", [32, 8]),
    ];

    static string WriteFixture(TempDir dir, string config)
    {
        var path = dir.File("fixture");
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, AdapterFiles.ConfigFile), config);
        return path;
    }

    [Fact]
    public void APeftConfigReadsAsItsLoraShape()
    {
        using var dir = new TempDir();
        var (config, baseModel) = AdapterFiles.ReadConfig(WriteFixture(dir, FixtureConfig));
        Assert.Equal((8, 16.0, 0.05), (config.Rank, config.Alpha, config.Dropout));
        Assert.Equal(["q_proj", "v_proj"], config.Targets);
        Assert.Equal(2.0, config.Scaling);
        Assert.Equal("Qwen/Qwen2.5-0.5B", baseModel);
    }

    [Fact]
    public void SavedAdaptersHavePeftKeysShapesAndConfigFields()
    {
        using var dir = new TempDir();
        var fixture = JsonNode.Parse(FixtureConfig)!.AsObject();
        var (config, _) = AdapterFiles.ReadConfig(WriteFixture(dir, FixtureConfig));
        using var model = Checkpoint.LoadModel(TinyModels.Dir("tiny-qwen2"));
        using var adapters = LoraAdapters.Attach(model, config, "Qwen/Qwen2.5-0.5B", seed: 1);
        var saved = dir.File("saved");
        Directory.CreateDirectory(saved);
        AdapterFiles.Save(saved, adapters);

        var written = JsonNode.Parse(File.ReadAllText(Path.Combine(saved, AdapterFiles.ConfigFile)))!.AsObject();
        foreach (var field in new[] { "peft_type", "task_type", "base_model_name_or_path", "r", "lora_alpha", "lora_dropout", "bias", "fan_in_fan_out", "inference_mode" })
            Assert.True(JsonNode.DeepEquals(fixture[field], written[field]), $"{field}: {written[field]?.ToJsonString()} vs {fixture[field]?.ToJsonString()}");
        Assert.Equal(fixture["target_modules"]!.AsArray().Select(n => n!.GetValue<string>()).Order(),
            written["target_modules"]!.AsArray().Select(n => n!.GetValue<string>()).Order());

        var header = SafeTensors.ReadHeader(Path.Combine(saved, AdapterFiles.WeightsFile));
        Assert.Equal(FixtureTensors.Select(t => t.Key).Order(StringComparer.Ordinal), header.Tensors.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, shape) in FixtureTensors)
        {
            Assert.Equal(shape, header.Tensors[key].Shape);
            Assert.Equal(ScalarType.Float32, header.Tensors[key].DType);
        }
    }

    [Fact]
    public void SavedAdaptersLoadBackIntoFreshAdapters()
    {
        using var dir = new TempDir();
        using var model = Checkpoint.LoadModel(TinyModels.Dir("tiny-qwen2"));
        var config = new LoraConfig(4, 8, 0, ["q_proj", "down_proj"]);
        using (var adapters = LoraAdapters.Attach(model, config, "base", seed: 1))
        {
            using (no_grad())
                foreach (var (_, p) in adapters.NamedParameters) p.add_(0.5);
            AdapterFiles.Save(dir.Path, adapters);
        }
        using var again = LoraAdapters.Attach(model, AdapterFiles.ReadConfig(dir.Path).config, "base", seed: 2);
        var before = again.NamedParameters.Select(p => p.parameter.detach().clone()).ToList();
        AdapterFiles.LoadWeights(dir.Path, again);
        var stored = SafeTensors.Load(Path.Combine(dir.Path, AdapterFiles.WeightsFile));
        foreach (var (name, p) in again.NamedParameters) Assert.True(stored[name].eq(p).all().item<bool>(), name);
        Assert.Contains(again.NamedParameters.Zip(before), pair => !pair.First.parameter.eq(pair.Second).all().item<bool>());
    }

    [Theory]
    [InlineData("\"peft_type\": \"LORA\"", "\"peft_type\": \"PREFIX_TUNING\"", "'peft_type'")]
    [InlineData("\"r\": 8", "\"r\": \"eight\"", "'r'")]
    [InlineData("\"r\": 8", "\"r\": 0", "'r'")]
    [InlineData("\"target_modules\": [\"v_proj\", \"q_proj\"]", "\"target_modules\": [\"lm_head\"]", "'target_modules'")]
    [InlineData("\"use_dora\": false", "\"use_dora\": true", "'use_dora'")]
    [InlineData("\"rank_pattern\": {}", "\"rank_pattern\": {\"q_proj\": 4}", "'rank_pattern'")]
    [InlineData("\"bias\": \"none\"", "\"bias\": \"all\"", "'bias'")]
    public void AConfigRlvrCannotHonourIsAOneLineErrorNamingFileAndField(string field, string replacement, string named)
    {
        using var dir = new TempDir();
        var path = WriteFixture(dir, FixtureConfig.Replace(field, replacement));
        var e = Assert.Throws<InvalidDataException>(() => AdapterFiles.ReadConfig(path));
        Assert.Contains(Path.Combine(path, AdapterFiles.ConfigFile), e.Message);
        Assert.Contains($"field {named}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void AnAdapterTensorOfTheWrongShapeIsNamed()
    {
        using var dir = new TempDir();
        using var model = Checkpoint.LoadModel(TinyModels.Dir("tiny-qwen2"));
        using var adapters = LoraAdapters.Attach(model, new LoraConfig(8, 16, 0, ["q_proj", "v_proj"]), "base", seed: 1);
        var tensors = FixtureTensors.ToDictionary(t => t.Key, t => zeros(t.Shape));
        tensors[FixtureTensors[3].Key] = zeros(64, 8);
        SafeTensors.Save(Path.Combine(dir.Path, AdapterFiles.WeightsFile), tensors);
        var e = Assert.Throws<InvalidDataException>(() => AdapterFiles.LoadWeights(dir.Path, adapters));
        Assert.Contains(AdapterFiles.WeightsFile, e.Message);
        Assert.Contains(FixtureTensors[3].Key, e.Message);
    }
}
