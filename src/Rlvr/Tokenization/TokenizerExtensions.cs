namespace Rlvr.Tokenization;

public static class TokenizerExtensions
{
    /// <summary>BOS followed by the prompt's tokens: what the model conditions on.</summary>
    public static int[] EncodePrompt(this ITokenizer tokenizer, string prompt) => [tokenizer.BosId, .. tokenizer.Encode(prompt)];

    /// <summary>The response's tokens followed by EOS: what SFT teaches the model to produce.</summary>
    public static int[] EncodeResponse(this ITokenizer tokenizer, string response) => [.. tokenizer.Encode(response), tokenizer.EosId];

    /// <summary>Text of sampled tokens, stopping at the first EOS.</summary>
    public static string DecodeResponse(this ITokenizer tokenizer, IReadOnlyList<int> tokens)
    {
        int end = 0;
        while (end < tokens.Count && tokens[end] != tokenizer.EosId) end++;
        return tokenizer.Decode(tokens.Take(end).ToArray());
    }
}
