using System.Text.Json.Nodes;
using Rlvr.Checkpoints;
using Rlvr.Model;
using Rlvr.Model.Families;
using Rlvr.Tests.Support;
using Rlvr.Tokenization;
using static TorchSharp.torch;

namespace Rlvr.Tests.HuggingFace;

/// <summary>Runs start from a Hugging Face model directory and write one back. The tokenizer of the real tiny models
/// is not wired yet, so the directory here is a Qwen3-layout model over the byte vocabulary: BF16 shards, an index,
/// a generation config and config fields Rlvr does not read.</summary>
public class HfLayoutRunTests
{
    static string WriteModelDir(string path)
    {
        var config = new JsonObject
        {
            ["architectures"] = new JsonArray("Qwen3ForCausalLM"), ["model_type"] = "qwen3", ["vocab_size"] = new ByteTokenizer().VocabSize,
            ["hidden_size"] = 32, ["intermediate_size"] = 64, ["num_hidden_layers"] = 2, ["num_attention_heads"] = 4,
            ["num_key_value_heads"] = 2, ["head_dim"] = 16, ["max_position_embeddings"] = 512, ["tie_word_embeddings"] = true,
            ["torch_dtype"] = "bfloat16", ["a_field_rlvr_does_not_read"] = new JsonObject { ["kept"] = true },
        };
        var configPath = Path.Combine(path, "config.json");
        Directory.CreateDirectory(path);
        File.WriteAllText(configPath, config.ToJsonString());
        using var model = new CausalLM(ModelConfig.Load(configPath), seed: 3);
        model.Origin = new ModelOrigin(config, model.state_dict().Select(kv => new StoredTensor(kv.Key, ScalarType.BFloat16, kv.Value.shape)).ToList(),
            new Dictionary<string, byte[]> { ["generation_config.json"] = "{\"eos_token_id\": [2, 1]}"u8.ToArray() });
        Checkpoint.Save(path, model, new ByteTokenizer(), maxShardBytes: 20_000);
        return path;
    }

    [Fact]
    public void SftFromAHfDirectoryWritesTheSameLayoutBackWithExactMasterWeights()
    {
        using var dir = new TempDir();
        var init = WriteModelDir(dir.File("init"));
        Assert.True(File.Exists(Path.Combine(init, WeightFiles.IndexFile)));
        var outDir = dir.File("run");
        var sft = CliProcess.Run("sft", "--init", init, "--task", "addition", "--out", outDir, "--steps", "2", "--prompts-per-step", "4",
            "--eval-every", "0", "--warmup-steps", "0", "--threads", "1", "--max-shard-size", "0.00003");
        Assert.True(sft.ExitCode == 0, sft.Stderr);

        var final = Path.Combine(outDir, "final");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(Path.Combine(init, "config.json"))),
            JsonNode.Parse(File.ReadAllText(Path.Combine(final, "config.json")))));
        Assert.Equal(File.ReadAllBytes(Path.Combine(init, "generation_config.json")), File.ReadAllBytes(Path.Combine(final, "generation_config.json")));
        var before = WeightFiles.Locate(init).Tensors;
        var after = WeightFiles.Locate(final).Tensors;
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        Assert.All(after.Values, t => Assert.Equal(ScalarType.BFloat16, t.Info.DType));
        Assert.True(File.Exists(Path.Combine(final, WeightFiles.IndexFile)));
        Assert.All(Directory.GetFiles(final, "model-*.safetensors"), f => Assert.True(SafeTensors.ReadHeader(f).Tensors.Count == 1
            || new FileInfo(f).Length <= 30_000 + 4096, f));

        // The weight files hold bfloat16; the run state holds the float32 weights training continues from.
        using var trained = Checkpoint.LoadModel(final);
        using var state = RunState.Load(final);
        var master = state.Child("master_weights");
        Assert.True(master.Get<bool>("stored"));
        var changed = false;
        using var initial = Checkpoint.LoadModel(init);
        foreach (var (name, p) in trained.state_dict())
        {
            var exact = master.GetTensor(name, p.shape);
            Assert.True(exact.to(ScalarType.BFloat16).to(ScalarType.Float32).allclose(p, rtol: 0, atol: 0), name);
            changed |= !exact.allclose(initial.state_dict()[name], rtol: 0, atol: 0);
        }
        Assert.True(changed);

        var generate = CliProcess.Run("generate", "--model", final, "--prompt", "1+2=", "--max-new-tokens", "4", "--dtype", "bfloat16");
        Assert.True(generate.ExitCode == 0, generate.Stderr);
    }

    [Fact]
    public void MasterWeightsRestoreWhatBfloat16FilesRound()
    {
        using var dir = new TempDir();
        var init = WriteModelDir(dir.File("init"));
        using var model = Checkpoint.LoadModel(init);
        using (no_grad())
            foreach (var p in model.parameters()) p.add_(1e-4); // not representable next to most bfloat16 values
        using var state = new StateBag();
        new MasterWeights(model).SaveState(state);
        var saved = dir.File("saved");
        Checkpoint.SaveModel(saved, model);

        using var reloaded = Checkpoint.LoadModel(saved);
        Assert.False(reloaded.state_dict().All(kv => kv.Value.allclose(model.state_dict()[kv.Key], rtol: 0, atol: 0)));
        new MasterWeights(reloaded).LoadState(state);
        foreach (var (name, p) in model.state_dict()) Assert.True(p.allclose(reloaded.state_dict()[name], rtol: 0, atol: 0), name);
    }
}
