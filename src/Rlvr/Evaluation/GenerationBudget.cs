using Rlvr.Data;
using Rlvr.Tokenization;

namespace Rlvr.Evaluation;

/// <summary>Problems fitted to the context for generation, and the generation budget (max new tokens) they leave.</summary>
public sealed record GenerationPlan(IReadOnlyList<IReadOnlyList<Problem>> Splits, int MaxNewTokens);

/// <summary>The generation budget of a task. Unless given, it is the task's longest demonstration with headroom
/// (256 tokens without demonstrations), shrunk to what the context leaves after the longest prompt, but never below
/// the least useful budget: the longest demonstration and EOS (32 tokens without demonstrations). A prompt that
/// would leave less is over-long and handled by <see cref="PromptFit"/>, so the budget is never silently tiny.</summary>
public static class GenerationBudget
{
    const int WithoutDemonstrations = 256;
    const int LeastWithoutDemonstrations = 32;

    /// <param name="maxNewTokens">the budget when given (--max-new-tokens); null to derive it</param>
    /// <param name="splits">the problem lists that will be generated for; each comes back fitted</param>
    /// <param name="budgetIsAnOption">whether the command has --max-new-tokens, for the error message (sft has not)</param>
    public static GenerationPlan Plan(PromptFit fit, IVerifiableTask task, PromptFormat format, int? maxNewTokens,
        IReadOnlyList<IReadOnlyList<Problem>> splits, bool budgetIsAnOption = true)
    {
        if (maxNewTokens >= fit.Context - 1)
            throw new ArgumentException($"--max-new-tokens: {maxNewTokens} leaves no room for a prompt in the model's {fit.Context}-token context");
        var (wanted, least) = Wanted(task, format);
        var (room, roomFor) = maxNewTokens is { } given
            ? (given, "--max-new-tokens")
            : (least, budgetIsAnOption
                ? $"a response (the default --max-new-tokens is at least {least}; give a smaller one to allow longer prompts)"
                : $"an evaluation response (the longest demonstration and EOS, {least} tokens)");
        var fitted = splits.Select(s => (IReadOnlyList<Problem>)fit.Fit(s, _ => room, roomFor)).ToList();
        if (maxNewTokens is { } explicitBudget) return new GenerationPlan(fitted, explicitBudget);
        var longest = fitted.SelectMany(s => s).Select(p => format.EncodePrompt(p.Prompt).Length).DefaultIfEmpty(1).Max();
        return new GenerationPlan(fitted, Math.Min(wanted, fit.Context - longest));
    }

    /// <summary>The budget a task wants and the least it may shrink to.</summary>
    public static (int wanted, int least) Wanted(IVerifiableTask task, PromptFormat format)
    {
        var demos = task.Train.Take(2000).Where(p => p.Demonstration != null).Select(p => format.Tokenizer.Encode(p.Demonstration!).Length).ToList();
        if (demos.Count == 0) return (WithoutDemonstrations, LeastWithoutDemonstrations);
        var longest = demos.Max();
        return ((int)(longest * 1.5) + 8, longest + 1);
    }
}
