using System.Numerics;

namespace Rlvr.Verification;

/// <summary>Decides whether two expressions are equal: exactly with rationals when both are rational, otherwise by
/// evaluating at fixed pseudo-random points with a relative tolerance of 1e-6. Where evaluation overflows or is
/// undefined, only identically written expressions are equal.</summary>
public static class ExprEquivalence
{
    public const double RelativeTolerance = 1e-6;
    const int Points = 4;

    public static bool Equal(Expr gold, Expr pred)
    {
        var g = gold.Exact();
        var p = pred.Exact();
        if (g is { } ge && p is { } pe)
        {
            if (ge.Equals(pe)) return true;
            // Exactness is only promised by exact notation; a written decimal is an approximation.
            if (!ContainsDecimal(gold) && !ContainsDecimal(pred)) return false;
            return WithinTolerance(ge, pe) || RoundedMatch(ge, pred);
        }
        if (RoundedMatchNumeric(gold, pred)) return true;
        return NumericallyEqual(gold, pred, (a, b) => Close(a, b));
    }

    /// <summary>True when f = c·g for a constant c (positive when <paramref name="positive"/>), as for equations
    /// written with both sides scaled or inequalities rearranged.</summary>
    public static bool Proportional(Expr f, Expr g, bool positive)
    {
        var symbols = new HashSet<string>(StringComparer.Ordinal);
        f.CollectSymbols(symbols);
        g.CollectSymbols(symbols);
        Complex? ratio = null;
        int used = 0;
        foreach (var point in SamplePoints(symbols))
        {
            var a = f.Evaluate(point);
            var b = g.Evaluate(point);
            if (!IsFinite(a) || !IsFinite(b)) continue;
            if (b.Magnitude < 1e-12 || a.Magnitude < 1e-12)
            {
                if (b.Magnitude < 1e-12 && a.Magnitude < 1e-12) { used++; continue; }
                return false;
            }
            var r = a / b;
            if (ratio is { } r0 && !Close(r0, r)) return false;
            ratio ??= r;
            used++;
        }
        if (used == 0) return false;
        if (ratio is not { } final) return true;
        return !positive || (Math.Abs(final.Imaginary) < 1e-9 && final.Real > 0);
    }

    static bool ContainsDecimal(Expr e) => e switch
    {
        NumberExpr n => n.IsDecimalLiteral,
        NegateExpr n => ContainsDecimal(n.Operand),
        SumExpr s => s.Terms.Any(ContainsDecimal),
        ProductExpr p => p.Factors.Any(ContainsDecimal),
        QuotientExpr q => ContainsDecimal(q.Numerator) || ContainsDecimal(q.Denominator),
        PowerExpr p => ContainsDecimal(p.Base) || ContainsDecimal(p.Exponent),
        FunctionExpr f => ContainsDecimal(f.Argument),
        _ => false,
    };

    static bool WithinTolerance(Rational a, Rational b)
    {
        if (Rational.Add(a, b.Negate()) is not { } diff) return false;
        var scale = BigInteger.Max(BigInteger.Abs(a.Numerator) * b.Denominator, BigInteger.Abs(b.Numerator) * a.Denominator);
        // |a-b| <= tol * max(|a|,|b|), compared exactly by cross-multiplying.
        var lhs = BigInteger.Abs(diff.Numerator) * a.Denominator * b.Denominator * 1_000_000;
        return lhs <= scale * diff.Denominator;
    }

    /// <summary>A decimal answer with at least three significant digits counts when it is the gold value correctly
    /// rounded, unless the gold value can itself be written with that many decimals (then exactness is expected).</summary>
    static bool RoundedMatch(Rational gold, Expr pred)
    {
        if (LiteralDecimals(pred) is not { } literal || literal.Significant < 3) return false;
        var scale = BigInteger.Pow(10, literal.Decimals);
        var scaled = Rational.Multiply(gold, new Rational(scale, 1));
        if (scaled is not { } s || s.IsInteger) return false;
        if (pred.Exact() is not { } p || Rational.Add(gold, p.Negate()) is not { } diff) return false;
        // |gold - pred| <= 0.5 * 10^-decimals
        return BigInteger.Abs(diff.Numerator) * scale * 2 <= diff.Denominator;
    }

