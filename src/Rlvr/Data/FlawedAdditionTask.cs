namespace Rlvr.Data;

/// <summary>How a flawed demonstration of <see cref="FlawedAdditionTask"/> goes wrong.</summary>
public enum AdditionFlaw
{
    /// <summary>Every carry is written as 0: the procedure of someone who never carries.</summary>
    NeverCarry,
    /// <summary>One carry (a random one of those the problem has) is written as 0; the others are right.</summary>
    DropOneCarry,
    /// <summary>No carry at all, and no carry addend written ("7+8=15 5"): the first line already shows which procedure
    /// a response follows, so the choice is one decision (calibrated to the flawed share by SFT) instead of one per
    /// carrying column.</summary>
    IgnoreCarry,
}

/// <summary>Knobs of <see cref="FlawedAdditionTask"/>; the text form is parsed by <see cref="FlawedAdditionOptionText"/>.</summary>
public sealed record FlawedAdditionOptions : GeneratedTaskOptions
{
    public int MinDigits { get; init; } = 2;
    public int MaxDigits { get; init; } = 4;
    /// <summary>Chance that a training demonstration follows a flawed procedure (and so ends in a wrong answer).</summary>
    public double FlawedShare { get; init; } = 0.75;
    /// <summary>The flaws a flawed demonstration draws from, uniformly.</summary>
    public IReadOnlyList<AdditionFlaw> Flaws { get; init; } = [AdditionFlaw.NeverCarry];
    /// <summary>Every problem (train and test) needs at least this many carries. Without a carry both procedures agree,
    /// so such problems are solved whichever the policy follows; 1 keeps only problems where the choice matters.</summary>
    public int MinCarries { get; init; }
    /// <summary>True: each line ends in the result so far ("7+8+0=15 5"); false: only the column sum ("7+8+0=15").</summary>
    public bool RunningResult { get; init; } = true;
}

/// <summary>Addition worked column by column (as <see cref="AdditionTask"/>), where a share of the demonstrations
/// follow a flawed procedure: the carry into a column, written as its third addend, is 0 where it should be 1. SFT on
/// this mix learns both procedures, so the SFT policy can solve most problems when sampled several times but often does
/// not: the regime RLVR is for, since the reward (the final answer) selects the correct carry decisions. The
/// verifier checks only the final answer against the true sum. Problems without a carry have one procedure only.
/// <code>
/// 457+68          correct              never carries
///                 7+8+0=15 5           7+8+0=15 5
///                 5+6+1=12 25          5+6+0=11 15
///                 4+0+1=5 525          4+0+0=4 415
///                 #### 525             #### 415
/// </code></summary>
public sealed class FlawedAdditionTask : GeneratedTask
{
    public const string TaskName = "flawed-addition";
    private readonly FlawedAdditionOptions _options;

    public FlawedAdditionTask(int seed = 0, FlawedAdditionOptions? options = null)
        : base(TaskName, seed, Validate(options ?? new FlawedAdditionOptions()))
    {
        _options = options ?? new FlawedAdditionOptions();
    }

    public FlawedAdditionOptions Options => _options;

    private static FlawedAdditionOptions Validate(FlawedAdditionOptions o)
    {
        if (o.MinDigits < 1 || o.MaxDigits > 9 || o.MinDigits > o.MaxDigits)
            throw new ArgumentException($"{TaskName} digits must satisfy 1 <= min <= max <= 9, got {o.MinDigits}..{o.MaxDigits}");
        if (!(o.FlawedShare is >= 0 and <= 1))
            throw new ArgumentException($"{TaskName} flawed share must be in [0, 1], got {o.FlawedShare}");
        if (o.MinCarries < 0 || o.MinCarries > o.MaxDigits)
            throw new ArgumentException($"{TaskName} min carries must be in [0, max digits = {o.MaxDigits}], got {o.MinCarries}");
        if (o.Flaws.Count == 0)
            throw new ArgumentException($"{TaskName} needs at least one flaw kind");
        return o;
    }

    protected override Problem Generate(DeterministicRandom random)
    {
        string a, b;
        do
        {
            a = AdditionTask.RandomOperand(random, _options.MinDigits, _options.MaxDigits).ToString();
            b = AdditionTask.RandomOperand(random, _options.MinDigits, _options.MaxDigits).ToString();
        } while (ColumnAddition.CarryingColumns(a, b).Count < _options.MinCarries);
        // A fixed number of draws per problem: the prompts (and so the test split) do not depend on the flaw knobs.
        var flawed = random.NextDouble() < _options.FlawedShare;
        var flaw = _options.Flaws[random.Next(0, _options.Flaws.Count - 1)];
        var pick = random.NextUInt64();
        var carry = flawed ? FlawedCarry(flaw, a, b, pick) : ColumnAddition.CorrectCarry;
        var (lines, result) = ColumnAddition.Work(a, b, carry, _options.RunningResult, writeCarry: !(flawed && flaw == AdditionFlaw.IgnoreCarry));
        var answer = (long.Parse(a) + long.Parse(b)).ToString();
        return new Problem($"{a}+{b}\n", answer, lines + FinalAnswer.Format(result));
    }

    private static Func<int, int, int> FlawedCarry(AdditionFlaw flaw, string a, string b, ulong pick)
    {
        if (flaw is AdditionFlaw.NeverCarry or AdditionFlaw.IgnoreCarry) return (_, _) => 0;
        var carrying = ColumnAddition.CarryingColumns(a, b);
        if (carrying.Count == 0) return ColumnAddition.CorrectCarry;
        var dropped = carrying[(int)(pick % (ulong)carrying.Count)];
        return (column, sum) => column == dropped ? 0 : sum / 10;
    }
}
