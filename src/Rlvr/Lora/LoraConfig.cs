namespace Rlvr.Lora;

/// <summary>The shape of a set of LoRA adapters: each targeted projection W gains ΔW = (alpha / rank) · B·A with A
/// [rank, in] and B [out, rank]. The names are those of PEFT's LoraConfig.</summary>
public sealed record LoraConfig(int Rank, double Alpha, double Dropout, IReadOnlyList<string> Targets)
{
    /// <summary>The linear projections of a decoder layer, by their Hugging Face module names.</summary>
    public static readonly IReadOnlyList<string> Projections = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    /// <summary>PEFT's shorthand for every linear layer but the output head.</summary>
    public const string AllLinear = "all-linear";

    public double Scaling => Alpha / Rank;

    /// <summary>"all-linear" or a comma-separated list of projection names, into projection names in their layer order;
    /// null with the problem when a name is unknown or the list is empty.</summary>
    public static (IReadOnlyList<string>? targets, string? problem) ParseTargets(IEnumerable<string> names)
    {
        var list = names.Select(n => n.Trim()).Where(n => n.Length > 0).ToList();
        if (list.Count == 1 && list[0] == AllLinear) return (Projections, null);
        if (list.Count == 0) return (null, "names no module");
        if (list.FirstOrDefault(n => !Projections.Contains(n)) is { } unknown)
            return (null, $"names '{unknown}', which is not one of {string.Join(", ", Projections)} (or {AllLinear})");
        return (Projections.Where(list.Contains).ToList(), null);
    }
}
