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
                heldBack += pieces.Count(p => p.Length == 0);
            }
        // The fixtures hold characters whose bytes span several tokens (emoji, CJK): the holding back was exercised.
        Assert.True(heldBack > 0);
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
