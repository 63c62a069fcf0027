using System.Numerics;

namespace Rlvr.Verification;

/// <summary>A parsed mathematical expression. <see cref="Exact"/> gives the value as a fraction when it is rational
/// and cheap to compute; <see cref="Evaluate"/> gives a complex value with symbols bound to the given point.</summary>
public abstract class Expr
{
    public abstract Rational? Exact();
    public abstract Complex Evaluate(IReadOnlyDictionary<string, Complex> point);
    public abstract void CollectSymbols(HashSet<string> symbols);
}

public sealed class NumberExpr(Rational value, int decimals, bool isDecimalLiteral) : Expr
{
    public Rational Value { get; } = value;
    /// <summary>Digits after the decimal point as written, for judging rounded answers.</summary>
    public int Decimals { get; } = decimals;
    public bool IsDecimalLiteral { get; } = isDecimalLiteral;
    public override Rational? Exact() => Value;
    public override Complex Evaluate(IReadOnlyDictionary<string, Complex> point) => Value.ToDouble();
    public override void CollectSymbols(HashSet<string> symbols) { }
}

public sealed class ConstantExpr(string name) : Expr
{
    public string Name { get; } = name;
    public override Rational? Exact() => null;
    public override Complex Evaluate(IReadOnlyDictionary<string, Complex> point) => Name switch
    {
        "pi" => Math.PI,
        "e" => Math.E,
        "i" => Complex.ImaginaryOne,
        "inf" => double.PositiveInfinity,
        _ => double.NaN,
    };
    public override void CollectSymbols(HashSet<string> symbols) { }
}

public sealed class SymbolExpr(string name) : Expr
{
    public string Name { get; } = name;
    public override Rational? Exact() => null;
    public override Complex Evaluate(IReadOnlyDictionary<string, Complex> point) =>
        point.TryGetValue(Name, out var v) ? v : double.NaN;
    public override void CollectSymbols(HashSet<string> symbols) => symbols.Add(Name);
}

public sealed class SumExpr(IReadOnlyList<Expr> terms) : Expr
{
    public IReadOnlyList<Expr> Terms { get; } = terms;
    public override Rational? Exact()
    {
        var total = Rational.Zero;
        foreach (var t in Terms)
        {
            if (t.Exact() is not { } v || Rational.Add(total, v) is not { } next) return null;
            total = next;
        }
        return total;
    }
    public override Complex Evaluate(IReadOnlyDictionary<string, Complex> point)
    {
        Complex total = 0;
        foreach (var t in Terms) total += t.Evaluate(point);
        return total;
    }
    public override void CollectSymbols(HashSet<string> symbols) { foreach (var t in Terms) t.CollectSymbols(symbols); }
}

public sealed class ProductExpr(IReadOnlyList<Expr> factors) : Expr
{
    public IReadOnlyList<Expr> Factors { get; } = factors;
    public override Rational? Exact()
    {
        var total = Rational.One;
        foreach (var f in Factors)
        {
            if (f.Exact() is not { } v || Rational.Multiply(total, v) is not { } next) return null;
            total = next;
        }
        return total;
    }
    public override Complex Evaluate(IReadOnlyDictionary<string, Complex> point)
    {
        Complex total = 1;
        foreach (var f in Factors) total *= f.Evaluate(point);
        return total;
    }
    public override void CollectSymbols(HashSet<string> symbols) { foreach (var f in Factors) f.CollectSymbols(symbols); }
}

public sealed class NegateExpr(Expr operand) : Expr
{
    public Expr Operand { get; } = operand;
    public override Rational? Exact() => Operand.Exact()?.Negate();
    public override Complex Evaluate(IReadOnlyDictionary<string, Complex> point) => -Operand.Evaluate(point);
    public override void CollectSymbols(HashSet<string> symbols) => Operand.CollectSymbols(symbols);
}

