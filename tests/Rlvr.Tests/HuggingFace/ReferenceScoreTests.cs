using Rlvr.Checkpoints;
using Rlvr.Evaluation;
using Rlvr.Model.Families;
using static TorchSharp.torch;

namespace Rlvr.Tests.HuggingFace;

/// <summary>Our forward pass against an independent implementation of each family (reference.jsonl).</summary>
public class ReferenceScoreTests
{
    [Theory]
    [MemberData(nameof(TinyModels.Names), MemberType = typeof(TinyModels))]
    public void Float32ForwardMatchesTheReference(string name)
    {
        using var model = Checkpoint.LoadModel(TinyModels.Dir(name));
        foreach (var reference in TinyModels.References(name))
        {
            var score = SequenceScore.Compute(model, reference.Ids);
            TinyModels.AssertMatches(reference, score.LogProbs, score.NextTop);
        }
    }

    [Fact]
    public void EachFamilyReadsItsOwnFields()
    {
        var qwen2 = Checkpoint.LoadModel(TinyModels.Dir("tiny-qwen2"));
        Assert.Contains("model.layers.0.self_attn.q_proj.bias", qwen2.state_dict().Keys);
        Assert.DoesNotContain("model.layers.0.self_attn.o_proj.bias", qwen2.state_dict().Keys);
        Assert.Equal([151645], qwen2.Config.EosTokenIds!.Ids);

        var llama = Checkpoint.LoadModel(TinyModels.Dir("tiny-llama3"));
        Assert.Equal(8, llama.Config.HeadDim);
        Assert.Equal(32.0, llama.Config.RopeScaling!.Factor);
        Assert.NotNull(llama.LmHead);
        Assert.Equal([128001, 128008, 128009], llama.Config.EosTokenIds!.Ids);

        var qwen3 = Checkpoint.LoadModel(TinyModels.Dir("tiny-qwen3"));
        Assert.Equal(16, qwen3.Config.HeadDim);
        Assert.Equal([16L], qwen3.state_dict()["model.layers.1.self_attn.k_norm.weight"].shape);
        Assert.Null(qwen3.LmHead);

        var generation = GenerationConfig.Load(TinyModels.Dir("tiny-qwen3"));
        Assert.Equal([151645, 151643], GenerationConfig.EosIds(qwen3.Config, generation));
        Assert.Equal([151645], GenerationConfig.EosIds(qwen3.Config, null));
    }

    [Fact]
    public void Bfloat16HoldsTheSameWeightsAsABf16File()
    {
        var dir = TinyModels.Dir("tiny-qwen2");
        using var f32 = Checkpoint.LoadModel(dir);
        using var bf16 = Checkpoint.LoadModel(dir, dtype: ScalarType.BFloat16);
        var held = bf16.state_dict();
        foreach (var (key, p) in f32.state_dict())
        {
            Assert.Equal(ScalarType.BFloat16, held[key].dtype);
            Assert.True(p.allclose(held[key].to(ScalarType.Float32), rtol: 0, atol: 0), key);
        }
        var reference = TinyModels.References("tiny-qwen2")[0];
        var score = SequenceScore.Compute(bf16, reference.Ids);
        // bfloat16 arithmetic is coarse; it still ranks the same most likely next token.
        Assert.Equal(reference.LastTop5[0].Id, score.NextTop[0].Id);
    }
}
