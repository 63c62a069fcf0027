using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;
using Rlvr.Tokenization;

namespace Rlvr.Tests.Tokenization;

public class CodePointRegexPreTokenizerTests
{
    // Expected pieces from Python's `regex` module, which matches code points as Hugging Face's regex engine does.
    [Theory]
    [InlineData("qwen3", "a\U00020000 𝐀𝐁𝟘𝟘𝟘𝟘 x😀y", """["a\ud840\udc00", " \ud835\udc00\ud835\udc01", "\ud835\udfd8", "\ud835\udfd8", "\ud835\udfd8", "\ud835\udfd8", " x", "\ud83d\ude00y"]""")]
    [InlineData("qwen3", "𝐱's 😀😀\n\n𐍈1", """["\ud835\udc31", "'s", " \ud83d\ude00\ud83d\ude00\n\n", "\ud800\udf48", "1"]""")]
    [InlineData("llama3_1", "a\U00020000 𝐀𝐁𝟘𝟘𝟘𝟘 x😀y", """["a\ud840\udc00", " \ud835\udc00\ud835\udc01", "\ud835\udfd8\ud835\udfd8\ud835\udfd8", "\ud835\udfd8", " x", "\ud83d\ude00y"]""")]
    [InlineData("llama3_1", "𝐱's 😀😀\n\n𐍈1", """["\ud835\udc31", "'s", " \ud83d\ude00\ud83d\ude00\n\n", "\ud800\udf48", "1"]""")]
    public void SplitsCharactersBeyondTheBmpAsSingleCodePoints(string name, string text, string expectedJson)
    {
        var regex = SplitRegex(name);
        var expected = JsonSerializer.Deserialize<string[]>(expectedJson)!;
        Assert.Equal(expected, Pieces(new CodePointRegexPreTokenizer(regex, new Dictionary<string, int>()), text));
        // Why the stand-in text is needed: .NET's own matching sees surrogates and splits differently.
        Assert.NotEqual(expected, Pieces(new RegexPreTokenizer(regex, new Dictionary<string, int>()), text));
    }

    [Fact]
    public void AddedTokensStaySplitOutAndALoneSurrogateCountsAsOneOtherCharacter()
    {
        var tokenizer = new CodePointRegexPreTokenizer(SplitRegex("qwen3"), new Dictionary<string, int> { ["<|im_end|>"] = 1 });
        Assert.Equal(["a\U00020000", "<|im_end|>", "\ud800b"], Pieces(tokenizer, "a\U00020000<|im_end|>\ud800b"));
    }

    private static string[] Pieces(PreTokenizer preTokenizer, string text) =>
        preTokenizer.PreTokenize(text).Select(p => text.Substring(p.Offset, p.Length)).ToArray();

    private static Regex SplitRegex(string name)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(HfEncodingCase.ModelDirectory(name), "tokenizer.json")));
        return new Regex(json.RootElement.GetProperty("pre_tokenizer").GetProperty("pretokenizers")[0]
            .GetProperty("pattern").GetProperty("Regex").GetString()!, RegexOptions.CultureInvariant);
    }
}
