using System.CommandLine;
using System.Globalization;
using System.Text.Json;
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
        var ids = new Option<string?>("--ids") { Description = "comma-separated token ids, e.g. 1,2,3" };
        var text = new Option<string?>("--text") { Description = "text to tokenize with the model's tokenizer (BOS added)" };
        var input = new Option<string?>("--input") { Description = "JSONL with \"ids\" or \"text\" per line" };
        var output = new Option<string?>("--out") { Description = "with --input: where to write each line with \"logprobs\" and \"last_top5\" added" };
        var json = new Option<bool>("--json") { Description = "print JSON instead of a table" };
        var dtype = Common.DType();
        var device = Common.Device();
        var cmd = new Command("score", "Log-probability of each token given the ones before it") { model, ids, text, input, output, json, dtype, device };
        cmd.SetAction(r => Common.Guard(() =>
        {
            var modelDir = r.GetValue(model)!;
            var given = new[] { r.GetValue(ids) is not null, r.GetValue(text) is not null, r.GetValue(input) is not null }.Count(b => b);
            if (given != 1) throw new ArgumentException("give exactly one of --ids, --text or --input");
            var outPath = r.GetValue(output);
            if ((r.GetValue(input) is null) != (outPath is null)) throw new ArgumentException("--input and --out go together");
            var items = r.GetValue(input) is { } inputPath ? ScoreInputs.FromFile(inputPath)
                : r.GetValue(ids) is { } idList ? [ScoreInputs.FromIds(idList)]
                : [new ScoreInputs.Item(new JsonObject(), null, r.GetValue(text), true)];
            var tokenizer = new Lazy<ITokenizer?>(() => TryLoadTokenizer(modelDir));
            ITokenizer RequireTokenizer() => tokenizer.Value ?? throw new ArgumentException(
                $"--text needs the model's tokenizer, and Rlvr cannot load {Path.Combine(modelDir, TokenizerFiles.FileName)} yet; give --ids instead");
            var sequences = items.Select(item => ScoreInputs.Ids(item, RequireTokenizer)).ToList();
            var dt = Common.ResolveDType(r.GetValue(dtype)!);
            using var m = Checkpoint.LoadModel(modelDir, Common.ResolveDevice(r.GetValue(device)!, 0), dt);
            var scores = sequences.Select(s => SequenceScore.Compute(m, s)).ToList();
            if (outPath is not null)
            {
                AtomicFile.WriteAllLines(outPath, items.Zip(scores, (item, s) => WithScores(item.Line, s).ToJsonString()));
                Console.WriteLine($"scored {scores.Count} sequences into {outPath}");
            }
            else if (r.GetValue(json)) Console.WriteLine(ToJson(scores[0], tokenizer.Value).ToJsonString());
            else PrintTable(scores[0], tokenizer.Value);
            return 0;
        }));
        return cmd;
    }

    static ITokenizer? TryLoadTokenizer(string modelDir)
    {
        try
        {
            return TokenizerFiles.Load(modelDir);
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException)
        {
            return null;
        }
    }

    static JsonObject WithScores(JsonObject line, SequenceScore score)
    {
        var result = (JsonObject)line.DeepClone();
        result["logprobs"] = new JsonArray(score.LogProbs.Select(l => (JsonNode)l).ToArray());
        result["last_top5"] = new JsonArray(score.NextTop.Select(t => (JsonNode)new JsonArray(t.Id, t.LogProb)).ToArray());
        return result;
    }

    static JsonObject ToJson(SequenceScore score, ITokenizer? tokenizer)
    {
        var result = WithScores(new JsonObject { ["ids"] = new JsonArray(score.Ids.Select(i => (JsonNode)i).ToArray()) }, score);
        if (tokenizer is not null) result["tokens"] = new JsonArray(score.Ids.Select(i => (JsonNode)tokenizer.Decode([i])).ToArray());
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
        Console.WriteLine(tokenizer is null ? "position\tid\tlogprob" : "position\tid\ttoken\tlogprob");
        for (int i = 0; i < score.Ids.Count; i++)
        {
            var logProb = i == 0 ? "-" : score.LogProbs[i - 1].ToString("F6", inv);
            var token = tokenizer is null ? "" : JsonSerializer.Serialize(tokenizer.Decode([score.Ids[i]])) + "\t";
            Console.WriteLine($"{i}\t{score.Ids[i]}\t{token}{logProb}");
        }
        Console.WriteLine(string.Create(inv, $"sum {score.Sum:F6}  mean {score.Mean:F6}  perplexity {score.Perplexity:G6}"));
    }
}
