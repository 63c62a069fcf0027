using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Rlvr.Tokenization;

/// <summary>Unicode NFC, the normalizer of Qwen's tokenizer.json, applied around the added tokens: Hugging Face
/// matches those in the raw text first, so "&lt;|im_end|&gt;" followed by a combining mark stays that token instead
/// of composing its "&gt;". Needs ICU: with InvariantGlobalization on, string.Normalize returns its input unchanged
/// (see Directory.Build.props).</summary>
public sealed class NfcNormalizer(IEnumerable<string> addedTokens) : Normalizer
{
    private readonly Regex? _addedTokens = addedTokens.Any()
        ? new Regex(string.Join("|", addedTokens.OrderByDescending(t => t.Length).Select(Regex.Escape)), RegexOptions.CultureInvariant)
        : null;

    public override string Normalize(ReadOnlySpan<char> original) => Normalize(original.ToString());

    public override string Normalize(string original)
    {
        if (_addedTokens == null) return NormalizeText(original);
        var result = new StringBuilder(original.Length);
        var start = 0;
        foreach (Match token in _addedTokens.Matches(original))
        {
            result.Append(NormalizeText(original[start..token.Index])).Append(token.Value);
            start = token.Index + token.Length;
        }
        return result.Append(NormalizeText(original[start..])).ToString();
    }

    // .NET refuses to normalize strings holding noncharacters (U+FFFF, U+10FFFF, ...) or lone surrogates. Neither
    // composes with anything, so the text around them is normalized on its own and they are kept as they are.
    private static string NormalizeText(string original)
    {
        var result = new StringBuilder(original.Length);
        var start = 0;
        for (var i = 0; i < original.Length;)
        {
            var status = Rune.DecodeFromUtf16(original.AsSpan(i), out var rune, out var used);
            if (status != OperationStatus.Done || IsNoncharacter(rune.Value))
            {
                result.Append(original[start..i].Normalize(NormalizationForm.FormC)).Append(original, i, used);
                start = i + used;
            }
            i += used;
        }
        return start == 0 ? original.Normalize(NormalizationForm.FormC)
            : result.Append(original[start..].Normalize(NormalizationForm.FormC)).ToString();
    }

    private static bool IsNoncharacter(int codePoint) => (codePoint & 0xFFFE) == 0xFFFE || codePoint is >= 0xFDD0 and <= 0xFDEF;
}
