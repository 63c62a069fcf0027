namespace Rlvr.Spec;

/// <summary>One given value and where it came from, for error messages: "--lr", "settings.yaml:3", "method 'x'".</summary>
public sealed record SettingInput(string Key, string Text, string Origin)
{
    public static string NormalizeKey(string key) => key.Trim().TrimStart('-').Replace('_', '-').ToLowerInvariant();

    /// <summary>"--lr" for a flag; "file:line: 'lr'" for a file; "origin: 'lr'" otherwise.</summary>
    public string Where => Origin.StartsWith("--") ? Origin : $"{Origin}: '{Key}'";
}
