namespace Rlvr.Tokenization;

public static class TokenizerExtensions
{
    /// <summary>Text of sampled tokens, stopping at the first of the tokenizer's stop ids.</summary>
    public static string DecodeResponse(this ITokenizer tokenizer, IReadOnlyList<int> tokens) => tokenizer.DecodeUntil(tokens, tokenizer.StopIds);

    /// <summary>Text of sampled tokens, stopping at the first of <paramref name="stopIds"/>.</summary>
    public static string DecodeUntil(this ITokenizer tokenizer, IReadOnlyList<int> tokens, IReadOnlySet<int> stopIds)
    {
        int end = 0;
        while (end < tokens.Count && !stopIds.Contains(tokens[end])) end++;
        return tokenizer.Decode(tokens.Take(end).ToArray());
    }
}
