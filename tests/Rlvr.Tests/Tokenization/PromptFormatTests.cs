using System.Text.Json.Nodes;
using Rlvr.Checkpoints;
using Rlvr.Chat;
using Rlvr.Data;
using Rlvr.Rollout;
using Rlvr.Tests.Support;
using Rlvr.Tokenization;
using Rlvr.Training;
using Rlvr.Verification;
using TorchSharp;

namespace Rlvr.Tests.Tokenization;

/// <summary>Chat prompts are exactly what transformers' apply_chat_template produces, SFT is taught the response and
/// the end of the turn, and generation stops there; the byte-level models keep their plain prompts.</summary>
public class PromptFormatTests
{
    public static TheoryData<string, string> Families => new() { { "qwen2_5", "<|im_end|>" }, { "qwen3", "<|im_end|>" }, { "llama3_1", "<|eot_id|>" } };

    [Theory, MemberData(nameof(Families))]
    public void ChatPromptIdsEqualTheFixturesOfTransformers(string family, string endOfTurn)
    {
        var tokenizer = HfEncodingCase.Tokenizer(family);
        var matched = 0;
        foreach (var line in File.ReadLines(SharedData.Require($"data/hf/chat/{family}.jsonl")).Where(l => l.Length > 0))
        {
            var record = JsonNode.Parse(line)!.AsObject();
            var messages = record["messages"]!.AsArray().Select(m => m!.AsObject()).ToList();
            var roles = messages.Select(m => (string)m["role"]!).ToArray();
            bool promptShaped = (bool)record["add_generation_prompt"]! && roles is ["user"] or ["system", "user"]
                && messages.All(m => m.Count == 2 && m["content"]!.GetValueKind() == System.Text.Json.JsonValueKind.String);
            if (!promptShaped) continue;
            var system = roles.Length == 2 ? (string)messages[0]["content"]! : null;
            var format = PromptFormat.Create(tokenizer, null, system);
            Assert.Equal(PromptFormat.ChatName, format.Name);
            Assert.Equal((string)record["text"]!, format.Render((string)messages[^1]["content"]!));
            Assert.Equal(record["ids"]!.AsArray().Select(i => (int)i!), format.EncodePrompt((string)messages[^1]["content"]!));
            matched++;
        }
        Assert.True(matched >= 3, $"only {matched} prompt-shaped conversations in the {family} fixture");
        Assert.Equal(endOfTurn, tokenizer.Decode([PromptFormat.Create(tokenizer, null, null).EndOfTurnId], skipSpecialTokens: false));
    }

    [Theory, MemberData(nameof(Families))]
    public void ChatStopsOnTheEndOfTurnAndEveryEosAndEncodesResponsesEndingInIt(string family, string endOfTurn)
    {
        var tokenizer = HfEncodingCase.Tokenizer(family);
        var format = PromptFormat.Create(tokenizer, PromptFormat.ChatName, null);
        Assert.Equal(tokenizer.StopIds.Append(format.EndOfTurnId).Distinct().Order(), format.StopIds.Order());
        var response = format.EncodeResponse("so \\boxed{4}");
        Assert.Equal([.. tokenizer.Encode("so \\boxed{4}"), format.EndOfTurnId], response);
        Assert.Equal("so \\boxed{4}" + endOfTurn, tokenizer.Decode(response, skipSpecialTokens: false));
        Assert.Equal("so \\boxed{4}", format.DecodeResponse([.. response, .. tokenizer.Encode(" and more")]));
    }

    [Fact]
    public void PlainAddsBosOnlyWhereTheTokenizerDoesAndTheSystemPromptPrecedesThePrompt()
    {
        var llama = HfEncodingCase.Tokenizer("llama3_1");
        var qwen = HfEncodingCase.Tokenizer("qwen2_5");
        Assert.Equal([llama.BosId!.Value, .. llama.Encode("2+2?")], PromptFormat.Create(llama, "plain", null).EncodePrompt("2+2?"));
        Assert.Equal(qwen.Encode("2+2?"), PromptFormat.Create(qwen, "plain", null).EncodePrompt("2+2?"));
        Assert.Equal(qwen.Encode("Be brief.\n\n2+2?"), PromptFormat.Create(qwen, "plain", "Be brief.").EncodePrompt("2+2?"));
        // The chat template writes BOS itself: exactly one at the start.
        var chat = PromptFormat.Create(llama, null, null).EncodePrompt("2+2?");
        Assert.Equal(1, chat.Count(id => id == llama.BosId));
        Assert.Equal(llama.BosId, chat[0]);
    }

