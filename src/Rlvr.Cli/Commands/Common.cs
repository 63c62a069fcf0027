using System.CommandLine;
using Rlvr.Checkpoints;
using Rlvr.Lora;
using Rlvr.Model;
using Rlvr.Spec;
using Rlvr.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Rlvr.Cli.Commands;

/// <summary>Options and helpers shared by the commands.</summary>
public static class Common
{
    public static Option<string> Device() => new("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
    public static Option<int> Seed(int value = 1) => new("--seed") { Description = "random seed", DefaultValueFactory = _ => value };
    public static Option<int> Threads(int defaultThreads = 0) =>
        new("--threads") { Description = "CPU threads for torch (0: torch's default)", DefaultValueFactory = _ => defaultThreads };

    public static Option<string> DType() =>
        new("--dtype") { Description = "dtype the weights are held in: float32 or bfloat16 (halves memory)", DefaultValueFactory = _ => "float32" };

    public static Option<string?> PromptFormat() => new("--prompt-format")
    {
        Description = "plain (the prompt text, with BOS where the tokenizer adds one) or chat (rendered by the tokenizer's chat template); " +
            "default: chat when the tokenizer has a chat template, else plain",
    };

    public static Option<string?> SystemPrompt() =>
        new("--system-prompt") { Description = "system message for every prompt (chat: a system turn; plain: a paragraph before the prompt)" };

    public static ScalarType ResolveDType(string name) => name switch
    {
        "float32" => ScalarType.Float32,
        "bfloat16" => ScalarType.BFloat16,
        _ => throw new ArgumentException($"--dtype: must be float32 or bfloat16, got '{name}'"),
    };

    public static Device ResolveDevice(string name, int threads)
    {
        if (threads > 0) torch.set_num_threads(threads);
        var device = torch.device(name);
        if (device.type == DeviceType.CUDA && !torch.cuda.is_available())
            throw new ArgumentException("--device cuda was requested but CUDA is not available (install the TorchSharp-cuda-linux package; see README)");
        return device;
    }

    /// <summary>A preset name trains from scratch with the byte tokenizer; anything else is a checkpoint directory or
    /// a Hugging Face model directory.</summary>
    public static (CausalLM model, ITokenizer tokenizer) LoadOrCreate(string presetOrDir, Device device, int seed,
        ScalarType dtype = ScalarType.Float32)
    {
        if (ModelConfig.PresetNames.Contains(presetOrDir))
        {
            var tokenizer = new ByteTokenizer();
            torch.manual_seed(seed);
            var model = new CausalLM(ModelConfig.Preset(presetOrDir, tokenizer.VocabSize) with
            {
                BosTokenId = tokenizer.BosId, EosTokenIds = tokenizer.EosId,
            });
            model.to(device);
            return (model, tokenizer);
        }
        var loaded = Checkpoint.Load(presetOrDir, device, dtype);
        return (loaded.Model, loaded.Tokenizer);
    }

    /// <summary>The model a training run starts from: a preset, or a model or LoRA adapter directory with the adapters
    /// and base dtype the settings ask for (see <see cref="LoraInit.Load"/>).</summary>
    public static (CausalLM model, ITokenizer tokenizer) LoadForTraining(SpecValues values, string init, Device device, int seed)
    {
        var lora = LoraSettings.Config(values);
        var baseDir = values.TextOrNull(LoraSettings.Base);
        if (ModelConfig.PresetNames.Contains(init))
        {
            if (lora is not null || baseDir is not null)
                throw new ArgumentException($"--init {init} is a preset trained from scratch; LoRA adapters and --base need a model directory");
            return LoadOrCreate(init, device, seed);
        }
        var loaded = LoraInit.Load(init, baseDir, lora, device, LoraSettings.BaseDType(values), (ulong)seed);
        return (loaded.Model, loaded.Tokenizer);
    }

    /// <summary>Runs a command body and turns expected failures (bad input, and file-system errors such as a read-only
    /// or full disk, whose messages name the path) into a one-line error and exit code 2.</summary>
    public static int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException
                                      or InvalidOperationException or FormatException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }
}
