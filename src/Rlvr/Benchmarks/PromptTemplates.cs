using Rlvr.Verification;

namespace Rlvr.Benchmarks;

/// <summary>Prompt templates for benchmark questions. "plain" is the question with the request for a final answer in
/// \boxed{} (as math tasks ask); "think" follows the SFT-then-RL
/// paper's appendix E in spirit (own wording): reason inside &lt;think&gt;&lt;/think&gt;, then give the final answer
/// in \boxed{}.</summary>
public static class PromptTemplates
{
    public static readonly string[] Names = ["plain", "think"];

    public const string ThinkSystem =
        "A conversation between a user and an assistant. The user asks a math question and the assistant solves it. " +
        "The assistant first thinks through the problem step by step inside <think> </think> tags, and then states " +
        "the final answer inside \\boxed{}.";

    public static string Apply(string template, string question) => template switch
    {
        "plain" => MathProblems.AskForBoxedAnswer(question),
        "think" => $"{ThinkSystem}\nUser: {question}\n{MathProblems.BoxedInstruction}\nAssistant: <think>",
        _ => throw new ArgumentException($"unknown prompt template '{template}' (known: {string.Join(", ", Names)})", nameof(template)),
    };
}
