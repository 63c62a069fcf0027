using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Rlvr.Checkpoints;
using Rlvr.Evaluation;
using Rlvr.IO;
using Rlvr.Tokenization;

namespace Rlvr.Cli.Commands;

/// <summary>rlvr score: log p(token | prefix) at every position of a sequence, with the sum and mean, under a model.</summary>
public static class ScoreCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "model directory (a Hugging Face llama/qwen2/qwen3 model or an Rlvr checkpoint)", Required = true };
        var inputs = new InputOptions(acceptIds: true);
        var json = new Option<bool>("--json") { Description = "print JSON instead of a table" };
        var dtype = Common.DType();
        var device = Common.Device();
        var cmd = new Command("score", "Log-probability of each token given the ones before it") { model, json, dtype, device };
        foreach (var option in inputs.All) cmd.Options.Add(option);
        cmd.SetAction(r => Common.Guard(() =>
        {
            var items = inputs.Read(r);
            var modelDir = r.GetValue(model)!;
            var encoder = new InputEncoder(modelDir, inputs.ChatTemplatePath(r));
            var encoded = items.Select(encoder.Encode).ToList();
            var dt = Common.ResolveDType(r.GetValue(dtype)!);
            using var m = Checkpoint.LoadModel(modelDir, Common.ResolveDevice(r.GetValue(device)!, 0), dt);
            var scores = items.Zip(encoded, (item, e) => Score(m, item, e.Ids)).ToList();
            if (inputs.OutputPath(r) is { } outPath)
            {
                AtomicFile.WriteAllLines(outPath, items.Zip(encoded, scores).Select(t => WithScores(t.First, t.Second, t.Third).ToJsonString()));
                Console.WriteLine($"scored {scores.Count} sequences into {outPath}");
                return 0;
            }
            var tokenizer = encoder.TokenizerIfAny();
            if (r.GetValue(json)) Console.WriteLine(ToJson(scores[0], encoded[0].RenderedText, tokenizer).ToJsonString());
            else PrintTable(scores[0], tokenizer);
            return 0;
        }));
        return cmd;
    }

    static SequenceScore Score(Rlvr.Model.CausalLM model, ModelInputs.Item item, int[] ids)
    {
        try
        {
            return SequenceScore.Compute(model, ids);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{item.At(item.InputField)}: {e.Message}");
        }
    }

    // Ids the input did not give are added, so each log-prob can be matched with its token.
    static JsonObject WithScores(ModelInputs.Item item, InputEncoder.Encoded encoded, SequenceScore score)
    {
        var result = (JsonObject)item.Line.DeepClone();
        if (encoded.RenderedText is { } text) result["text"] = text;
        if (item.Ids is null) result["ids"] = new JsonArray(score.Ids.Select(i => (JsonNode)i).ToArray());
        return WithLogProbs(result, score);
    }

    static JsonObject WithLogProbs(JsonObject result, SequenceScore score)
    {
        result["logprobs"] = new JsonArray(score.LogProbs.Select(l => (JsonNode)l).ToArray());
        result["last_top5"] = new JsonArray(score.NextTop.Select(t => (JsonNode)new JsonArray(t.Id, t.LogProb)).ToArray());
        return result;
    }

    static JsonObject ToJson(SequenceScore score, string? renderedText, ITokenizer? tokenizer)
    {
        var result = new JsonObject();
        if (renderedText is not null) result["text"] = renderedText;
        result["ids"] = new JsonArray(score.Ids.Select(i => (JsonNode)i).ToArray());
        if (tokenizer is not null) result["tokens"] = new JsonArray(InputEncoder.TokenTexts(tokenizer, score.Ids).Select(t => (JsonNode)t).ToArray());
        WithLogProbs(result, score);
        result["sum"] = score.Sum;
        if (score.LogProbs.Count > 0)
        {
            result["mean"] = score.Mean;
            result["perplexity"] = score.Perplexity;
        }
        return result;
    }

    static void PrintTable(SequenceScore score, ITokenizer? tokenizer)
    {
        var inv = CultureInfo.InvariantCulture;
        var tokens = tokenizer is null ? null : InputEncoder.TokenTexts(tokenizer, score.Ids);
        Console.WriteLine(tokens is null ? "position\tid\tlogprob" : "position\tid\ttoken\tlogprob");
        for (int i = 0; i < score.Ids.Count; i++)
        {
            var logProb = i == 0 ? "-" : score.LogProbs[i - 1].ToString("F6", inv);
            var token = tokens is null ? "" : InputEncoder.Quote(tokens[i]) + "\t";
            Console.WriteLine($"{i}\t{score.Ids[i]}\t{token}{logProb}");
        }
        Console.WriteLine(string.Create(inv, $"sum {score.Sum:F6}  mean {score.Mean:F6}  perplexity {score.Perplexity:G6}"));
    }
}
