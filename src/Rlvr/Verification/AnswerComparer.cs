namespace Rlvr.Verification;

/// <summary>Structural comparison of a gold answer with a predicted one. Gold and prediction are not symmetric: a
/// prediction "x = 5" is read as its value, while a gold equation counts as a value only when its left side is a label.</summary>
public static class AnswerComparer
{
    const int MaxDepth = 10;

    public static bool Equivalent(MathAnswer gold, MathAnswer pred) => Equivalent(gold, pred, 0);

    static bool Equivalent(MathAnswer gold, MathAnswer pred, int depth)
    {
        if (depth > MaxDepth) return false;
        if (TextAnswer.Canonicalize(gold.Text) == TextAnswer.Canonicalize(pred.Text)) return true;

        if (gold is RelationAnswer gr && pred is RelationAnswer pr)
        {
            if (RelationsEqual(gr, pr, depth)) return true;
            // "a = 1" and "b = 1" assign different quantities: never reduce both to their values.
            if (AssignsDifferentSymbols(gr, pr)) return false;
        }
        if (gold is RelationAnswer || pred is RelationAnswer)
        {
            var g = gold is RelationAnswer gRel ? AsValue(gRel, isGold: true) : gold;
            var p = pred is RelationAnswer pRel ? AsValue(pRel, isGold: false) : pred;
            if (g == null || p == null || (ReferenceEquals(g, gold) && ReferenceEquals(p, pred))) return false;
            return Equivalent(g, p, depth + 1);
        }

        switch (gold, pred)
        {
            case (ScalarAnswer g, ScalarAnswer p): return ScalarsEqual(g, p);
            case (TextAnswer, _) or (_, TextAnswer): return false;
            case (IntervalAnswer g, IntervalAnswer p):
                return g.LowerClosed == p.LowerClosed && g.UpperClosed == p.UpperClosed
                       && Equivalent(g.Lower, p.Lower, depth + 1) && Equivalent(g.Upper, p.Upper, depth + 1);
            case (IntervalAnswer g, CollectionAnswer { Kind: CollectionKind.Tuple, Items.Count: 2 } p):
                return !g.LowerClosed && !g.UpperClosed && Equivalent(g.Lower, p.Items[0], depth + 1) && Equivalent(g.Upper, p.Items[1], depth + 1);
            case (CollectionAnswer { Kind: CollectionKind.Tuple, Items.Count: 2 } g, IntervalAnswer p):
                return !p.LowerClosed && !p.UpperClosed && Equivalent(g.Items[0], p.Lower, depth + 1) && Equivalent(g.Items[1], p.Upper, depth + 1);
            case (MatrixAnswer g, MatrixAnswer p): return MatricesEqual(g, p, depth);
            case (MatrixAnswer g, CollectionAnswer { Kind: CollectionKind.Tuple } p): return VectorEqual(g, p, depth);
            case (CollectionAnswer g, MatrixAnswer p) when g.Kind == CollectionKind.Tuple: return VectorEqual(p, g, depth);
            case (CollectionAnswer g, CollectionAnswer p): return CollectionsEqual(g, p, depth);
            case (CollectionAnswer { Items.Count: 1 } g, _): return Equivalent(g.Items[0], pred, depth + 1);
            case (_, CollectionAnswer { Items.Count: 1 } p): return Equivalent(gold, p.Items[0], depth + 1);
        }
        return false;
    }

    static bool ScalarsEqual(ScalarAnswer gold, ScalarAnswer pred)
    {
        if (ExprEquivalence.Equal(gold.Expr, pred.Expr)) return true;
        if (gold.IsPercent == pred.IsPercent) return false;
        // 28% may be answered as 0.28 (and 0.28 as 28%); "28" for "28%" is caught by the comparison above.
        var hundred = new NumberExpr(Rational.FromInt(100), 0, false);
        return gold.IsPercent
            ? ExprEquivalence.Equal(new QuotientExpr(gold.Expr, hundred), pred.Expr)
            : ExprEquivalence.Equal(gold.Expr, new QuotientExpr(pred.Expr, hundred));
    }

    static bool CollectionsEqual(CollectionAnswer gold, CollectionAnswer pred, int depth)
    {
        var g = Flatten(gold);
        var p = Flatten(pred);
        bool ordered = gold.Kind == CollectionKind.Tuple || pred.Kind == CollectionKind.Tuple;
        if (ordered)
        {
            if (g.Count != p.Count) return false;
            for (int i = 0; i < g.Count; i++) if (!Equivalent(g[i], p[i], depth + 1)) return false;
            return true;
        }
        // Unordered answers are compared as sets: every item must be matched on both sides; repeats do not count.
        if (g.Count * p.Count > 4096) return false;
        var matchedPred = new bool[p.Count];
        foreach (var item in g)
        {
            bool found = false;
            for (int j = 0; j < p.Count; j++)
                if (Equivalent(item, p[j], depth + 1)) { matchedPred[j] = true; found = true; }
            if (!found) return false;
        }
        return matchedPred.All(m => m);
    }

