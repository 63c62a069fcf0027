using Rlvr.Model;
namespace Rlvr.Export;

/// <summary>Where a GGUF tensor comes from: the Hugging Face tensor, its expected shape, and, for llama's q/k
/// projections, the head count whose rows are re-ordered (see <see cref="LlamaRopePermutation"/>).</summary>
public sealed record TensorSource(string GgufName, string HfName, long[] Shape, int? PermuteHeads = null);

/// <summary>Names the tensors of a llama/qwen2/qwen3 checkpoint as llama.cpp expects them and checks that the
/// checkpoint has exactly those, with the shapes config.json implies.</summary>
public static class GgufTensorMap
{
    public static IReadOnlyList<TensorSource> Plan(ModelConfig config, IEnumerable<string> checkpointNames, string modelDir)
    {
        var (required, optional) = Expected(config);
        var present = checkpointNames.ToHashSet(StringComparer.Ordinal);
        var missing = required.Where(s => !present.Contains(s.HfName)).Select(s => s.HfName).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException(
                $"'{modelDir}': the checkpoint lacks {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? $" and {missing.Count - 5} more" : "")} (model_type {config.ModelType})");
        var known = required.Concat(optional).Select(s => s.HfName).ToHashSet(StringComparer.Ordinal);
        var unexpected = present.Where(n => !known.Contains(n) && !Ignorable(n, config)).Order(StringComparer.Ordinal).ToList();
        if (unexpected.Count > 0)
            throw new InvalidDataException(
                $"'{modelDir}': tensor '{unexpected[0]}' has no GGUF counterpart for model_type {config.ModelType}" +
                (unexpected.Count > 1 ? $" ({unexpected.Count - 1} more)" : ""));
        return required.Concat(optional.Where(s => present.Contains(s.HfName))).ToList();
    }

    // Recomputed rotary tables, and an lm_head that merely repeats the tied embedding, carry no information.
    private static bool Ignorable(string name, ModelConfig config) =>
        name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal)
        || (config.TieWordEmbeddings && name == "lm_head.weight");

    private static (List<TensorSource> Required, List<TensorSource> Optional) Expected(ModelConfig c)
    {
        long hidden = c.HiddenSize, ffn = c.IntermediateSize, vocab = c.VocabSize;
        long q = (long)c.NumAttentionHeads * c.HeadDim, kv = (long)c.NumKeyValueHeads * c.HeadDim;
        // llama.cpp's "llama" graph rotates interleaved pairs, Hugging Face's Llama rotates halves; qwen2/qwen3
        // graphs rotate halves like Hugging Face, so only llama's rows are re-ordered.
        var permute = c.ModelType == "llama";
        int? qHeads = permute ? c.NumAttentionHeads : null, kHeads = permute ? c.NumKeyValueHeads : null;

        var required = new List<TensorSource> { new("token_embd.weight", "model.embed_tokens.weight", [vocab, hidden]) };
        var optional = new List<TensorSource>();
        for (var layer = 0; layer < c.NumHiddenLayers; layer++)
        {
            string hf = $"model.layers.{layer}.", gguf = $"blk.{layer}.";
            required.AddRange(
            [
                new(gguf + "attn_norm.weight", hf + "input_layernorm.weight", [hidden]),
                new(gguf + "attn_q.weight", hf + "self_attn.q_proj.weight", [q, hidden], qHeads),
                new(gguf + "attn_k.weight", hf + "self_attn.k_proj.weight", [kv, hidden], kHeads),
                new(gguf + "attn_v.weight", hf + "self_attn.v_proj.weight", [kv, hidden]),
                new(gguf + "attn_output.weight", hf + "self_attn.o_proj.weight", [hidden, q]),
                new(gguf + "ffn_norm.weight", hf + "post_attention_layernorm.weight", [hidden]),
                new(gguf + "ffn_gate.weight", hf + "mlp.gate_proj.weight", [ffn, hidden]),
                new(gguf + "ffn_up.weight", hf + "mlp.up_proj.weight", [ffn, hidden]),
                new(gguf + "ffn_down.weight", hf + "mlp.down_proj.weight", [hidden, ffn]),
            ]);
            var biases = new List<TensorSource>
            {
                new(gguf + "attn_q.bias", hf + "self_attn.q_proj.bias", [q], qHeads),
                new(gguf + "attn_k.bias", hf + "self_attn.k_proj.bias", [kv], kHeads),
                new(gguf + "attn_v.bias", hf + "self_attn.v_proj.bias", [kv]),
            };
            switch (c.ModelType)
            {
                case "qwen2":
                    required.AddRange(biases);
                    break;
                case "qwen3":
                    required.Add(new(gguf + "attn_q_norm.weight", hf + "self_attn.q_norm.weight", [c.HeadDim]));
                    required.Add(new(gguf + "attn_k_norm.weight", hf + "self_attn.k_norm.weight", [c.HeadDim]));
                    break;
                default:
                    // Llama's attention_bias: llama.cpp's llama graph adds these when the file has them.
                    optional.AddRange(biases);
                    optional.Add(new(gguf + "attn_output.bias", hf + "self_attn.o_proj.bias", [hidden]));
                    break;
            }
        }
        required.Add(new("output_norm.weight", "model.norm.weight", [hidden]));
        if (!c.TieWordEmbeddings) required.Add(new("output.weight", "lm_head.weight", [vocab, hidden]));
        return (required, optional);
    }
}
