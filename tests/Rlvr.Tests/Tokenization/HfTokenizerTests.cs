using Rlvr.Tokenization;

namespace Rlvr.Tests.Tokenization;

public class HfTokenizerTests
{
    [Theory]
    [MemberData(nameof(HfEncodingCase.Names), MemberType = typeof(HfEncodingCase))]
    public void EncodesEveryReferenceCaseLikeHuggingFace(string name)
    {
        var tokenizer = HfEncodingCase.Tokenizer(name);
        var cases = HfEncodingCase.Load(name);
        var wrong = cases.Where(c => !tokenizer.Encode(c.Text, c.AddSpecialTokens).SequenceEqual(c.Ids))
            .Select(c => $"{Show(c.Text)} (add_special_tokens={c.AddSpecialTokens}): got [{string.Join(",", tokenizer.Encode(c.Text, c.AddSpecialTokens))}], expected [{string.Join(",", c.Ids)}]")
            .ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {cases.Count} differ:\n{string.Join("\n", wrong.Take(10))}");
    }

    // The rendered conversations of ../shared/data/hf/chat: role markers are added tokens amid ordinary text.
    [Theory]
    [InlineData("qwen2_5", "qwen2_5")]
    [InlineData("qwen3", "qwen3")]
    [InlineData("qwen3_enable_thinking_false", "qwen3")]
    [InlineData("llama3_1", "llama3_1")]
    [InlineData("llama3_1_official", "llama3_1")]
    public void EncodesEveryRenderedChatLikeHuggingFace(string chat, string name)
    {
        var tokenizer = HfEncodingCase.Tokenizer(name);
        var lines = File.ReadLines(Rlvr.Tests.Support.SharedData.Require($"data/hf/chat/{chat}.jsonl")).ToList();
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            var json = System.Text.Json.Nodes.JsonNode.Parse(line)!;
            Assert.Equal(json["ids"]!.AsArray().Select(i => (int)i!), tokenizer.Encode((string)json["text"]!));
        }
    }

    [Theory]
    [MemberData(nameof(HfEncodingCase.Names), MemberType = typeof(HfEncodingCase))]
    public void DecodesTheReferenceIdsBackToTheText(string name)
    {
        var tokenizer = HfEncodingCase.Tokenizer(name);
        var cases = HfEncodingCase.Load(name);
        var wrong = cases.Where(c => tokenizer.Decode(c.Ids, skipSpecialTokens: false) != c.Decoded
                                     || tokenizer.Decode(c.Ids, skipSpecialTokens: true) != c.DecodedSkipSpecial)
            .Select(c => $"{Show(c.Text)}: got {Show(tokenizer.Decode(c.Ids, false))} / {Show(tokenizer.Decode(c.Ids, true))}")
            .ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {cases.Count} differ:\n{string.Join("\n", wrong.Take(10))}");
    }

    [Theory]
    [MemberData(nameof(HfEncodingCase.Names), MemberType = typeof(HfEncodingCase))]
    public void StreamingDecodeEqualsFullDecodeAndHoldsBackSplitCharacters(string name)
    {
        var tokenizer = HfEncodingCase.Tokenizer(name);
        var heldBack = 0;
        foreach (var c in HfEncodingCase.Load(name))
            foreach (var skip in new[] { false, true })
            {
                var decoder = new StreamingDecoder(tokenizer, skip);
                var pieces = c.Ids.Select(decoder.Add).ToList();
                pieces.Add(decoder.Flush());
                Assert.Equal(tokenizer.Decode(c.Ids, skip), string.Concat(pieces));
                Assert.DoesNotContain(pieces, p => p.EndsWith('\uFFFD') && !c.Decoded.Contains('\uFFFD'));
                if (!skip) heldBack += pieces.SkipLast(1).Count(p => p.Length == 0); // no token decodes to nothing

            }
        // The fixtures hold characters whose bytes span several tokens (emoji, CJK): the holding back was exercised.
        Assert.True(heldBack > 0);
    }

    [Theory]
    [MemberData(nameof(HfEncodingCase.Names), MemberType = typeof(HfEncodingCase))]
    public void ACharacterSplitAcrossTokensComesOutWhole(string name)
    {
        var tokenizer = HfEncodingCase.Tokenizer(name);
        const string rare = "\U00020000"; // CJK Extension B: four UTF-8 bytes, not a token of its own
        var ids = tokenizer.Encode("a" + rare);
        Assert.True(ids.Length > 2);
        // As Hugging Face decodes (lossy UTF-8), the incomplete character is one replacement character.
        Assert.Equal("a\uFFFD", tokenizer.Decode(ids[..^1]));
        var decoder = new StreamingDecoder(tokenizer);
        Assert.Equal(["a", .. Enumerable.Repeat("", ids.Length - 2), rare], ids.Select(decoder.Add).ToArray());
        Assert.Equal("", decoder.Flush());
    }

    [Fact]
    public void AddedTokensAreMatchedBeforeNormalization()
    {
        var tokenizer = HfEncodingCase.Tokenizer("qwen3");
        // NFC composes ">" and U+0338 into "≯"; Hugging Face matches added tokens in the raw text first.
        Assert.Equal("\u226F", ">\u0338".Normalize(System.Text.NormalizationForm.FormC));
        Assert.Equal([tokenizer.EosId, .. tokenizer.Encode("\u0338x")], tokenizer.Encode("<|im_end|>\u0338x"));
    }

    [Fact]
    public void QwenHasNoBosAndStopsOnEveryEosOfItsFiles()
    {
        var tokenizer = HfEncodingCase.Tokenizer("qwen3");
        Assert.Null(tokenizer.BosId);
        Assert.False(tokenizer.AddsBos);
        Assert.Equal(tokenizer.Encode("hi"), PromptFormat.Plain(tokenizer).EncodePrompt("hi"));
        // tokenizer_config.json: <|im_end|> ends a turn; generation_config.json also lists <|endoftext|>.
        Assert.Equal("<|im_end|>", tokenizer.Decode([tokenizer.EosId], skipSpecialTokens: false));
        Assert.Equal(new[] { "<|endoftext|>", "<|im_end|>" }, Names(tokenizer, tokenizer.StopIds));
        Assert.Equal("<|endoftext|>", tokenizer.Decode([tokenizer.PadId], skipSpecialTokens: false));
        Assert.NotNull(tokenizer.ChatTemplate);
    }

    [Fact]
    public void LlamaAddsBosFromItsPostProcessorAndStopsOnTheListedEosIds()
    {
        var tokenizer = HfEncodingCase.Tokenizer("llama3_1");
        Assert.True(tokenizer.AddsBos);
        Assert.Equal("<|begin_of_text|>", tokenizer.Decode([tokenizer.BosId!.Value], skipSpecialTokens: false));
        Assert.Equal([tokenizer.BosId!.Value, .. tokenizer.Encode("hi")], PromptFormat.Plain(tokenizer).EncodePrompt("hi"));
        Assert.Equal("<|eot_id|>", tokenizer.Decode([tokenizer.EosId], skipSpecialTokens: false));
        // generation_config.json and config.json list 128001, 128008 and 128009 (128008 has a Llama 3 reserved name).
        Assert.Equal(new[] { "<|end_of_text|>", "<|eot_id|>", "<|reserved_special_token_4|>" }, Names(tokenizer, tokenizer.StopIds));
        Assert.Equal(tokenizer.EosId, tokenizer.PadId); // no pad_token: padding reuses EOS (padded positions are masked)
    }

    [Fact]
    public void ResponsesEndAtAnyStopId()
    {
        var tokenizer = HfEncodingCase.Tokenizer("llama3_1");
        foreach (var stop in tokenizer.StopIds)
            Assert.Equal("Hi there", tokenizer.DecodeResponse([.. tokenizer.Encode("Hi there"), stop, .. tokenizer.Encode(" more")]));
    }

    private static string[] Names(ITokenizer tokenizer, IEnumerable<int> ids) =>
        ids.Select(id => tokenizer.Decode([id], skipSpecialTokens: false)).Order(StringComparer.Ordinal).ToArray();

    private static string Show(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
