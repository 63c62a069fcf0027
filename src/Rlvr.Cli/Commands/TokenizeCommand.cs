using System.CommandLine;
using System.Text.Json.Nodes;
using Rlvr.IO;

namespace Rlvr.Cli.Commands;

/// <summary>rlvr tokenize: the token ids (and tokens) a model's tokenizer gives a text, or a conversation rendered
/// with its chat template, as transformers' tokenizer and apply_chat_template give them.</summary>
public static class TokenizeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "model directory with tokenizer.json and tokenizer_config.json", Required = true };
        var inputs = new InputOptions(acceptIds: false);
        var json = new Option<bool>("--json") { Description = "print JSON instead of a table" };
        var cmd = new Command("tokenize", "Token ids of a text or a chat conversation under a model's tokenizer") { model, json };
        foreach (var option in inputs.All) cmd.Options.Add(option);
        cmd.SetAction(r => Common.Guard(() =>
        {
            var items = inputs.Read(r);
            var modelDir = r.GetValue(model)!;
            var encoder = new InputEncoder(modelDir, inputs.ChatTemplatePath(r));
            var encoded = items.Select(encoder.Encode).ToList();
            if (inputs.OutputPath(r) is { } outPath)
            {
                AtomicFile.WriteAllLines(outPath, items.Zip(encoded, (item, e) => WithIds(item.Line, e).ToJsonString()));
                Console.WriteLine($"tokenized {encoded.Count} inputs into {outPath}");
                return 0;
            }
            var tokens = InputEncoder.TokenTexts(encoder.TokenizerIfAny()!, encoded[0].Ids);
            if (r.GetValue(json))
            {
                var result = WithIds(new JsonObject(), encoded[0]);
                result["tokens"] = new JsonArray(tokens.Select(t => (JsonNode)t).ToArray());
                Console.WriteLine(result.ToJsonString());
            }
            else PrintTable(encoded[0], tokens);
            return 0;
        }));
        return cmd;
    }

    static JsonObject WithIds(JsonObject line, InputEncoder.Encoded encoded)
    {
        var result = (JsonObject)line.DeepClone();
        if (encoded.RenderedText is { } text) result["text"] = text;
        result["ids"] = new JsonArray(encoded.Ids.Select(i => (JsonNode)i).ToArray());
        return result;
    }

    static void PrintTable(InputEncoder.Encoded encoded, string[] tokens)
    {
        if (encoded.RenderedText is { } text) Console.WriteLine($"text: {InputEncoder.Quote(text)}");
        Console.WriteLine("position\tid\ttoken");
        for (int i = 0; i < tokens.Length; i++) Console.WriteLine($"{i}\t{encoded.Ids[i]}\t{InputEncoder.Quote(tokens[i])}");
        Console.WriteLine($"{tokens.Length} tokens");
    }
}