public sealed class QuotientExpr(Expr numerator, Expr denominator) : Expr
{
    public Expr Numerator { get; } = numerator;
    public Expr Denominator { get; } = denominator;
    public override Rational? Exact() =>
        Numerator.Exact() is { } n && Denominator.Exact() is { } d ? Rational.Divide(n, d) : null;
    public override Complex Evaluate(IReadOnlyDictionary<string, Complex> point)
    {
        var d = Denominator.Evaluate(point);
        return d == Complex.Zero ? new Complex(double.NaN, double.NaN) : Numerator.Evaluate(point) / d;
    }
    public override void CollectSymbols(HashSet<string> symbols) { Numerator.CollectSymbols(symbols); Denominator.CollectSymbols(symbols); }
}

public sealed class PowerExpr(Expr @base, Expr exponent) : Expr
{
    public Expr Base { get; } = @base;
    public Expr Exponent { get; } = exponent;

    public override Rational? Exact()
    {
        if (Exponent.Exact() is not { } e || Base.Exact() is not { } b) return null;
        if (e.IsInteger) return Rational.Power(b, e.Numerator);
        // Rational exponents are exact only for perfect roots, e.g. 8^(2/3) = 4.
        if (e.Denominator != 2 && e.Denominator != 3 || b.Sign < 0) return null;
        var root = e.Denominator == 2 ? b.ExactSqrt() : ExactCubeRoot(b);
        return root is { } r ? Rational.Power(r, e.Numerator) : null;
    }

    static Rational? ExactCubeRoot(Rational value)
    {
        if (value.BitSize > 4000) return null;
        var n = IntegerCubeRoot(value.Numerator);
        var d = IntegerCubeRoot(value.Denominator);
        return n * n * n == value.Numerator && d * d * d == value.Denominator ? new Rational(n, d) : null;
    }

    static BigInteger IntegerCubeRoot(BigInteger v)
    {
        if (v.Sign <= 0) return BigInteger.Zero;
        var guess = new BigInteger(Math.Round(Math.Pow((double)v, 1.0 / 3)));
        for (var g = guess - 2; g <= guess + 2; g++) if (g * g * g == v) return g;
        return guess;
    }

    public override Complex Evaluate(IReadOnlyDictionary<string, Complex> point)
    {
        var b = Base.Evaluate(point);
        var e = Exponent.Evaluate(point);
        if (e.Imaginary == 0 && Math.Abs(e.Real) > 1e6 && Math.Abs(b.Magnitude - 1) > 1e-12)
            return b.Magnitude > 1 == e.Real > 0 ? double.PositiveInfinity : Complex.Zero;
        if (e.Imaginary == 0 && e.Real == Math.Round(e.Real) && Math.Abs(e.Real) <= 64)
        {
            // Integer powers by multiplication keep negative bases real.
            var n = (int)Math.Abs(e.Real);
            Complex result = 1;
            for (int i = 0; i < n; i++) result *= b;
            return e.Real < 0 ? 1 / result : result;
        }
        if (b.Imaginary == 0 && b.Real < 0 && e.Imaginary == 0 && Exponent is QuotientExpr { Denominator: NumberExpr { Value.Numerator: var den } } && den == 3)
            return -Complex.Pow(-b.Real, e.Real);
        return b == Complex.Zero && e.Real > 0 ? Complex.Zero : Complex.Pow(b, e);
    }

    public override void CollectSymbols(HashSet<string> symbols) { Base.CollectSymbols(symbols); Exponent.CollectSymbols(symbols); }
}

public sealed class FunctionExpr(string name, Expr argument, Expr? parameter = null) : Expr
{
    public string Name { get; } = name;
    public Expr Argument { get; } = argument;
    /// <summary>Log base or root index when given.</summary>
    public Expr? Parameter { get; } = parameter;

    public override Rational? Exact()
    {
        switch (Name)
        {
            case "sqrt" when Parameter is null: return Argument.Exact()?.ExactSqrt();
            case "abs": return Argument.Exact() is { } a ? (a.Sign < 0 ? a.Negate() : a) : null;
            case "factorial": return Factorial(Argument.Exact());
            case "floor": return Argument.Exact() is { } f ? new Rational(FloorDiv(f.Numerator, f.Denominator), 1) : null;
            case "ceil": return Argument.Exact() is { } c ? new Rational(-FloorDiv(-c.Numerator, c.Denominator), 1) : null;
            default: return null;
        }
    }

