using System.Text.Json.Nodes;
using Rlvr.Checkpoints;
using Rlvr.Cli.Commands;
using Rlvr.Data;
using Rlvr.Evaluation;
using Rlvr.Lora;
using Rlvr.Model;
using Rlvr.Rollout;
using Rlvr.Rollout.Remote;
using Rlvr.Spec;
using Rlvr.Tests.Model;
using Rlvr.Tests.Support;
using Rlvr.Tokenization;
using Rlvr.Training;
using Rlvr.Update;
using static TorchSharp.torch;

namespace Rlvr.Tests.Rollout;

/// <summary>RL with LoRA adapters whose rollouts come from an `rlvr serve` process started with the base model: the
/// trainer pushes the adapter under a new name at start and after every step (vLLM's /v1/load_lora_adapter), samples
/// with that name and unloads the previous one. The run equals, to the bit, an in-process run that samples each prompt
/// with its request's seed, so the server sampled every step from that step's adapter.</summary>
public class RemoteLoraTests
{
    const int ModelSeed = 5;
    const int Threads = 1;
    static readonly ByteTokenizer Tokenizer = new();
    static readonly LoraConfig Lora = new(4, 8, 0, LoraConfig.Projections);

    static RlOptions Options => new()
    {
        Steps = 2, PromptsPerStep = 4, GroupSize = 2, MaxNewTokens = 8, EvalEvery = 0, Lr = 1e-2, Seed = 9,
        // An untrained model earns no reward, so every advantage is 0: the entropy bonus makes each step move the adapter.
        Objective = new RlObjective(EntropyCoef: 0.1),
    };

    /// <summary>Samples in this process as a server does: each prompt's group on its own, seeded with its request's seed.</summary>
    sealed class PerRequestEngine(CausalLM policy) : IRolloutEngine
    {
        public bool IsRemote => true;

        public Generation Generate(IReadOnlyList<int[]> prompts, int n, SamplingOptions sampling, IReadOnlyCollection<int> stopIds, int padId, ulong seed)
        {
            policy.eval();
            var groups = prompts.Select((p, key) =>
                Sampler.Generate(policy, Enumerable.Repeat(p, n).ToList(), sampling, stopIds, padId, (ulong)RequestSeeds.For(seed, key))).ToList();
            policy.train();
            return new Generation(groups.SelectMany(g => g.Tokens).ToArray(), groups.SelectMany(g => g.LogProbs).ToArray(),
                groups.SelectMany(g => g.Tokens.Select(_ => Array.Empty<float>())).ToArray(), groups.SelectMany(g => g.EndedWithEos).ToArray());
        }

        public void SyncWeights(CausalLM policy, ITokenizer tokenizer, int step) { }

        public void Dispose() { }
    }

    static string SaveInit(TempDir dir)
    {
        using var model = TestModels.ForByteTokenizer(ModelSeed, layers: 1);
        Checkpoint.Save(dir.File("init"), model, Tokenizer);
        return dir.File("init");
    }

    sealed record Trained(Dictionary<string, float[]> Adapter, List<JsonObject> Metrics, RlResult Result);

    static Trained Train(string init, string runDir, Func<CausalLM, IRolloutEngine> engine)
    {
        using var loaded = Checkpoint.Load(init);
        LoraAdapters.Attach(loaded.Model, Lora, Path.GetFullPath(init), seed: 11);
        using var rollouts = engine(loaded.Model);
        var task = new AdditionTask(0, new AdditionOptions { MaxDigits = 1, TestSize = 4 });
        var run = new RunDirectory(runDir);
        var result = new RlTrainer(loaded.Model, Tokenizer, task, Options, new SinglePass(), engine: rollouts).Run(run, stop: TestContext.Current.CancellationToken);
        var adapter = loaded.Model.Adapters!.NamedParameters.ToDictionary(p => p.name, p => p.parameter.data<float>().ToArray());
        return new Trained(adapter, MetricsLog.Read(run.MetricsPath), result);
    }

