using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Rlvr.Tokenization;

/// <summary>Splits text with a tokenizer.json regex the way Hugging Face does, one code point at a time. .NET regexes
/// see UTF-16 units, so a character beyond U+FFFF (𝐀, 𠀀, 😀) would be two surrogates matching neither \p{L} nor
/// \p{N}: "a𠀀" would split in two and "😀y" differently. The regex therefore runs over a stand-in text with one
/// character of the same class (letter, digit, other) per code point, and the matches are mapped back.</summary>
public sealed class CodePointRegexPreTokenizer(Regex regex, IReadOnlyDictionary<string, int> specialTokens) : PreTokenizer
{
    private readonly RegexPreTokenizer _regex = new(regex, specialTokens);

    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => PreTokenize(text.ToString());

    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text)
    {
        if (!text.Any(char.IsSurrogate)) return _regex.PreTokenize(text);
        var standIn = new StringBuilder(text.Length);
        var starts = new List<int>(text.Length + 1); // offset in text of each stand-in character, then the end
        for (var i = 0; i < text.Length;)
        {
            starts.Add(i);
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var used) != System.Buffers.OperationStatus.Done || !rune.IsBmp)
                standIn.Append(StandIn(rune));
            else
                standIn.Append(text[i]);
            i += used;
        }
        starts.Add(text.Length);
        return _regex.PreTokenize(standIn.ToString()).Select(p => (starts[p.Offset], starts[p.Offset + p.Length] - starts[p.Offset]));
    }

    // A letter, a number and a private-use character: none is a contraction letter, whitespace or part of the
    // ASCII added tokens, so no split or added token appears that the original text does not have.
    private static char StandIn(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => '\u00AA',
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => '\u00B2',
        _ => '\uE000',
    };
}
