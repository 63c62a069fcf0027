namespace Rlvr.Data;

/// <summary>Difficulty of <see cref="AdditionTask"/>: each operand has between MinDigits and MaxDigits digits.</summary>
public sealed record AdditionOptions : GeneratedTaskOptions
{
    public int MinDigits { get; init; } = 1;
    public int MaxDigits { get; init; } = 3;
}

/// <summary>Multi-digit addition worked column by column from the right. Prompt "457+68\n"; each response line is
/// "digit+digit+carry=sum result-so-far", so the model only ever copies the previous suffix and prepends one digit:
/// <code>
/// 7+8+0=15 5
/// 5+6+1=12 25
/// 4+0+1=5 525
/// #### 525
/// </code>
/// A final carry gets its own "0+0+1=1" column to keep every line the same shape.</summary>
public sealed class AdditionTask : GeneratedTask
{
    public const string TaskName = "addition";
    private readonly AdditionOptions _options;

    public AdditionTask(int seed = 0, AdditionOptions? options = null)
        : base(TaskName, seed, Validate(options ?? new AdditionOptions()))
    {
        _options = options ?? new AdditionOptions();
    }

    private static AdditionOptions Validate(AdditionOptions options)
    {
        if (options.MinDigits < 1 || options.MaxDigits > 9 || options.MinDigits > options.MaxDigits)
            throw new ArgumentException($"addition digits must satisfy 1 <= MinDigits <= MaxDigits <= 9, got {options.MinDigits}..{options.MaxDigits}");
        return options;
    }

    protected override Problem Generate(DeterministicRandom random)
    {
        var a = RandomOperand(random, _options.MinDigits, _options.MaxDigits);
        var b = RandomOperand(random, _options.MinDigits, _options.MaxDigits);
        var sum = (a + b).ToString();
        return new Problem($"{a}+{b}\n", sum, Demonstrate(a.ToString(), b.ToString()) + FinalAnswer.Format(sum));
    }

    /// <summary>A number of minDigits..maxDigits digits without leading zeros (a 1-digit operand may be 0).</summary>
    internal static long RandomOperand(DeterministicRandom random, int minDigits, int maxDigits)
    {
        var digits = random.Next(minDigits, maxDigits);
        var number = (long)random.Next(digits == 1 ? 0 : 1, 9);
        for (var i = 1; i < digits; i++) number = number * 10 + random.Next(0, 9);
        return number;
    }

    private static string Demonstrate(string a, string b) => ColumnAddition.Work(a, b, ColumnAddition.CorrectCarry).Lines;
}
