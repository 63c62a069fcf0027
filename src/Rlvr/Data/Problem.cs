namespace Rlvr.Data;

/// <summary>One verifiable problem: the prompt the model sees, the reference answer, and optionally a
/// step-by-step demonstration (the response text SFT trains on, ending in the task's final-answer format). Source is
/// where it was read ("file.jsonl:7"), for error messages; null for generated problems.</summary>
public sealed record Problem(string Prompt, string Answer, string? Demonstration = null, string? Source = null);
