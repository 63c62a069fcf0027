using System.Text;

namespace Rlvr.Data;

/// <summary>Written addition column by column from the right, one line per column, with the carry into each column
/// written as its third addend. The carry rule is a parameter so that flawed procedures produce lines of exactly the
/// shape of the correct one and differ only in the carry they write.</summary>
public static class ColumnAddition
{
    /// <summary>The carry the correct procedure passes on from a column whose digit sum is <c>sum</c>.</summary>
    public static int CorrectCarry(int column, int sum) => sum / 10;

    /// <summary>The worked lines and the result they arrive at. With <paramref name="runningResult"/> each line ends
    /// in the result so far ("7+8+0=15 5"), so the answer is built by copying and prepending one digit; without it a
    /// line is only "7+8+0=15". A final carry gets its own "0+0+1=1" column to keep every line the same shape.
    /// Without <paramref name="writeCarry"/> the carry addend is left out ("7+8=15 5"): the lines of someone who does
    /// not know about carries, only sensible with a rule that never carries.</summary>
    public static (string Lines, string Result) Work(string a, string b, Func<int, int, int> carryOut, bool runningResult = true,
        bool writeCarry = true)
    {
        var lines = new StringBuilder();
        var result = "";
        var carry = 0;
        var columns = Math.Max(a.Length, b.Length);
        for (var column = 0; column < columns || carry > 0; column++)
        {
            var (x, y) = (DigitFromRight(a, column), DigitFromRight(b, column));
            var sum = x + y + carry;
            result = (sum % 10) + result;
            lines.Append(writeCarry ? $"{x}+{y}+{carry}={sum}" : $"{x}+{y}={sum}");
            lines.Append(runningResult ? $" {result}\n" : "\n");
            carry = column < columns ? carryOut(column, sum) : 0;
        }
        return (lines.ToString(), result);
    }

    /// <summary>The columns (from the right, 0-based) that pass a carry on when the addition is done correctly.</summary>
    public static IReadOnlyList<int> CarryingColumns(string a, string b)
    {
        var carrying = new List<int>();
        var carry = 0;
        for (var column = 0; column < Math.Max(a.Length, b.Length); column++)
        {
            carry = (DigitFromRight(a, column) + DigitFromRight(b, column) + carry) / 10;
            if (carry > 0) carrying.Add(column);
        }
        return carrying;
    }

    private static int DigitFromRight(string number, int column) =>
        column < number.Length ? number[number.Length - 1 - column] - '0' : 0;
}
