using System.Text.RegularExpressions;

namespace Rlvr.Data;

/// <summary>Checks a countdown response: every line before the final "#### target" line is a correct step
/// "a op b=c" whose operands are still available (a given number, each used at most once, or an earlier result not
/// yet used), and the last step produces the target. Strict on purpose: any other text makes the response invalid.</summary>
public static partial class CountdownSolution
{
    [GeneratedRegex(@"^\s*(\d{1,15})\s*([-+*/])\s*(\d{1,15})\s*=\s*(\d{1,18})\s*$")]
    private static partial Regex StepLine();

    public static bool IsValid(IReadOnlyList<long> numbers, long target, string? response)
    {
        if (response == null || !FinalAnswer.HasFormat(response) || FinalAnswer.Extract(response) != target.ToString())
            return false;
        var lines = response.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        var available = new List<long>(numbers);
        long? last = null;
        foreach (var line in lines.Take(lines.Count - 1))
        {
            var match = StepLine().Match(line);
            if (!match.Success) return false;
            var a = long.Parse(match.Groups[1].ValueSpan);
            var b = long.Parse(match.Groups[3].ValueSpan);
            var claimed = long.Parse(match.Groups[4].ValueSpan);
            if (!available.Remove(a) || !available.Remove(b)) return false;
            if (Apply(a, match.Groups[2].Value[0], b) != claimed) return false;
            available.Add(claimed);
            last = claimed;
        }
        return last == target;
    }

    /// <summary>The exact integer result, or null when it is not a non-negative integer (negative, fractional,
    /// division by zero or overflow).</summary>
    public static long? Apply(long a, char op, long b)
    {
        Int128 result = op switch
        {
            '+' => (Int128)a + b,
            '-' => (Int128)a - b,
            '*' => (Int128)a * b,
            '/' when b != 0 && a % b == 0 => a / b,
            _ => -1,
        };
        return result >= 0 && result <= long.MaxValue ? (long)result : null;
    }
}
