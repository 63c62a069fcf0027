using System.CommandLine;
using Rlvr.Spec;

namespace Rlvr.Cli.Commands;

/// <summary>Range checks for the options of commands that are not on the RunSpec (eval, generate, bench). Each check
/// is a spec <see cref="Setting"/> built for the option, so the messages read exactly like those of sft and train
/// ("--top-p: must be a number > 0 and <= 1, got '5'").</summary>
public static class OptionRanges
{
    public static int AtLeast(this ParseResult result, Option<int> option, int min) =>
        Checked(Settings.Int(Key(option), "", min: min), result.GetValue(option));

    /// <summary>An unset value passes (its default is decided elsewhere).</summary>
    public static int? AtLeast(this ParseResult result, Option<int?> option, int min) =>
        result.GetValue(option) is { } value ? Checked(Settings.Int(Key(option), "", min: min), value) : null;

    public static double InRange(this ParseResult result, Option<double> option, double? min, double? max = null, bool minExclusive = false) =>
        Checked(Settings.Number(Key(option), "", min: min, max: max, minExclusive: minExclusive), result.GetValue(option));

    public static double? InRange(this ParseResult result, Option<double?> option, double? min, double? max = null, bool minExclusive = false) =>
        result.GetValue(option) is { } value ? Checked(Settings.Number(Key(option), "", min: min, max: max, minExclusive: minExclusive), value) : null;

    public static string Choice(this ParseResult result, Option<string> option, IReadOnlyList<string> values) =>
        Checked(Settings.Choice(Key(option), "", null, values), result.GetValue(option)!);

    static string Key(Option option) => option.Name.TrimStart('-');

    static T Checked<T>(Setting<T> setting, T value) where T : notnull
    {
        var (_, error) = setting.Parse(Setting.Format(value));
        return error is null ? value : throw new ArgumentException($"--{setting.Key}: {error}");
    }
}
