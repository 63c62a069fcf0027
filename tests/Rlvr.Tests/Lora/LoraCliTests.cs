using Rlvr.Checkpoints;
using Rlvr.Cli.Commands;
using Rlvr.Lora;
using Rlvr.Spec;
using Rlvr.Tests.HuggingFace;
using Rlvr.Tests.Support;
using Rlvr.Training;
using static TorchSharp.torch;

namespace Rlvr.Tests.Lora;

/// <summary>SFT and then RL with LoRA on tiny-qwen2, as the commands run them: a run stopped after its first step and
/// resumed ends bit for bit where the uninterrupted run ends; the RL run starts from the SFT adapter on --base, holds
/// the base in bfloat16 and uses it (adapters off) as the KL reference; its adapter merges into a full checkpoint.</summary>
public class LoraCliTests
{
    static readonly string[] TimeFields = ["time_s", "time_rollout_s", "time_update_s"];
    const string Targets = "q_proj,v_proj,down_proj";

    static List<SettingInput> Inputs(params string[] pairs) =>
        Enumerable.Range(0, pairs.Length / 2).Select(i => new SettingInput(pairs[2 * i], pairs[2 * i + 1], "--" + pairs[2 * i])).ToList();

    static List<SettingInput> Sft(string outDir) => Inputs("init", TinyModels.Dir("tiny-qwen2"),
        "task", "math:" + SharedData.Require("data/benchmarks/gsm8k/train.jsonl"), "out", outDir, "steps", "2", "prompts-per-step", "2",
        "eval-every", "0", "save-every", "1", "threads", "1", "lr", "1e-2", "warmup-steps", "0",
        "lora-rank", "4", "lora-dropout", "0.1", "lora-targets", Targets);

    static List<SettingInput> Rl(string init, string outDir) => Inputs("init", init, "base", TinyModels.Dir("tiny-qwen2"),
        "task", "math:" + SharedData.Require("data/benchmarks/gsm8k/train.jsonl"), "out", outDir, "steps", "2", "prompts-per-step", "2",
        "group-size", "2", "max-new-tokens", "4", "eval-every", "0", "save-every", "1", "threads", "1", "lr", "1e-2",
        "lora-rank", "4", "lora-targets", Targets, "kl-coef", "0.05", "entropy-coef", "0.01", "dtype", "bfloat16");

    static List<string> Metrics(string runDir) => MetricsLog.Read(Path.Combine(runDir, "metrics.jsonl")).Select(row =>
    {
        foreach (var f in TimeFields) row.Remove(f);
        return row.ToJsonString();
    }).ToList();

    static byte[] Adapter(string runDir) => File.ReadAllBytes(Path.Combine(runDir, "final", AdapterFiles.WeightsFile));

    /// <summary>The run once uninterrupted and once stopped after step 1 and resumed: the same rows and adapter.</summary>
    static void AssertResumesBitIdentically(string dir, Func<string, List<SettingInput>> inputs,
        Func<IReadOnlyList<SettingInput>, CancellationToken, System.Text.Json.Nodes.JsonObject> run)
    {
        var (whole, split) = (Path.Combine(dir, "whole"), Path.Combine(dir, "split"));
        Assert.Null(run(inputs(whole), CancellationToken.None)["interrupted"]);
        using (var stop = new CancellationTokenSource())
        {
            stop.Cancel();
            Assert.True(run(inputs(split), stop.Token)["interrupted"]!.GetValue<bool>());
        }
        Assert.True(Directory.Exists(Path.Combine(split, "step-1")));
        Assert.False(Directory.Exists(Path.Combine(split, "final")));
        run([.. inputs(split), new SettingInput("resume", "true", "--resume")], CancellationToken.None);
        Assert.Equal(2, Metrics(whole).Count);
        Assert.Equal(Metrics(whole), Metrics(split));
        Assert.Equal(Adapter(whole), Adapter(split));
    }