    public const int MaxExactFactorial = 2100;

    public static System.Numerics.BigInteger FloorDiv(System.Numerics.BigInteger n, System.Numerics.BigInteger d)
    {
        var q = System.Numerics.BigInteger.DivRem(n, d, out var r);
        return !r.IsZero && (r.Sign < 0) != (d.Sign < 0) ? q - 1 : q;
    }

    static Rational? Factorial(Rational? n)
    {
        if (n is not { IsInteger: true } v || v.Sign < 0 || v.Numerator > MaxExactFactorial) return null;
        BigInteger result = 1;
        for (int i = 2; i <= (int)v.Numerator; i++) result *= i;
        return new Rational(result, 1);
    }

    public override Complex Evaluate(IReadOnlyDictionary<string, Complex> point)
    {
        var x = Argument.Evaluate(point);
        switch (Name)
        {
            case "sqrt":
                if (Parameter is null) return Complex.Sqrt(x);
                var index = Parameter.Evaluate(point);
                if (x.Imaginary == 0 && x.Real < 0 && index.Real % 2 == 1) return -Math.Pow(-x.Real, 1 / index.Real);
                return Complex.Pow(x, 1 / index);
            case "abs": return x.Magnitude;
            case "factorial":
                if (x.Imaginary != 0 || x.Real < 0 || x.Real != Math.Round(x.Real)) return double.NaN;
                if (x.Real > 170) return double.PositiveInfinity;
                double f = 1;
                for (int i = 2; i <= (int)x.Real; i++) f *= i;
                return f;
            case "sin": return Complex.Sin(x);
            case "cos": return Complex.Cos(x);
            case "tan": return Complex.Tan(x);
            case "sec": return 1 / Complex.Cos(x);
            case "csc": return 1 / Complex.Sin(x);
            case "cot": return 1 / Complex.Tan(x);
            case "arcsin": return Complex.Asin(x);
            case "arccos": return Complex.Acos(x);
            case "arctan": return Complex.Atan(x);
            case "sinh": return Complex.Sinh(x);
            case "cosh": return Complex.Cosh(x);
            case "tanh": return Complex.Tanh(x);
            case "arsinh": return Complex.Log(x + Complex.Sqrt(x * x + 1));
            case "arcosh": return Complex.Log(x + Complex.Sqrt(x + 1) * Complex.Sqrt(x - 1));
            case "artanh": return 0.5 * Complex.Log((1 + x) / (1 - x));
            case "arccot": return Complex.Atan(1 / x);
            case "arcsec": return Complex.Acos(1 / x);
            case "arccsc": return Complex.Asin(1 / x);
            case "coth": return 1 / Complex.Tanh(x);
            case "sech": return 1 / Complex.Cosh(x);
            case "csch": return 1 / Complex.Sinh(x);
            case "floor": return x.Imaginary == 0 ? Math.Floor(x.Real) : double.NaN;
            case "ceil": return x.Imaginary == 0 ? Math.Ceiling(x.Real) : double.NaN;
            case "exp": return Complex.Exp(x);
            case "ln": return Complex.Log(x);
            case "log":
                var logBase = Parameter?.Evaluate(point) ?? 10;
                return Complex.Log(x) / Complex.Log(logBase);
            default: return double.NaN;
        }
    }

    public override void CollectSymbols(HashSet<string> symbols) { Argument.CollectSymbols(symbols); Parameter?.CollectSymbols(symbols); }
}

public sealed class BinomialExpr(Expr n, Expr k) : Expr
{
    public Expr N { get; } = n;
    public Expr K { get; } = k;

    public override Rational? Exact()
    {
        if (N.Exact() is not { IsInteger: true } n || K.Exact() is not { IsInteger: true } k) return null;
        if (k.Sign < 0 || k.Numerator > n.Numerator) return Rational.Zero;
        if (n.Numerator > 100_000) return null;
        var kk = (int)BigInteger.Min(k.Numerator, n.Numerator - k.Numerator);
        if (kk > 5000) return null;
        BigInteger result = 1;
        for (int i = 1; i <= kk; i++) result = result * (n.Numerator - kk + i) / i;
        return new Rational(result, 1);
    }

