using System.Globalization;

namespace Rlvr.Data;

/// <summary>The knobs of <see cref="FlawedAdditionTask"/> written into the task name, so that they travel with
/// <c>--task</c> through every command and into config.json:
/// <c>flawed-addition:digits=2-4,min-carries=1,flawed-share=0.75,flaws=never-carry+drop-one-carry,scratchpad=running</c>.</summary>
public static class FlawedAdditionOptionText
{
    static readonly string[] Keys = ["digits", "min-carries", "flawed-share", "flaws", "scratchpad", "train-size", "test-size"];
    static readonly Dictionary<string, AdditionFlaw> FlawNames = new()
    {
        ["never-carry"] = AdditionFlaw.NeverCarry,
        ["drop-one-carry"] = AdditionFlaw.DropOneCarry,
        ["ignore-carry"] = AdditionFlaw.IgnoreCarry,
    };
    static readonly Dictionary<string, bool> ScratchpadNames = new() { ["running"] = true, ["sums"] = false };

    /// <summary>Options from the text after "flawed-addition:" (empty: the defaults).</summary>
    public static FlawedAdditionOptions Parse(string text)
    {
        var options = new FlawedAdditionOptions();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = item.IndexOf('=');
            var (key, value) = eq < 0 ? (item, "") : (item[..eq].Trim().ToLowerInvariant(), item[(eq + 1)..].Trim());
            options = key switch
            {
                "digits" => ParseDigits(options, value),
                "min-carries" => options with { MinCarries = (int)ParseNumber(key, value, "an integer in [0, 9]", 0, 9, integer: true) },
                "flawed-share" => options with { FlawedShare = ParseNumber(key, value, "a number in [0, 1]", 0, 1) },
                "flaws" => options with { Flaws = value.Split('+').Select(name => Lookup(FlawNames, key, name)).Distinct().ToList() },
                "scratchpad" => options with { RunningResult = Lookup(ScratchpadNames, key, value) },
                "train-size" => options with { TrainSize = (int)ParseNumber(key, value, "an integer >= 1", 1, int.MaxValue, integer: true) },
                "test-size" => options with { TestSize = (int)ParseNumber(key, value, "an integer >= 1", 1, int.MaxValue, integer: true) },
                _ => throw Error($"unknown option '{key}' (known: {string.Join(", ", Keys)})"),
            };
        }
        return options;
    }

    static FlawedAdditionOptions ParseDigits(FlawedAdditionOptions options, string value)
    {
        var parts = value.Split('-');
        if (parts.Length is 1 or 2 && parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var d) && d is >= 1 and <= 9))
        {
            var (min, max) = (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[^1], CultureInfo.InvariantCulture));
            if (min <= max) return options with { MinDigits = min, MaxDigits = max };
        }
        throw Error($"digits must be N or MIN-MAX with 1 <= MIN <= MAX <= 9, got '{value}'");
    }

    static double ParseNumber(string key, string value, string expected, double min, double max, bool integer = false)
    {
        var style = integer ? NumberStyles.None : NumberStyles.Float;
        if (double.TryParse(value, style, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
            return number;
        throw Error($"{key} must be {expected}, got '{value}'");
    }

    static T Lookup<T>(Dictionary<string, T> names, string key, string value) =>
        names.TryGetValue(value.Trim().ToLowerInvariant(), out var found)
            ? found
            : throw Error($"{key}: unknown '{value}' (known: {string.Join(", ", names.Keys)})");

    static ArgumentException Error(string message) => new($"--task {FlawedAdditionTask.TaskName}: {message}");
}