    [Fact]
    public async Task RlWithLoraOnAServeProcessEqualsSamplingEachRequestInProcess()
    {
        if (!ServeProcesses.Available) Assert.Skip("this build has no `rlvr serve` command");
        using var dir = new TempDir();
        var init = SaveInit(dir);
        using var servers = new ServeProcesses(init, count: 1, threads: Threads);
        var warnings = new List<string>();
        var remote = Train(init, dir.File("remote"), policy => new RemoteRolloutEngine(new(servers.Urls, TimeSpan.FromSeconds(60), 1),
            Path.Combine(dir.File("remote"), "rollout-weights"), policy.Config.VocabSize, warnings.Add));
        var local = Train(init, dir.File("local"), policy => new PerRequestEngine(policy));

        Assert.Empty(warnings);
        Assert.Equal(Options.Steps, remote.Metrics.Count);
        Assert.All(remote.Metrics, r => Assert.InRange(r["rollout_logprob_diff"]!.GetValue<double>(), 0, 1e-4));
        Assert.Equal(local.Result.Rollouts, remote.Result.Rollouts);
        Assert.Equal(local.Result.RolloutTokens, remote.Result.RolloutTokens);
        foreach (var (name, values) in local.Adapter) Assert.Equal(values, remote.Adapter[name]);
        using var initial = Checkpoint.Load(init);
        using (var fresh = LoraAdapters.Attach(initial.Model, Lora, init, seed: 11))
            Assert.NotEqual(fresh.NamedParameters.Single(p => p.name.EndsWith("down_proj.lora_B.weight")).parameter.data<float>().ToArray(),
                remote.Adapter.Single(p => p.Key.EndsWith("down_proj.lora_B.weight")).Value);

        // The server holds the last step's adapter only, under its name, and scores with it as the trainer does.
        using var http = new HttpClient { BaseAddress = servers.Urls[0] };
        var models = JsonNode.Parse(await http.GetStringAsync("/v1/models", TestContext.Current.CancellationToken))!["data"]!.AsArray();
        var last = LoraAdapterWire.Name(Path.Combine(dir.File("remote"), "rollout-weights"), Options.Steps);
        Assert.Equal([init, last], models.Select(m => m!["id"]!.GetValue<string>()));
        Assert.Equal(init, models[1]!["parent"]!.GetValue<string>());
        Assert.Equal([last], Directory.GetDirectories(Path.Combine(dir.File("remote"), "rollout-weights")).Select(Path.GetFileName));
        int[] sequence = [.. Tokenizer.Encode("12+7=", addSpecialTokens: true), .. Tokenizer.Encode("19", addSpecialTokens: false)];
        var reply = await Serving.Http.Ok(http, "/v1/completions", new JsonObject
        {
            ["model"] = last, ["prompt"] = Serving.Http.Ids(sequence), ["max_tokens"] = 0, ["echo"] = true, ["logprobs"] = 0,
        });
        var served = reply["choices"]![0]!["logprobs"]!["token_logprobs"]!.AsArray().Skip(1).Select(x => x!.GetValue<double>()).ToArray();
        using var trained = LoraInit.Load(Path.Combine(dir.File("remote"), "rollout-weights", last), null, Lora, CPU, ScalarType.Float32, 0);
        var expected = SequenceScore.Compute(trained.Model, sequence).LogProbs;
        for (int i = 0; i < expected.Count; i++) Assert.True(Math.Abs(expected[i] - served[i]) < 1e-4, $"position {i + 1}: {served[i]} vs {expected[i]}");
    }

