using Rlvr.Spec;
using static TorchSharp.torch;

namespace Rlvr.Lora;

/// <summary>The adapter settings `rlvr sft` and `rlvr train` share: --lora-rank turns LoRA on (the other --lora-*
/// settings shape it), --dtype bfloat16 holds the frozen base in bfloat16, and --base names the base model of an
/// --init adapter directory. Recorded in config.json and checked on --resume like every setting.</summary>
public static class LoraSettings
{
    public static readonly Setting<string> Base = Settings.Text("base",
        "base model directory of an --init LoRA adapter directory; unset: the adapter's base_model_name_or_path when that is a local directory");
    public static readonly Setting<int> Rank = Settings.Int("lora-rank", "train LoRA adapters of this rank on a frozen base instead of all weights; unset: full fine-tuning", min: 1);
    public static readonly Setting<double> Alpha = Settings.Number("lora-alpha", "LoRA alpha: the update is scaled by alpha / rank", 16, min: 0, minExclusive: true);
    public static readonly Setting<double> Dropout = Settings.Number("lora-dropout", "dropout on the adapters' input while training", 0, min: 0, max: 1, maxExclusive: true);
    public static readonly Setting<string> Targets = new("lora-targets",
        $"projections that get adapters: comma-separated {string.Join(",", LoraConfig.Projections)}, or {LoraConfig.AllLinear}",
        $"{LoraConfig.AllLinear} or a comma-separated list of {string.Join(", ", LoraConfig.Projections)}", s => s.ToLowerInvariant(),
        s => LoraConfig.ParseTargets(s.Split(',')).problem is { } problem ? $"{problem}" : null, true, LoraConfig.AllLinear);
    public static readonly Setting<string> DType = Settings.Choice("dtype",
        "dtype of the base weights; bfloat16 halves their memory and needs --lora-rank (adapters and their optimizer state stay float32)",
        "float32", ["float32", "bfloat16"]);

    public static readonly IReadOnlyList<Setting> All = [Base, Rank, Alpha, Dropout, Targets, DType];

    /// <summary>The adapters the settings ask for (null: full fine-tuning). Adapter settings without --lora-rank and
    /// a bfloat16 base without adapters are errors.</summary>
    public static LoraConfig? Config(SpecValues v)
    {
        if (v.Nullable(Rank) is not { } rank)
        {
            // A run's own config.json lists every setting with its default, so only a value other than the default
            // shows that adapters were meant.
            foreach (var s in new Setting[] { Alpha, Dropout, Targets })
                if (v.Has(s) && !Equals(v.Effective(s), s.BoxedDefault)) throw new ArgumentException($"--{s.Key} needs --lora-rank (it shapes LoRA adapters)");
            if (v.Get(DType) != "float32") throw new ArgumentException("--dtype bfloat16 needs --lora-rank: full fine-tuning keeps float32 weights");
            return null;
        }
        return new LoraConfig(rank, v.Get(Alpha), v.Get(Dropout), LoraConfig.ParseTargets(v.Get(Targets).Split(',')).targets!);
    }

    public static ScalarType BaseDType(SpecValues v) => v.Get(DType) == "bfloat16" ? ScalarType.BFloat16 : ScalarType.Float32;
}
