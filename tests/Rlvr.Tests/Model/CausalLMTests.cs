using Rlvr.Model;
using static TorchSharp.torch;

namespace Rlvr.Tests.Model;

public class CausalLMTests
{
    [Fact]
    public void ParameterNamesAreHuggingFaceCheckpointKeys()
    {
        using var model = new CausalLM(TestModels.Config(tied: false, bias: true));
        var names = model.state_dict().Keys.ToHashSet();
        string[] expected =
        [
            "model.embed_tokens.weight", "model.norm.weight", "lm_head.weight",
            "model.layers.0.self_attn.q_proj.weight", "model.layers.0.self_attn.q_proj.bias",
            "model.layers.0.self_attn.k_proj.weight", "model.layers.0.self_attn.k_proj.bias",
            "model.layers.0.self_attn.v_proj.weight", "model.layers.0.self_attn.v_proj.bias",
            "model.layers.0.self_attn.o_proj.weight", "model.layers.1.mlp.gate_proj.weight",
            "model.layers.1.mlp.up_proj.weight", "model.layers.1.mlp.down_proj.weight",
            "model.layers.1.input_layernorm.weight", "model.layers.1.post_attention_layernorm.weight",
        ];
        foreach (var key in expected) Assert.Contains(key, names);
        Assert.DoesNotContain(names, n => n.Contains("o_proj.bias"));
        Assert.Equal(3 + 2 * 12, names.Count); // embed, norm, lm_head + per layer: 4 attention weights, 3 biases, 3 mlp, 2 norms
    }

    [Fact]
    public void TiedModelHasNoSeparateHeadAndUsesTheEmbedding()
    {
        using var model = TestModels.Create(tied: true);
        Assert.DoesNotContain("lm_head.weight", model.state_dict().Keys);
        using var ids = tensor(new long[] { 1, 2, 3 }).unsqueeze(0);
        using var hidden = model.Model.Forward(ids, null, null, null);
        using var expected = hidden.matmul(model.Model.EmbedTokens.weight!.t());
        using var logits = model.Forward(ids);
        Assert.True(logits.allclose(expected, rtol: 1e-5, atol: 1e-5));
    }

    [Theory]
    [InlineData("tiny", 0.8e6, 1.2e6)]
    [InlineData("small", 4e6, 6e6)]
    public void PresetSizes(string preset, double min, double max)
    {
        using var model = new CausalLM(ModelConfig.Preset(preset, 259));
        Assert.InRange(model.ParameterCount, (long)min, (long)max);
    }

    [Theory]
    [InlineData(true, false, 2)]
    [InlineData(false, true, 4)]
    [InlineData(true, true, 1)]
    public void CachedIncrementalDecodingEqualsFullForward(bool tied, bool bias, int kvHeads)
    {
        using var model = TestModels.Create(seed: 3, tied, bias, kvHeads);
        using var _ = no_grad();
        var seq = new long[] { 1, 5, 9, 2, 33, 7, 7, 12, 30, 4, 18 };
        using var full = model.Forward(tensor(seq).unsqueeze(0));
        using var cache = new KvCache(model.Config, 1, seq.Length, CPU, float32);
        var prefix = 4;
        var pieces = new List<Tensor> { model.Forward(tensor(seq[..prefix]).unsqueeze(0), cache: cache) };
        for (int t = prefix; t < seq.Length; t++)
            pieces.Add(model.Forward(tensor(new[] { seq[t] }).unsqueeze(0), cache: cache));
        using var incremental = cat(pieces, 1);
        Assert.True(incremental.sub(full).abs().max().item<float>() <= 1e-4f);
    }

    [Fact]
    public void LeftPaddedBatchWithMaskEqualsEachSequenceAlone()
    {
        using var model = TestModels.Create(seed: 4);
        using var _ = no_grad();
        long[][] seqs = [[1, 2, 3, 4, 5, 6], [1, 9, 8], [1, 20, 21, 22, 23]];
        int len = seqs.Max(s => s.Length);
        var ids = new long[seqs.Length * len];
        var valid = new bool[seqs.Length * len];
        var pos = new long[seqs.Length * len];
        for (int i = 0; i < seqs.Length; i++)
        {
            int off = len - seqs[i].Length;
            for (int j = 0; j < seqs[i].Length; j++)
            {
                ids[i * len + off + j] = seqs[i][j];
                valid[i * len + off + j] = true;
                pos[i * len + off + j] = j;
            }
        }
        using var logits = model.Forward(tensor(ids, [seqs.Length, len]), tensor(pos, [seqs.Length, len]), tensor(valid, [seqs.Length, len]));
        Assert.False(logits.isnan().any().item<bool>());
        for (int i = 0; i < seqs.Length; i++)
        {
            using var alone = model.Forward(tensor(seqs[i]).unsqueeze(0));
            using var row = logits[i].narrow(0, len - seqs[i].Length, seqs[i].Length);
            Assert.True(row.sub(alone[0]).abs().max().item<float>() <= 1e-4f);
        }
    }
}