    /// <summary>± items inside a list are sets of two; in an unordered list they contribute both values.</summary>
    static List<MathAnswer> Flatten(CollectionAnswer c)
    {
        var items = new List<MathAnswer>();
        foreach (var item in c.Items)
        {
            var value = c.Kind == CollectionKind.Tuple ? item : ValueOf(item);
            if (c.Kind != CollectionKind.Tuple && value is CollectionAnswer { Kind: CollectionKind.Set } inner && inner.Items.Count > 1 && c.Kind != CollectionKind.Union)
                items.AddRange(inner.Items);
            else items.Add(item);
        }
        return items;
    }

    static bool MatricesEqual(MatrixAnswer g, MatrixAnswer p, int depth)
    {
        if (g.Rows.Count != p.Rows.Count) return false;
        for (int r = 0; r < g.Rows.Count; r++)
        {
            if (g.Rows[r].Count != p.Rows[r].Count) return false;
            for (int c = 0; c < g.Rows[r].Count; c++)
                if (!Equivalent(g.Rows[r][c], p.Rows[r][c], depth + 1)) return false;
        }
        return true;
    }

    static bool VectorEqual(MatrixAnswer m, CollectionAnswer tuple, int depth)
    {
        var cells = m.Rows.All(r => r.Count == 1) ? m.Rows.Select(r => r[0]).ToList()
            : m.Rows.Count == 1 ? m.Rows[0].ToList() : null;
        if (cells == null || cells.Count != tuple.Items.Count) return false;
        for (int i = 0; i < cells.Count; i++) if (!Equivalent(cells[i], tuple.Items[i], depth + 1)) return false;
        return true;
    }

    /// <summary>"x = 5" stands for 5 when its left side is a label; a predicted "3 + 4 = 7" stands for 7 whatever the
    /// left side; inequalities in one variable stand for the interval they describe.</summary>
    public static MathAnswer ValueOf(MathAnswer answer) =>
        answer is RelationAnswer r ? AsValue(r, isGold: false) ?? answer : answer;

    static MathAnswer? AsValue(RelationAnswer r, bool isGold)
    {
        var kinds = r.Relations;
        if (kinds.All(k => k is RelationKind.Equal or RelationKind.Member))
        {
            if (!isGold) return r.Parts[^1];
            for (int i = 0; i < r.Parts.Count - 1; i++)
                if (IsLabel(r.Parts[i].Text) && (i == 0 || i == r.Parts.Count - 2)) return r.Parts[^1];
            return null;
        }
        return AsInterval(r);
    }

    static MathAnswer? AsInterval(RelationAnswer r)
    {
        var inf = new ScalarAnswer("\\infty", new ConstantExpr("inf"), false);
        var negInf = new ScalarAnswer("-\\infty", new NegateExpr(new ConstantExpr("inf")), false);
        if (r.Parts.Count == 2 && r.Relations[0] is not (RelationKind.Equal or RelationKind.NotEqual or RelationKind.Member))
        {
            var kind = r.Relations[0];
            var (label, bound, flipped) = IsLabel(r.Parts[0].Text) ? (r.Parts[0], r.Parts[1], false)
                : IsLabel(r.Parts[1].Text) ? (r.Parts[1], r.Parts[0], true) : (null!, null!, false);
            if (label == null) return null;
            bool less = kind is RelationKind.Less or RelationKind.LessOrEqual;
            if (flipped) less = !less;
            bool closed = kind is RelationKind.LessOrEqual or RelationKind.GreaterOrEqual;
            return less ? new IntervalAnswer(r.Text, negInf, bound, false, closed) : new IntervalAnswer(r.Text, bound, inf, closed, false);
        }
        if (r.Parts.Count == 3 && IsLabel(r.Parts[1].Text))
        {
            bool ascending = r.Relations.All(k => k is RelationKind.Less or RelationKind.LessOrEqual);
            bool descending = r.Relations.All(k => k is RelationKind.Greater or RelationKind.GreaterOrEqual);
            if (!ascending && !descending) return null;
            var (low, high) = ascending ? (r.Parts[0], r.Parts[2]) : (r.Parts[2], r.Parts[0]);
            bool lowClosed = (ascending ? r.Relations[0] : r.Relations[1]) is RelationKind.LessOrEqual or RelationKind.GreaterOrEqual;
            bool highClosed = (ascending ? r.Relations[1] : r.Relations[0]) is RelationKind.LessOrEqual or RelationKind.GreaterOrEqual;
            var middle = r.Parts[1].Text.Trim();
            if (middle.Length > 2 && middle[0] == '|' && middle[^1] == '|' && low is ScalarAnswer l && high is ScalarAnswer h)
            {
                // a <= |z| <= b is [-b, -a] ∪ [a, b].
                var negHigh = new ScalarAnswer("-" + h.Text, new NegateExpr(h.Expr), false);
                var negLow = new ScalarAnswer("-" + l.Text, new NegateExpr(l.Expr), false);
                return new CollectionAnswer(r.Text, CollectionKind.Union,
                    [new IntervalAnswer(r.Text, negHigh, negLow, highClosed, lowClosed), new IntervalAnswer(r.Text, low, high, lowClosed, highClosed)]);
            }
            return new IntervalAnswer(r.Text, low, high, lowClosed, highClosed);
        }
        return null;
    }

