using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Rlvr.Model;

/// <summary>Decoder-only language model whose parameter names equal Hugging Face checkpoint keys
/// (model.embed_tokens.weight, model.layers.0.self_attn.q_proj.weight, …, lm_head.weight).</summary>
public sealed class CausalLM : nn.Module
{
    public ModelConfig Config { get; }
    [ComponentName(Name = "model")] public readonly DecoderModel Model;
    [ComponentName(Name = "lm_head")] public readonly Linear? LmHead;

    /// <summary>Where the weights were loaded from, when they were: a checkpoint written from this model keeps that
    /// directory's config fields, tensor dtypes and companion files.</summary>
    public Checkpoints.ModelOrigin? Origin { get; set; }

    /// <summary>The LoRA adapters attached to this model, if any: then only they train, and checkpoints hold them.</summary>
    public Lora.LoraAdapters? Adapters { get; internal set; }

    /// <param name="seed">Seeds the weight initialization with its own generator, so that it does not depend on (or
    /// disturb) torch's global random state; null uses the global generator.</param>
    /// <param name="dtype">The dtype the parameters are held in.</param>
    /// <param name="initialize">False skips the initialization, for weights that are about to be loaded.</param>
    public CausalLM(ModelConfig config, ulong? seed = null, ScalarType dtype = ScalarType.Float32, bool initialize = true) : base(nameof(CausalLM))
    {
        config.Validate("model config");
        Config = config;
        var weights = new WeightOptions(dtype, initialize);
        Model = new DecoderModel(config, weights);
        if (!config.TieWordEmbeddings) LmHead = weights.Linear(config.HiddenSize, config.VocabSize, hasBias: false);
        RegisterComponents();
        if (initialize) InitializeWeights(seed);
    }

    /// <summary>Logits [B, T, vocab]. See <see cref="DecoderModel.Forward"/> for the optional arguments.</summary>
    public Tensor Forward(Tensor inputIds, Tensor? positions = null, Tensor? keyValid = null, KvCache? cache = null) =>
        Logits(Model.Forward(inputIds, positions, keyValid, cache));

    public Tensor Logits(Tensor hidden) =>
        LmHead is null ? nn.functional.linear(hidden, Model.EmbedTokens.weight!) : LmHead.forward(hidden);

    /// <summary>Positions per chunk when training log-probs are computed from the hidden states (see
    /// Training.TokenLogProbs); null chooses by the vocabulary size.</summary>
    public int? LogProbChunk { get; set; }

    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>The normal(0, 0.02) initialization of Hugging Face Llama; norms start at one, biases at zero.</summary>
    void InitializeWeights(ulong? seed)
    {
        using var _ = no_grad();
        using var generator = seed is { } s ? new Generator(s) : null;
        foreach (var (name, p) in named_parameters())
        {
            if (name.EndsWith("norm.weight")) p.fill_(1);
            else if (name.EndsWith(".bias")) p.zero_();
            else p.normal_(0, 0.02, generator);
        }
    }

    public Device Device => parameters().First().device;
}