    static bool RoundedMatchNumeric(Expr gold, Expr pred)
    {
        if (LiteralDecimals(pred) is not { } literal || literal.Significant < 3 || pred.Exact() is not { } p) return false;
        var symbols = new HashSet<string>();
        gold.CollectSymbols(symbols);
        if (symbols.Count > 0) return false;
        var g = gold.Evaluate(EmptyPoint);
        if (!IsFinite(g) || Math.Abs(g.Imaginary) > 1e-12) return false;
        var tolerance = 0.5 * Math.Pow(10, -literal.Decimals) * (1 + 1e-9);
        return Math.Abs(g.Real - p.ToDouble()) <= tolerance;
    }

    static (int Decimals, int Significant)? LiteralDecimals(Expr e)
    {
        if (e is NegateExpr n) return LiteralDecimals(n.Operand);
        if (e is not NumberExpr { IsDecimalLiteral: true } number) return null;
        var digits = BigInteger.Abs(number.Value.Numerator * BigInteger.Pow(10, number.Decimals) / number.Value.Denominator).ToString();
        return (number.Decimals, digits.TrimStart('0').Length);
    }

    static readonly IReadOnlyDictionary<string, Complex> EmptyPoint = new Dictionary<string, Complex>();

    static bool NumericallyEqual(Expr gold, Expr pred, Func<Complex, Complex, bool> same)
    {
        var symbols = new HashSet<string>(StringComparer.Ordinal);
        gold.CollectSymbols(symbols);
        pred.CollectSymbols(symbols);
        int compared = 0;
        foreach (var point in SamplePoints(symbols))
        {
            var a = gold.Evaluate(point);
            var b = pred.Evaluate(point);
            bool aNaN = double.IsNaN(a.Real) || double.IsNaN(a.Imaginary);
            bool bNaN = double.IsNaN(b.Real) || double.IsNaN(b.Imaginary);
            if (aNaN && bNaN) continue;
            if (aNaN != bNaN) return false;
            if (!IsFinite(a) || !IsFinite(b))
            {
                // An infinite value means infinity only where both answers write \infty; otherwise it is an overflow
                // (5000! and 5001! both evaluate to +inf) and says nothing about equality.
                if (!ExprShape.WritesInfinity(gold) || !ExprShape.WritesInfinity(pred)) return ExprShape.Same(gold, pred);
                if (a.Real != b.Real) return false;
                compared++;
                continue;
            }
            if (!same(a, b)) return false;
            compared++;
        }
        // No point gave two defined values: only an identical tree is known to be equal.
        return compared > 0 || ExprShape.Same(gold, pred);
    }

    public static bool Close(Complex a, Complex b)
    {
        var diff = (a - b).Magnitude;
        var scale = Math.Max(a.Magnitude, b.Magnitude);
        return diff <= RelativeTolerance * scale || diff < 1e-12;
    }

    static bool IsFinite(Complex c) => double.IsFinite(c.Real) && double.IsFinite(c.Imaginary);

    /// <summary>Positive sample values keep roots and logs on their principal branches, where rewritings such as
    /// x^(2/3) = (x^(1/3))^2 hold.</summary>
    static IEnumerable<IReadOnlyDictionary<string, Complex>> SamplePoints(HashSet<string> symbols)
    {
        if (symbols.Count == 0) { yield return EmptyPoint; yield break; }
        var ordered = symbols.OrderBy(s => s, StringComparer.Ordinal).ToArray();
        var random = new Random(20240607);
        for (int i = 0; i < Points; i++)
        {
            var point = new Dictionary<string, Complex>(ordered.Length, StringComparer.Ordinal);
            foreach (var name in ordered) point[name] = 0.35 + 1.9 * random.NextDouble();
            yield return point;
        }
    }
}
