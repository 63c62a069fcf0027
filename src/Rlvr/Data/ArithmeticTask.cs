using System.Text;

namespace Rlvr.Data;

/// <summary>Difficulty of <see cref="ArithmeticTask"/>.</summary>
public sealed record ArithmeticOptions : GeneratedTaskOptions
{
    public int MinOperations { get; init; } = 2;
    public int MaxOperations { get; init; } = 3;
    public int MinOperand { get; init; } = 1;
    public int MaxOperand { get; init; } = 9;
    /// <summary>Which of '+', '-', '*' may appear.</summary>
    public string Operators { get; init; } = "+-*";
    /// <summary>Chance that one sub-expression is wrapped in parentheses.</summary>
    public double ParenthesesProbability { get; init; } = 0.2;
    /// <summary>Largest allowed intermediate or final result; keeps multiplication chains within a tiny model's reach.</summary>
    public long MaxResult { get; init; } = 100;
}

/// <summary>Multi-step integer expressions evaluated one operation per line, in precedence order. Prompt
/// "3+4*5-6\n", response "4*5=20\n3+20=23\n23-6=17\n#### 17". Intermediate results stay within 0..MaxResult,
/// which keeps every line in the plain "a op b=c" shape and the numbers small.</summary>
public sealed class ArithmeticTask : GeneratedTask
{
    public const string TaskName = "arithmetic";
    private readonly ArithmeticOptions _options;

    public ArithmeticTask(int seed = 0, ArithmeticOptions? options = null)
        : base(TaskName, seed, Validate(options ?? new ArithmeticOptions()))
    {
        _options = options ?? new ArithmeticOptions();
    }

    private static ArithmeticOptions Validate(ArithmeticOptions o)
    {
        if (o.MinOperations < 1 || o.MinOperations > o.MaxOperations || o.MaxOperations > 8)
            throw new ArgumentException($"arithmetic operations must satisfy 1 <= Min <= Max <= 8, got {o.MinOperations}..{o.MaxOperations}");
        if (o.MinOperand < 0 || o.MinOperand > o.MaxOperand || o.MaxOperand > 10_000)
            throw new ArgumentException($"arithmetic operands must satisfy 0 <= Min <= Max <= 10000, got {o.MinOperand}..{o.MaxOperand}");
        if (o.MaxResult < 1)
            throw new ArgumentException($"arithmetic MaxResult must be positive, got {o.MaxResult}");
        if (o.Operators.Length == 0 || o.Operators.Any(c => c is not ('+' or '-' or '*')))
            throw new ArgumentException($"arithmetic operators must be a non-empty subset of \"+-*\", got \"{o.Operators}\"");
        return o;
    }

    protected override Problem Generate(DeterministicRandom random)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var tokens = RandomExpression(random);
            var prompt = string.Concat(tokens) + "\n";
            var steps = new StringBuilder();
            if (TryEvaluate(tokens, steps, _options.MaxResult) is { } value)
                return new Problem(prompt, value.ToString(), steps + FinalAnswer.Format(value.ToString()));
        }
        throw new InvalidOperationException(
            $"arithmetic: no expression with results in 0..{_options.MaxResult} found in {MaxAttempts} attempts; widen the options");
    }

    private const int MaxAttempts = 100_000;

    /// <summary>Tokens are long operands and the strings "+", "-", "*", "(", ")".</summary>
    private List<object> RandomExpression(DeterministicRandom random)
    {
        var operations = random.Next(_options.MinOperations, _options.MaxOperations);
        var tokens = new List<object> { (long)random.Next(_options.MinOperand, _options.MaxOperand) };
        for (var i = 0; i < operations; i++)
        {
            tokens.Add(_options.Operators[random.Next(0, _options.Operators.Length - 1)].ToString());
            tokens.Add((long)random.Next(_options.MinOperand, _options.MaxOperand));
        }
        if (operations >= 2 && random.NextDouble() < _options.ParenthesesProbability)
        {
            // Wrap operands first..last (a proper sub-expression, never the whole thing); operand k sits at index 2k.
            var first = random.Next(0, operations - 1);
            var last = random.Next(first + 1, first == 0 ? operations - 1 : operations);
            tokens.Insert(2 * last + 1, ")");
            tokens.Insert(2 * first, "(");
        }
        return tokens;
    }

    /// <summary>Reduces the innermost group, multiplication first, leftmost first; null when a result leaves 0..maxResult.</summary>
    private static long? TryEvaluate(List<object> tokens, StringBuilder steps, long maxResult)
    {
        while (tokens.Count > 1)
        {
            var open = tokens.LastIndexOf("(");
            var start = open + 1;
            var end = open < 0 ? tokens.Count : tokens.IndexOf(")", start);
            if (end - start == 1)
            {
                tokens.RemoveAt(end);
                tokens.RemoveAt(open);
                continue;
            }
            var at = tokens.FindIndex(start, end - start, t => t is "*");
            if (at < 0) at = start + 1; // leftmost + or -
            var (left, op, right) = ((long)tokens[at - 1], (string)tokens[at], (long)tokens[at + 1]);
            var result = op switch { "+" => left + right, "-" => left - right, _ => left * right };
            if (result < 0 || result > maxResult) return null;
            steps.Append($"{left}{op}{right}={result}\n");
            tokens.RemoveRange(at - 1, 3);
            tokens.Insert(at - 1, result);
        }
        return (long)tokens[0];
    }
}
