using System.CommandLine;
using Rlvr.Rollout;
using Rlvr.Tokenization;
using Spectre.Console;

namespace Rlvr.Cli.Commands;

public static class GenerateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "checkpoint or Hugging Face model directory", Required = true };
        var prompt = new Option<string>("--prompt") { Description = "prompt text (\\n is read as a newline)", Required = true };
        var samples = new Option<int>("--samples") { DefaultValueFactory = _ => 1 };
        var temperature = new Option<double>("--temperature") { DefaultValueFactory = _ => 1.0 };
        var topP = new Option<double>("--top-p") { DefaultValueFactory = _ => 1.0 };
        var topK = new Option<int>("--top-k") { DefaultValueFactory = _ => 0 };
        var maxNew = new Option<int>("--max-new-tokens") { DefaultValueFactory = _ => 128 };
        var seed = Common.Seed();
        var device = Common.Device();
        var dtype = Common.DType();
        var (promptFormat, systemPrompt) = (Common.PromptFormat(), Common.SystemPrompt());
        var cmd = new Command("generate", "Sample continuations of a prompt")
        {
            model, prompt, samples, temperature, topP, topK, maxNew, seed, device, dtype, promptFormat, systemPrompt,
        };
        cmd.SetAction(r => Common.Guard(() =>
        {
            var n = r.AtLeast(samples, 1);
            var options = new SamplingOptions(r.InRange(temperature, 0), r.InRange(topP, 0, 1, minExclusive: true), r.AtLeast(topK, 0), r.AtLeast(maxNew, 1));
            var (m, tok) = Common.LoadOrCreate(r.GetValue(model)!, Common.ResolveDevice(r.GetValue(device)!, 0), r.GetValue(seed),
                Common.ResolveDType(r.GetValue(dtype)!));
            using var _ = m;
            var text = r.GetValue(prompt)!.Replace("\\n", "\n");
            var format = new PromptChoice(r.GetValue(promptFormat), r.GetValue(systemPrompt)).For(tok);
            var encoded = format.EncodePrompt(text);
            var gen = Sampler.Generate(m, Enumerable.Repeat(encoded, n).ToList(), options, format.StopIds, tok.PadId, (ulong)r.GetValue(seed));
            for (int i = 0; i < n; i++)
            {
                AnsiConsole.Write(new Rule($"sample {i + 1} ({gen.Tokens[i].Length} tokens, log-prob {gen.LogProbs[i].Sum():F2})").LeftJustified());
                Console.WriteLine(format.DecodeResponse(gen.Tokens[i]));
            }
            return 0;
        }));
        return cmd;
    }
}
