using Rlvr.Tests.Support;
using System.Text;
using Rlvr.Tests.Checkpoints;
using Rlvr.Tokenization;

namespace Rlvr.Tests.Tokenization;

public class ByteTokenizerTests
{
    private readonly ByteTokenizer _tokenizer = new();

    [Fact]
    public void SpecialIdsFollowTheBytes()
    {
        Assert.Equal(259, _tokenizer.VocabSize);
        Assert.Equal((256, 257, 258), (_tokenizer.BosId, _tokenizer.EosId, _tokenizer.PadId));
        Assert.Equal(new[] { 97, 0xC3, 0xA9 }, _tokenizer.Encode("aé"));
    }

    [Fact]
    public void RandomUnicodeRoundTrips()
    {
        var random = new Random(1234);
        string[] fixedCases = ["", "457+68\n#### 525", "😀👩‍👩‍👧", "中文汉字テスト", "\0\t\r\n\u001b\u007f", "\uFEFFbom"];
        foreach (var text in fixedCases.Concat(Enumerable.Range(0, 500).Select(_ => RandomText(random))))
        {
            var ids = _tokenizer.Encode(text);
            Assert.All(ids, id => Assert.InRange(id, 0, 255));
            Assert.Equal(text, _tokenizer.Decode(ids));
        }
    }

    [Fact]
    public void DecodeDropsSpecialsAndReplacesInvalidUtf8()
    {
        var ids = new List<int> { _tokenizer.BosId, 104, 105, _tokenizer.PadId, _tokenizer.EosId };
        Assert.Equal("hi", _tokenizer.Decode(ids));
        Assert.Equal("a\uFFFDb", _tokenizer.Decode(new[] { 97, 0xFF, 98 }));
        Assert.Equal("\uFFFD", _tokenizer.Decode(new[] { 0xE4, 0xB8 })); // cut-off multi-byte sequence
        Assert.Equal("", _tokenizer.Decode(new[] { -1, 9999 }));
    }

    [Fact]
    public void SpecialTokensAreNamedOnlyWhenAskedAndBosComesWithSpecialTokens()
    {
        var ids = new[] { _tokenizer.BosId, 104, 105, _tokenizer.EosId };
        Assert.Equal("<bos>hi<eos>", _tokenizer.Decode(ids, skipSpecialTokens: false));
        Assert.Equal("hi", _tokenizer.Decode(ids, skipSpecialTokens: true));
        Assert.Equal(ids[..3], _tokenizer.Encode("hi", addSpecialTokens: true));
        Assert.Equal(_tokenizer.Encode("hi", addSpecialTokens: true), PromptFormat.Plain(_tokenizer).EncodePrompt("hi"));
        Assert.Equal([_tokenizer.EosId], _tokenizer.StopIds);
    }

    [Fact]
    public void StreamingDecodeHoldsAFourByteCharacterUntilItIsComplete()
    {
        var decoder = new StreamingDecoder(_tokenizer);
        Assert.Equal(["x", "", "", "", "😀", "!"], _tokenizer.Encode("x😀!").Select(decoder.Add).ToArray());
        Assert.Equal("", decoder.Flush());
    }

    [Fact]
    public void SavesAndLoadsThroughTokenizerFiles()
    {
        using var dir = new TempDir();
        _tokenizer.Save(dir.Path);
        Assert.Contains("\"type\": \"byte\"", File.ReadAllText(dir.File("tokenizer.json")));
        var loaded = TokenizerFiles.Load(dir.Path);
        Assert.IsType<ByteTokenizer>(loaded);
        Assert.Equal(_tokenizer.Encode("x😀"), loaded.Encode("x😀"));
    }

    [Fact]
    public void UnknownOrBrokenFilesNameTheFile()
    {
        using var dir = new TempDir();
        var path = dir.File("tokenizer.json");
        File.WriteAllText(path, """{"type": "sentencepiece"}""");
        var error = Assert.Throws<InvalidDataException>(() => TokenizerFiles.Load(dir.Path));
        Assert.Contains(path, error.Message);
        Assert.Contains("sentencepiece", error.Message);

        File.WriteAllText(path, "{not json");
        Assert.Contains(path, Assert.Throws<InvalidDataException>(() => TokenizerFiles.Load(dir.Path)).Message);

        File.WriteAllText(path, """{"type": "byte", "eos_id": 2}""");
        Assert.Contains("eos_id", Assert.Throws<InvalidDataException>(() => TokenizerFiles.Load(dir.Path)).Message);

        File.Delete(path);
        Assert.Throws<FileNotFoundException>(() => TokenizerFiles.Load(dir.Path));
    }

    private static string RandomText(Random random)
    {
        var builder = new StringBuilder();
        var length = random.Next(0, 40);
        for (var i = 0; i < length; i++)
        {
            int codePoint;
            do codePoint = random.Next(4) switch
            {
                0 => random.Next(0, 0x80),
                1 => random.Next(0x80, 0x800),
                2 => random.Next(0x800, 0x10000),
                _ => random.Next(0x10000, 0x110000),
            };
            while (codePoint is >= 0xD800 and <= 0xDFFF); // lone surrogates are not valid text
            builder.Append(char.ConvertFromUtf32(codePoint));
        }
        return builder.ToString();
    }
}