    [Fact]
    public void TrainWithLoraRankOnAServeProcessWritesAndPushesAnAdapterPerStep()
    {
        if (!ServeProcesses.Available) Assert.Skip("this build has no `rlvr serve` command");
        using var dir = new TempDir();
        var init = SaveInit(dir);
        using var servers = new ServeProcesses(init, count: 1, threads: Threads);
        var run = new RunDirectory(dir.File("run"));

        var summary = TrainCommand.Run(RolloutEngineCommandTests.RemoteRun(init, run, steps: 1, servers.Urls[0].ToString(),
            new SettingInput("lora-rank", "4", "--lora-rank"), new SettingInput("threads", Threads.ToString(), "--threads")), progress: (_, _, _) => { });

        var row = MetricsLog.Read(run.MetricsPath).Single();
        Assert.InRange(row["rollout_logprob_diff"]!.GetValue<double>(), 0, 1e-4);
        Assert.True(row.ContainsKey("time_weight_sync_s"));
        var pushed = Path.Combine(run.RolloutWeights, LoraAdapterWire.Name(run.RolloutWeights, 1));
        Assert.True(AdapterFiles.IsAdapterDirectory(pushed));
        Assert.False(Directory.Exists(Path.Combine(run.RolloutWeights, LoraAdapterWire.Name(run.RolloutWeights, 0))));
        // The adapter pushed after the last step is the run's final adapter.
        var final = SafeTensors.Load(Path.Combine(run.FinalCheckpoint, AdapterFiles.WeightsFile));
        var sent = SafeTensors.Load(Path.Combine(pushed, AdapterFiles.WeightsFile));
        Assert.Equal(final.Keys.Order(), sent.Keys.Order());
        foreach (var (name, t) in final) Assert.Equal(t.data<float>().ToArray(), sent[name].data<float>().ToArray());
        Assert.Equal(long.Parse(summary["trained_parameters"]!.ToJsonString()), final.Values.Sum(t => t.numel()));
    }

    [Fact]
    public async Task AResumedRunReplacesTheAdapterNameItsFirstSessionLeftOnTheServer()
    {
        if (!ServeProcesses.Available) Assert.Skip("this build has no `rlvr serve` command");
        using var dir = new TempDir();
        var init = SaveInit(dir);
        using var servers = new ServeProcesses(init, count: 1, threads: Threads);
        var run = new RunDirectory(dir.File("run"));
        SettingInput[] Inputs(params SettingInput[] more) => RolloutEngineCommandTests.RemoteRun(init, run, steps: 2, servers.Urls[0].ToString(),
            [new("lora-rank", "4", "--lora-rank"), new("threads", Threads.ToString(), "--threads"), .. more]);
        using (var stop = new CancellationTokenSource())
        {
            stop.Cancel(); // the first session stops after step 1, leaving its step-1 adapter loaded
            TrainCommand.Run(Inputs(), progress: (_, _, _) => { }, stop: stop.Token);
        }
        // Another adapter under the name the first session left, so that sampling from it would show in step 2.
        var other = dir.File("other-adapter");
        Serving.ServeLoraTests.WriteAdapter(init, other, seed: 21);
        using var http = new HttpClient { BaseAddress = servers.Urls[0] };
        var replaced = await Serving.ServeLoraTests.PostText(http, LoraAdapterWire.LoadPath, new JsonObject
        {
            ["lora_name"] = LoraAdapterWire.Name(run.RolloutWeights, 1), ["lora_path"] = other, ["load_inplace"] = true,
        });
        Assert.True(replaced.Status == 200, replaced.Text);

        TrainCommand.Run(Inputs(new SettingInput("resume", "true", "--resume")), progress: (_, _, _) => { });

        var rows = MetricsLog.Read(run.MetricsPath);
        Assert.Equal([1, 2], rows.Select(r => r["step"]!.GetValue<int>()));
        // Step 2 sampled from the resumed adapter, pushed again under the name the first session had used: the other
        // adapter held under it was replaced.
        Assert.InRange(rows[1]["rollout_logprob_diff"]!.GetValue<double>(), 0, 1e-4);
        var models = JsonNode.Parse(await http.GetStringAsync("/v1/models", TestContext.Current.CancellationToken))!["data"]!.AsArray();
        Assert.Equal([init, LoraAdapterWire.Name(run.RolloutWeights, 2)], models.Select(m => m!["id"]!.GetValue<string>()));
    }
}
