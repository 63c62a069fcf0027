namespace Rlvr.Tokenization;

public static class TokenizerExtensions
{
    /// <summary>The prompt's tokens with the tokenizer's own additions (BOS where it has one): what the model
    /// conditions on.</summary>
    public static int[] EncodePrompt(this ITokenizer tokenizer, string prompt) => tokenizer.Encode(prompt, addSpecialTokens: true);

    /// <summary>The response's tokens followed by EOS: what SFT teaches the model to produce.</summary>
    public static int[] EncodeResponse(this ITokenizer tokenizer, string response) => [.. tokenizer.Encode(response), tokenizer.EosId];

    /// <summary>Text of sampled tokens, stopping at the first stop id.</summary>
    public static string DecodeResponse(this ITokenizer tokenizer, IReadOnlyList<int> tokens)
    {
        int end = 0;
        while (end < tokens.Count && !tokenizer.StopIds.Contains(tokens[end])) end++;
        return tokenizer.Decode(tokens.Take(end).ToArray());
    }
}