    [Fact]
    public void SftThenRlWithLoraResumeBitIdenticallyAndTheAdapterMergesIntoAFullCheckpoint()
    {
        using var dir = new TempDir();
        var baseDir = TinyModels.Dir("tiny-qwen2");
        AssertResumesBitIdentically(dir.File("sft"), Sft, (inputs, stop) => SftCommand.Run(inputs, stop));
        var sftFinal = Path.Combine(dir.File("sft"), "whole", "final");
        Assert.False(File.Exists(Path.Combine(sftFinal, WeightFiles.SingleFile)));

        AssertResumesBitIdentically(dir.File("rl"), outDir => Rl(sftFinal, outDir), (inputs, stop) => TrainCommand.Run(inputs, stop: stop));
        var rlFinal = Path.Combine(dir.File("rl"), "whole", "final");
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(sftFinal, AdapterFiles.WeightsFile)), File.ReadAllBytes(Path.Combine(rlFinal, AdapterFiles.WeightsFile)));
        var rows = MetricsLog.Read(Path.Combine(dir.File("rl"), "whole", "metrics.jsonl"));
        Assert.All(rows, row => Assert.True(row["kl_ref"]!.GetValue<double>() > 0)); // the SFT adapter moved the policy off the base

        var e = Assert.Throws<ArgumentException>(() => TrainCommand.Run([.. Rl(sftFinal, Path.Combine(dir.File("rl"), "split")),
            new SettingInput("lora-rank", "8", "--lora-rank"), new SettingInput("resume", "true", "--resume")], stop: TestContext.Current.CancellationToken));
        Assert.StartsWith("--lora-rank: 8 differs from 4", e.Message);

        // The adapter loads back on its base and merges into a Hugging Face checkpoint of the base's layout.
        var merged = dir.File("merged");
        var result = CliProcess.Run("merge", "--model", baseDir, "--adapter", rlFinal, "--out", merged);
        Assert.True(result.ExitCode == 0, result.Stderr);
        foreach (var file in new[] { "config.json", "tokenizer.json", "tokenizer_config.json", "generation_config.json" })
            Assert.True(File.Exists(Path.Combine(merged, file)), file);
        var config = AdapterFiles.ReadConfig(rlFinal).config;
        using var adapted = LoraInit.Load(rlFinal, baseDir, config, CPU, ScalarType.Float32, 0);
        using var mergedInMemory = LoraInit.Load(rlFinal, null, null, CPU, ScalarType.Float32, 0); // base_model_name_or_path
        using var mergedFromFile = Checkpoint.LoadModel(merged);
        var tokens = tensor(new long[] { 151643, 40, 1079, 264, 1273 }).unsqueeze(0);
        using (no_grad())
        {
            var expected = adapted.Model.Forward(tokens);
            var actual = mergedInMemory.Model.Forward(tokens);
            Assert.True(((actual - expected).abs().max() / expected.abs().max()).item<float>() <= 1e-5);
        }
        // The file keeps the base's bfloat16 tensors: the merged float32 weights rounded once.
        var fromFile = mergedFromFile.state_dict();
        foreach (var (name, p) in mergedInMemory.Model.state_dict())
            Assert.True(p.to(ScalarType.BFloat16).to(ScalarType.Float32).eq(fromFile[name]).all().item<bool>(), name);
    }

    [Fact]
    public void BadLoraInputsAreOneLineErrorsBeforeAnythingIsWritten()
    {
        using var dir = new TempDir();
        var baseDir = TinyModels.Dir("tiny-qwen2");
        var outDir = dir.File("run");
        CliAssert.OneLineError(CliProcess.Run("sft", "--init", baseDir, "--task", "addition", "--out", outDir, "--dtype", "bfloat16"),
            "--dtype bfloat16 needs --lora-rank");
        CliAssert.OneLineError(CliProcess.Run("sft", "--init", baseDir, "--task", "addition", "--out", outDir, "--lora-alpha", "32"),
            "--lora-alpha needs --lora-rank");
        var adapter = dir.File("adapter");
        Directory.CreateDirectory(adapter);
        File.WriteAllText(Path.Combine(adapter, AdapterFiles.ConfigFile), """{"peft_type": "LORA", "r": 4, "lora_alpha": 8, "target_modules": ["q_proj"]}""");
        CliAssert.OneLineError(CliProcess.Run("train", "--init", adapter, "--task", "addition", "--out", outDir),
            $"{adapter} is a LoRA adapter: give its base model with --base DIR ({Path.Combine(adapter, AdapterFiles.ConfigFile)}: field 'base_model_name_or_path' is missing)");
        Assert.False(Directory.Exists(outDir));
        CliAssert.OneLineError(CliProcess.Run("merge", "--model", baseDir, "--adapter", adapter, "--out", outDir),
            $"{adapter}: no {AdapterFiles.WeightsFile}");
        CliAssert.OneLineError(CliProcess.Run("generate", "--model", adapter, "--prompt", "1+1="), $"{adapter} is a LoRA adapter, not a model");
        Assert.False(Directory.Exists(outDir));
    }
}
