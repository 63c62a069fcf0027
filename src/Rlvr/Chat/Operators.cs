namespace Rlvr.Chat;

/// <summary>Python's arithmetic, concatenation and comparison operators on template values.</summary>
internal static class Operators
{
    public static object? Unary(string op, object? operand) => op switch
    {
        "not" => !PyValues.IsTrue(operand),
        "-" => operand switch
        {
            long l => (object)checked(-l),
            double d => -d,
            bool b => b ? -1L : 0L,
            _ => throw BadOperand("unary -", operand),
        },
        _ => PyValues.IsNumber(operand) ? operand is bool b ? (b ? 1L : 0L) : operand : throw BadOperand("unary +", operand),
    };

    public static object? Binary(string op, object? left, object? right)
    {
        if (op == "~") return PyValues.Str(left) + PyValues.Str(right);
        if (left is Undefined undefinedLeft) throw new InvalidOperationException(undefinedLeft.Description);
        if (right is Undefined undefinedRight) throw new InvalidOperationException(undefinedRight.Description);
        if (PyValues.IsNumber(left) && PyValues.IsNumber(right)) return Arithmetic(op, left, right);
        return (op, left, right) switch
        {
            ("+", string a, string b) => a + b,
            ("+", List<object?> a, List<object?> b) => a.Concat(b).ToList(),
            ("+", object?[] a, object?[] b) => a.Concat(b).ToArray(),
            ("*", string a, long or bool) => string.Concat(Enumerable.Repeat(a, (int)Math.Max(0, PyValues.ToLong(right)))),
            ("*", List<object?> a, long or bool) => Enumerable.Repeat(a, (int)Math.Max(0, PyValues.ToLong(right))).SelectMany(x => x).ToList(),
            ("%", string, _) => throw new InvalidOperationException("unsupported operator: string formatting with '%'"),
            _ => throw new InvalidOperationException(
                $"unsupported operand type(s) for {op}: '{PyValues.TypeName(left)}' and '{PyValues.TypeName(right)}'"),
        };
    }

    private static object Arithmetic(string op, object? left, object? right)
    {
        var integral = left is not double && right is not double;
        if (integral)
        {
            long a = PyValues.ToLong(left), b = PyValues.ToLong(right);
            switch (op)
            {
                case "+": return checked(a + b);
                case "-": return checked(a - b);
                case "*": return checked(a * b);
                case "//": return b == 0 ? throw DivisionByZero() : FloorDiv(a, b);
                case "%": return b == 0 ? throw DivisionByZero() : a - b * FloorDiv(a, b);
                case "**" when b >= 0: return IntegerPower(a, b);
            }
        }
        double x = PyValues.ToDouble(left), y = PyValues.ToDouble(right);
        return op switch
        {
            "+" => x + y,
            "-" => x - y,
            "*" => x * y,
            "/" => y == 0 ? throw DivisionByZero() : x / y,
            "//" => y == 0 ? throw DivisionByZero() : Math.Floor(x / y),
            "%" => y == 0 ? throw DivisionByZero() : x - y * Math.Floor(x / y),
            "**" => Math.Pow(x, y),
            _ => throw new InvalidOperationException($"unsupported operator '{op}'"),
        };
    }

    private static long FloorDiv(long a, long b) => a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);

    private static long IntegerPower(long a, long b)
    {
        var result = 1L;
        for (; b > 0; b >>= 1)
        {
            if ((b & 1) != 0) result = checked(result * a);
            if (b > 1) a = checked(a * a);
        }
        return result;
    }

    private static InvalidOperationException DivisionByZero() => new("division by zero");

    private static InvalidOperationException BadOperand(string op, object? operand) =>
        operand is Undefined undefined ? new(undefined.Description) : new($"bad operand type for {op}: '{PyValues.TypeName(operand)}'");

    public static bool Compare(string op, object? left, object? right) => op switch
    {
        "==" => PyValues.AreEqual(left, right),
        "!=" => !PyValues.AreEqual(left, right),
        "<" => PyValues.Compare(left, right) < 0,
        "<=" => PyValues.Compare(left, right) <= 0,
        ">" => PyValues.Compare(left, right) > 0,
        ">=" => PyValues.Compare(left, right) >= 0,
        "in" => PyValues.Contains(right, left),
        "not in" => !PyValues.Contains(right, left),
        _ => throw new InvalidOperationException($"unsupported comparison '{op}'"),
    };
}