    /// <summary>A label names the quantity rather than computing it: x, f(x), a_{37}, |AB|, A:B, (p,q), \frac{NO}{BO}.</summary>
    public static bool IsLabel(string text)
    {
        var t = text.Trim();
        if (t.Length == 0 || t.Length > 40) return false;
        bool letter = false;
        for (int i = 0; i < t.Length; i++)
        {
            var c = t[i];
            if (c == '_')
            {
                i++;
                if (i < t.Length && t[i] == '{') { int close = Braces.FindClosing(t, i); if (close < 0) return false; i = close; }
                continue;
            }
            if (char.IsLetter(c)) { letter = true; continue; }
            if (char.IsDigit(c) || c is '+' or '-' or '^' or '=' or '*' or '.') return false;
        }
        return letter;
    }

    static bool AssignsDifferentSymbols(RelationAnswer gold, RelationAnswer pred) =>
        gold.Relations.All(k => k == RelationKind.Equal) && pred.Relations.All(k => k == RelationKind.Equal)
        && IsSymbolName(gold.Parts[0].Text) && IsSymbolName(pred.Parts[0].Text)
        && TextAnswer.Canonicalize(gold.Parts[0].Text) != TextAnswer.Canonicalize(pred.Parts[0].Text);

    /// <summary>A plain variable name: letters with an optional subscript ("x", "a_1", "b_{n}", "\alpha").</summary>
    static bool IsSymbolName(string text)
    {
        var t = text.Trim();
        if (t.Length == 0 || t.Length > 20) return false;
        int i = t[0] == '\\' ? 1 : 0;
        int letters = 0;
        while (i < t.Length && char.IsAsciiLetter(t[i])) { i++; letters++; }
        if (letters == 0 || (t[0] != '\\' && letters > 1)) return false;
        if (i == t.Length) return true;
        if (t[i] != '_') return false;
        var rest = t[(i + 1)..].Trim('{', '}', ' ');
        return rest.Length > 0 && rest.All(char.IsLetterOrDigit);
    }

    static bool RelationsEqual(RelationAnswer gold, RelationAnswer pred, int depth)
    {
        var gk = gold.Relations;
        var pk = pred.Relations;
        bool gEq = gk.All(k => k is RelationKind.Equal or RelationKind.Member);
        bool pEq = pk.All(k => k is RelationKind.Equal or RelationKind.Member);
        if (gEq && pEq)
        {
            var gLabel = gold.Parts[0].Text;
            var pLabel = pred.Parts[0].Text;
            if (IsLabel(gLabel) && IsLabel(pLabel) && TextAnswer.Canonicalize(gLabel) == TextAnswer.Canonicalize(pLabel))
                return Equivalent(gold.Parts[^1], pred.Parts[^1], depth + 1);
            return gk.Count == 1 && pk.Count == 1 && SidesProportional(gold, pred, positive: false);
        }
        if (gk.Count == 1 && pk.Count == 1 && !gEq && !pEq)
        {
            var (gOp, gSwap) = Orient(gk[0]);
            var (pOp, pSwap) = Orient(pk[0]);
            if (gOp != pOp) return false;
            return SidesProportional(gold, pred, positive: gOp != RelationKind.NotEqual, gSwap, pSwap);
        }
        return false;
    }

    /// <summary>Rewrites a relation as "difference op 0" with op one of &lt;, &lt;=, !=.</summary>
    static (RelationKind Op, bool Swap) Orient(RelationKind kind) => kind switch
    {
        RelationKind.Greater => (RelationKind.Less, true),
        RelationKind.GreaterOrEqual => (RelationKind.LessOrEqual, true),
        _ => (kind, false),
    };

    static bool SidesProportional(RelationAnswer gold, RelationAnswer pred, bool positive, bool gSwap = false, bool pSwap = false)
    {
        if (Difference(gold, gSwap) is not { } g || Difference(pred, pSwap) is not { } p) return false;
        return ExprEquivalence.Proportional(g, p, positive);
    }

    static Expr? Difference(RelationAnswer r, bool swap)
    {
        if (r.Parts[0] is not ScalarAnswer left || r.Parts[^1] is not ScalarAnswer right) return null;
        return swap ? new SumExpr([right.Expr, new NegateExpr(left.Expr)]) : new SumExpr([left.Expr, new NegateExpr(right.Expr)]);
    }
}
