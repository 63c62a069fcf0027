namespace Rlvr.Data;

/// <summary>One verifiable problem: the prompt the model sees, the reference answer, and optionally a
/// step-by-step demonstration (the response text SFT trains on, ending in the task's final-answer format).</summary>
public sealed record Problem(string Prompt, string Answer, string? Demonstration = null);