    [Fact]
    public void TheByteTokenizerHasNoTemplateSoItsPromptsStayPlain()
    {
        var bytes = new ByteTokenizer();
        var format = PromptFormat.Create(bytes, null, null);
        Assert.Equal(PromptFormat.PlainName, format.Name);
        Assert.Equal(bytes.Encode("12+30=\n", addSpecialTokens: true), format.EncodePrompt("12+30=\n"));
        Assert.Equal([.. bytes.Encode("42"), bytes.EosId], format.EncodeResponse("42"));
        Assert.Equal(bytes.StopIds.Order(), format.StopIds.Order());
        var error = Assert.Throws<ArgumentException>(() => PromptFormat.Create(bytes, "chat", null));
        Assert.Contains("--prompt-format chat", error.Message);
    }

    [Fact]
    public void TheSftLossMaskCoversExactlyTheResponseAndTheEndOfTurn()
    {
        using var dir = new TempDir();
        var path = dir.File("gsm8k.jsonl");
        File.WriteAllLines(path, File.ReadLines(SharedData.Require("data/benchmarks/gsm8k/train.jsonl")).Take(3));
        var problem = JsonlTask.ReadFile(path, MathProblems.Read)[0];
        var tokenizer = HfEncodingCase.Tokenizer("qwen2_5");
        var format = PromptFormat.Create(tokenizer, null, null);
        var prompt = format.EncodePrompt(problem.Prompt);
        var response = format.EncodeResponse(problem.Demonstration!);
        using var batch = SequenceBatch.Build([prompt, [1, 2]], [response, [3]], tokenizer.PadId, torch.CPU);
        var mask = batch.ResponseMask[0].data<float>().ToArray();
        var tokens = batch.Tokens[0].data<long>().ToArray();
        var scored = Enumerable.Range(0, mask.Length).Where(t => mask[t] == 1).Select(t => (int)tokens[t + 1]).ToArray();

        // Independently: the whole conversation as the template renders it, tokenized; its assistant turn up to and
        // including the end-of-turn token is what SFT scores.
        var conversation = ChatTemplate.FromTokenizerConfig(HfEncodingCase.ModelDirectory("qwen2_5")).Render(new JsonArray
        {
            new JsonObject { ["role"] = "user", ["content"] = problem.Prompt },
            new JsonObject { ["role"] = "assistant", ["content"] = problem.Demonstration },
        });
        var full = tokenizer.Encode(conversation);
        Assert.Equal(full[..prompt.Length], prompt);
        Assert.Equal(full[prompt.Length..(prompt.Length + scored.Length)], scored);
        Assert.Equal("<|im_end|>", tokenizer.Decode([scored[^1]], skipSpecialTokens: false));
        Assert.Equal(tokenizer.Encode(problem.Demonstration!).Length + 1, scored.Length);
    }

    [Fact]
    public void GenerationStopsAtTheEndOfTurnToken()
    {
        using var loaded = Checkpoint.Load(SharedData.Require("data/hf/models/tiny-llama3"));
        var format = PromptFormat.Create(loaded.Tokenizer, null, null);
        var prompt = format.EncodePrompt("What is 2+2?");
        var first = Sampler.Generate(loaded.Model, [prompt], SamplingOptions.Greedy(1), new HashSet<int>(), loaded.Tokenizer.PadId, 1).Tokens[0][0];
        Assert.NotEqual(format.EndOfTurnId, first);
        // Swapping the output rows of the greedy token and <|eot_id|> (the head is untied) makes the end of turn the
        // greedy choice at the first step, and nothing else changes before it.
        using (torch.no_grad())
        {
            var head = loaded.Model.LmHead!.weight!;
            var (a, b) = (head[first].clone(), head[format.EndOfTurnId].clone());
            head[first].copy_(b);
            head[format.EndOfTurnId].copy_(a);
        }
        var stopped = Sampler.Generate(loaded.Model, [prompt], SamplingOptions.Greedy(6), format.StopIds, loaded.Tokenizer.PadId, 1);
        Assert.Equal([format.EndOfTurnId], stopped.Tokens[0]);
        Assert.Equal("", format.DecodeResponse(stopped.Tokens[0]));
        var unstopped = Sampler.Generate(loaded.Model, [prompt], SamplingOptions.Greedy(6), new HashSet<int>(), loaded.Tokenizer.PadId, 1);
        Assert.Equal(6, unstopped.Tokens[0].Length);
        Assert.Equal(format.EndOfTurnId, unstopped.Tokens[0][0]);
    }
}