    public override Complex Evaluate(IReadOnlyDictionary<string, Complex> point)
    {
        if (Exact() is { } exact) return exact.ToDouble();
        var n = N.Evaluate(point).Real;
        var k = K.Evaluate(point).Real;
        if (k != Math.Round(k) || k < 0 || k > 1000) return double.NaN;
        double result = 1;
        for (int i = 1; i <= (int)k; i++) result *= (n - k + i) / i;
        return result;
    }

    public override void CollectSymbols(HashSet<string> symbols) { N.CollectSymbols(symbols); K.CollectSymbols(symbols); }
}

/// <summary>gcd, lcm, max, min of several arguments, and the binary mod.</summary>
public sealed class MultiFunctionExpr(string name, IReadOnlyList<Expr> arguments) : Expr
{
    public string Name { get; } = name;
    public IReadOnlyList<Expr> Arguments { get; } = arguments;

    public override Rational? Exact()
    {
        var values = new List<Rational>(Arguments.Count);
        foreach (var a in Arguments) { if (a.Exact() is not { } v) return null; values.Add(v); }
        if (values.Count == 0) return null;
        switch (Name)
        {
            case "max": return values.Aggregate((a, b) => Compare(a, b) >= 0 ? a : b);
            case "min": return values.Aggregate((a, b) => Compare(a, b) <= 0 ? a : b);
            case "gcd" or "lcm":
                if (values.Any(v => !v.IsInteger || v.BitSize > 4000)) return null;
                var acc = BigInteger.Abs(values[0].Numerator);
                foreach (var v in values.Skip(1))
                {
                    var n = BigInteger.Abs(v.Numerator);
                    if (Name == "gcd") acc = BigInteger.GreatestCommonDivisor(acc, n);
                    else { var g = BigInteger.GreatestCommonDivisor(acc, n); acc = g.IsZero ? BigInteger.Zero : acc / g * n; }
                }
                return new Rational(acc, 1);
            case "mod" when values.Count == 2:
                var (x, m) = (values[0], values[1]);
                if (m.IsZero || Rational.Divide(x, m) is not { } q) return null;
                var whole = new Rational(FunctionExpr.FloorDiv(q.Numerator, q.Denominator), 1);
                return Rational.Multiply(m, whole) is { } t ? Rational.Add(x, t.Negate()) : null;
            default: return null;
        }
    }

    static int Compare(Rational a, Rational b) => (a.Numerator * b.Denominator).CompareTo(b.Numerator * a.Denominator);

    public override Complex Evaluate(IReadOnlyDictionary<string, Complex> point)
    {
        if (Exact() is { } exact) return exact.ToDouble();
        var values = Arguments.Select(a => a.Evaluate(point)).ToList();
        if (values.Count == 0 || values.Any(v => v.Imaginary != 0 || !double.IsFinite(v.Real))) return double.NaN;
        var reals = values.Select(v => v.Real).ToList();
        switch (Name)
        {
            case "max": return reals.Max();
            case "min": return reals.Min();
            case "mod" when reals.Count == 2 && reals[1] != 0: return reals[0] - reals[1] * Math.Floor(reals[0] / reals[1]);
            case "gcd" or "lcm":
                if (reals.Any(r => r != Math.Round(r) || Math.Abs(r) > 1e15)) return double.NaN;
                long acc = (long)Math.Abs(reals[0]);
                foreach (var r in reals.Skip(1))
                {
                    long n = (long)Math.Abs(r), a = acc, b = n;
                    while (b != 0) (a, b) = (b, a % b);
                    acc = Name == "gcd" ? a : a == 0 ? 0 : acc / a * n;
                }
                return acc;
            default: return double.NaN;
        }
    }

    public override void CollectSymbols(HashSet<string> symbols) { foreach (var a in Arguments) a.CollectSymbols(symbols); }
}
