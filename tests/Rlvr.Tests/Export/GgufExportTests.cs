using System.Text;
using System.Text.Json;
using Rlvr.Export;
using Rlvr.Tests.Support;

namespace Rlvr.Tests.Export;

/// <summary>Exports the tiny Hugging Face checkpoints and runs them in llama.cpp, against reference log-probs from
/// an independent implementation of the Hugging Face models.</summary>
public class GgufExportTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models => new() { "tiny-qwen2", "tiny-llama3", "tiny-qwen3" };

    private static string Export(TempDir dir, string model, GgmlType type)
    {
        var path = dir.File($"{model}.gguf");
        GgufExporter.Export(HfReference.ModelDir(model), path, type);
        return path;
    }

    /// <summary>Largest |llama.cpp - reference| over every scored position and the last top five.</summary>
    private static double MaxLogProbError(LlamaCppModel llama, IReadOnlyList<HfReference> references, bool requireSameTop5)
    {
        double worst = 0;
        foreach (var reference in references)
        {
            var rows = llama.LogProbs(reference.Ids);
            for (var t = 0; t < reference.LogProbs.Length; t++)
                worst = Math.Max(worst, Math.Abs(rows[t][reference.Ids[t + 1]] - reference.LogProbs[t]));
            var last = rows[^1];
            foreach (var (id, logProb) in reference.LastTop5)
                worst = Math.Max(worst, Math.Abs(last[id] - logProb));
            if (!requireSameTop5) continue;
            var top5 = Enumerable.Range(0, last.Length).OrderByDescending(id => last[id]).Take(5);
            Assert.Equal(reference.LastTop5.Select(p => p.Id), top5);
        }
        return worst;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void F32ExportGivesTheReferenceLogProbsInLlamaCpp(string model)
    {
        var references = HfReference.Load(model);
        using var dir = new TempDir();
        using var llama = new LlamaCppModel(Export(dir, model, GgmlType.F32));
        var worst = MaxLogProbError(llama, references, requireSameTop5: true);
        output.WriteLine($"{model} f32: max |logprob error| {worst:E2} over {references.Count} texts");
        Assert.True(worst <= 1e-4, $"{model}: max log-prob error {worst:E3} > 1e-4");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void HalfPrecisionExportsStayCloseToTheReference(string model)
    {
        var references = HfReference.Load(model);
        using var dir = new TempDir();
        // Loose bounds: half-precision weights and activations move log-probs of about -15 by a few hundredths
        // (BF16 keeps 8 mantissa bits, F16 11).
        foreach (var (type, bound) in new[] { (GgmlType.BF16, 0.1), (GgmlType.F16, 0.02) })
        {
            using var llama = new LlamaCppModel(Export(dir, model, type));
            var worst = MaxLogProbError(llama, references, requireSameTop5: false);
            output.WriteLine($"{model} {type}: max |logprob error| {worst:E2}");
            Assert.True(worst <= bound, $"{model} {type}: max log-prob error {worst:E3} > {bound}");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void EmbeddedTokenizerMatchesTheTokenizerFiles(string model)
    {
        using var dir = new TempDir();
        using var llama = new LlamaCppModel(Export(dir, model, GgmlType.F32));
        var config = HfReference.Json(model, "config.json");
        var tokenizer = HfReference.Json(model, "tokenizer.json");
        var tokenizerConfig = HfReference.Json(model, "tokenizer_config.json");
        int IdOf(string text) => tokenizer.GetProperty("added_tokens").EnumerateArray()
            .Single(t => t.GetProperty("content").GetString() == text).GetProperty("id").GetInt32();

        var vocab = llama.Weights.Vocab;
        Assert.Equal(config.GetProperty("vocab_size").GetInt32(), vocab.Count);
        // tokenizer_config.json names BOS when the tokenizer has one; Qwen leaves it null and config.json gives it.
        var bos = tokenizerConfig.GetProperty("bos_token") is { ValueKind: JsonValueKind.String } bosText
            ? IdOf(bosText.GetString()!)
            : config.GetProperty("bos_token_id").GetInt32();
        Assert.Equal(bos, (int)vocab.BOS!.Value);
        Assert.Equal(IdOf(tokenizerConfig.GetProperty("eos_token").GetString()!), (int)vocab.EOS!.Value);
        Assert.Equal(tokenizerConfig.GetProperty("chat_template").GetString(), llama.Weights.Metadata["tokenizer.chat_template"]);
        // An explicit head_dim must reach llama.cpp, which otherwise assumes hidden_size / heads.
        var arch = config.GetProperty("model_type").GetString();
        Assert.Equal(config.TryGetProperty("head_dim", out var headDim) ? headDim.GetInt32().ToString() : null,
            llama.Weights.Metadata.GetValueOrDefault($"{arch}.attention.key_length"));
    }

    public static TheoryData<string, string> Encodings => new()
    {
        { "tiny-qwen2", "qwen2_5" }, { "tiny-llama3", "llama3_1" }, { "tiny-qwen3", "qwen3" },
    };

    /// <summary>Tokens, merges, pre-tokenizer name, special tokens and add-BOS together decide how llama.cpp
    /// tokenizes; Hugging Face's tokenizers library gave the expected ids.</summary>
    [Theory]
    [MemberData(nameof(Encodings))]
    public void LlamaCppTokenizesLikeHuggingFace(string model, string encodings)
    {
        var cases = File.ReadLines(SharedData.Require($"data/hf/encodings/{encodings}.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
        using var dir = new TempDir();
        using var llama = new LlamaCppModel(Export(dir, model, GgmlType.F32));
        var normalizesNfc = HfReference.Json(model, "tokenizer.json").GetProperty("normalizer") is { ValueKind: JsonValueKind.Object } normalizer
                            && normalizer.GetProperty("type").GetString() == "NFC";
        // llama.cpp re-types a few ordinary vocabulary entries that look like control tokens ("</s>" in Qwen's
        // vocabulary) and then splits them out of text, whatever the file says; texts containing them are skipped.
        var retyped = HfReference.Json(model, "tokenizer.json").GetProperty("model").GetProperty("vocab").EnumerateObject()
            .Where(entry => ((LLama.Native.LLamaToken)entry.Value.GetInt32()).IsControl(llama.Weights.Vocab))
            .Select(entry => entry.Name).ToList();
        output.WriteLine($"{model}: vocabulary entries llama.cpp treats as control: {string.Join(" ", retyped)}");
        var mismatches = new List<string>();
        var skipped = 0;
        foreach (var row in cases)
        {
            // Qwen's tokenizer NFC-normalizes first and llama.cpp does not; there "decoded" holds the normalized
            // text where normalization changed it, and tokenizing that must give the same ids.
            var text = (normalizesNfc && row.TryGetProperty("decoded", out var decoded) ? decoded : row.GetProperty("text")).GetString()!;
            if (retyped.Any(token => text.Contains(token, StringComparison.Ordinal)))
            {
                skipped++;
                continue;
            }
            var expected = row.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32()).ToArray();
            var actual = llama.Weights.Tokenize(text, row.GetProperty("add_special_tokens").GetBoolean(), special: true, Encoding.UTF8)
                .Select(t => (int)t).ToArray();
            if (!expected.SequenceEqual(actual)) mismatches.Add($"{JsonSerializer.Serialize(text)}: [{string.Join(",", expected)}] vs [{string.Join(",", actual)}]");
        }
        output.WriteLine($"{model}: {cases.Count - skipped - mismatches.Count}/{cases.Count - skipped} encodings identical ({skipped} skipped)");
        Assert.True(skipped <= 2, $"{skipped} texts skipped");
        foreach (var text in mismatches.Take(20)) output.WriteLine($"  differs: {text}");
        Assert.Empty(mismatches);
    }
}
