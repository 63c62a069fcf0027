namespace Rlvr.Verification;

/// <summary>Whether two parsed expressions are written the same way (same tree, same numbers). Identical trees have
/// equal values wherever they are defined, so this decides equality when evaluation cannot: a value too large for a
/// double (5000!) overflows to infinity in both answers whether they are equal or not.</summary>
public static class ExprShape
{
    public static bool Same(Expr? a, Expr? b) => (a, b) switch
    {
        (null, null) => true,
        (NumberExpr x, NumberExpr y) => x.Value.Equals(y.Value),
        (ConstantExpr x, ConstantExpr y) => x.Name == y.Name,
        (SymbolExpr x, SymbolExpr y) => x.Name == y.Name,
        (SumExpr x, SumExpr y) => All(x.Terms, y.Terms),
        (ProductExpr x, ProductExpr y) => All(x.Factors, y.Factors),
        (NegateExpr x, NegateExpr y) => Same(x.Operand, y.Operand),
        (QuotientExpr x, QuotientExpr y) => Same(x.Numerator, y.Numerator) && Same(x.Denominator, y.Denominator),
        (PowerExpr x, PowerExpr y) => Same(x.Base, y.Base) && Same(x.Exponent, y.Exponent),
        (FunctionExpr x, FunctionExpr y) => x.Name == y.Name && Same(x.Argument, y.Argument) && Same(x.Parameter, y.Parameter),
        (BinomialExpr x, BinomialExpr y) => Same(x.N, y.N) && Same(x.K, y.K),
        (MultiFunctionExpr x, MultiFunctionExpr y) => x.Name == y.Name && All(x.Arguments, y.Arguments),
        _ => false,
    };

    static bool All(IReadOnlyList<Expr> a, IReadOnlyList<Expr> b) => a.Count == b.Count && a.Zip(b).All(p => Same(p.First, p.Second));

    /// <summary>True when the expression writes infinity (\infty) itself, so that an infinite value is its meaning
    /// rather than an overflow.</summary>
    public static bool WritesInfinity(Expr? e) => e switch
    {
        ConstantExpr c => c.Name == "inf",
        SumExpr s => s.Terms.Any(WritesInfinity),
        ProductExpr p => p.Factors.Any(WritesInfinity),
        NegateExpr n => WritesInfinity(n.Operand),
        QuotientExpr q => WritesInfinity(q.Numerator) || WritesInfinity(q.Denominator),
        PowerExpr p => WritesInfinity(p.Base) || WritesInfinity(p.Exponent),
        FunctionExpr f => WritesInfinity(f.Argument) || WritesInfinity(f.Parameter),
        BinomialExpr b => WritesInfinity(b.N) || WritesInfinity(b.K),
        MultiFunctionExpr m => m.Arguments.Any(WritesInfinity),
        _ => false,
    };
}
