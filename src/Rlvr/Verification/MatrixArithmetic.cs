namespace Rlvr.Verification;

/// <summary>Evaluates sums and products of matrix literals and scalars ("A + B", "2A", "A B" written with pmatrix
/// literals) into one matrix of expressions. Anything else, or mismatched sizes, gives null.</summary>
public static class MatrixArithmetic
{
    const string Begin = "\\begin{pmatrix}", End = "\\end{pmatrix}";
    const int MaxSize = 6;
    /// <summary>Products of many matrices grow every cell's expression geometrically; answers never need more.</summary>
    const int MaxMatrices = 4;
    const int MaxTokens = 16;
    static long _cellId;

    abstract record Token;
    sealed record MatrixToken(Expr[,] Cells) : Token;
    sealed record ScalarToken(Expr Value) : Token;
    sealed record OpToken(char Op) : Token;

    public static MatrixAnswer? TryEvaluate(string s)
    {
        int first = s.IndexOf(Begin, StringComparison.Ordinal);
        if (first < 0) return null;
        var tokens = Tokenize(s);
        if (tokens == null) return null;
        int i = 0;
        var result = ParseSum(tokens, ref i);
        if (i != tokens.Count || result is not Expr[,] m) return null;
        var rows = new List<IReadOnlyList<MathAnswer>>();
        for (int r = 0; r < m.GetLength(0); r++)
        {
            var row = new List<MathAnswer>();
            for (int c = 0; c < m.GetLength(1); c++)
                row.Add(new ScalarAnswer($"\u27e8cell {Interlocked.Increment(ref _cellId)}\u27e9", m[r, c], false));
            rows.Add(row);
        }
        return new MatrixAnswer(s, rows);
    }

    static List<Token>? Tokenize(string s)
    {
        var tokens = new List<Token>();
        int i = 0, scalarStart = 0, depth = 0;
        bool FlushScalar(int end)
        {
            var text = s[scalarStart..end].Trim();
            scalarStart = end;
            if (text.Length == 0) return true;
            if (ExprParser.TryParse(text) is not { } e) return false;
            tokens.Add(new ScalarToken(e));
            return true;
        }
        while (i < s.Length)
        {
            if (tokens.Count > MaxTokens) return null;
            var c = s[i];
            if (Braces.IsOpen(c)) depth++;
            else if (Braces.IsClose(c)) depth--;
            if (depth == 0 && string.CompareOrdinal(s, i, Begin, 0, Begin.Length) == 0)
            {
                if (!FlushScalar(i)) return null;
                int end = s.IndexOf(End, i + Begin.Length, StringComparison.Ordinal);
                if (end < 0) return null;
                var body = s[(i + Begin.Length)..end];
                if (body.Contains(Begin, StringComparison.Ordinal) || ReadMatrix(body) is not { } cells) return null;
                tokens.Add(new MatrixToken(cells));
                if (tokens.Count(t => t is MatrixToken) > MaxMatrices) return null;
                i = end + End.Length;
                scalarStart = i;
                continue;
            }
            if (depth == 0 && c is '+' or '-' or '*')
            {
                if (!FlushScalar(i)) return null;
                tokens.Add(new OpToken(c));
                scalarStart = i + 1;
            }
            i++;
        }
        if (!FlushScalar(s.Length)) return null;
        int matrices = tokens.Count(t => t is MatrixToken);
        return matrices is >= 1 and <= MaxMatrices && tokens.Count > 1 ? tokens : null;
    }

    static Expr[,]? ReadMatrix(string body)
    {
        var rowTexts = body.Split("\\\\").Where(r => r.Trim().Length > 0).ToList();
        if (rowTexts.Count == 0 || rowTexts.Count > MaxSize) return null;
        var rows = rowTexts.Select(r => r.Split('&')).ToList();
        int width = rows[0].Length;
        if (width > MaxSize || rows.Any(r => r.Length != width)) return null;
        var cells = new Expr[rows.Count, width];
        for (int r = 0; r < rows.Count; r++)
            for (int c = 0; c < width; c++)
            {
                if (ExprParser.TryParse(rows[r][c].Trim()) is not { } e) return null;
                cells[r, c] = e;
            }
        return cells;
    }

    /// <summary>Values are Expr (a scalar) or Expr[,] (a matrix).</summary>
    static object? ParseSum(List<Token> tokens, ref int i)
    {
        object? total = null;
        bool negate = false;
        if (i < tokens.Count && tokens[i] is OpToken { Op: '-' or '+' } lead) { negate = lead.Op == '-'; i++; }
        while (true)
        {
            var term = ParseProduct(tokens, ref i);
            if (term == null) return null;
            if (negate) term = Scale(term, new NumberExpr(Rational.FromInt(-1), 0, false));
            total = total == null ? term : Add(total, term);
            if (total == null) return null;
            if (i < tokens.Count && tokens[i] is OpToken { Op: '+' or '-' } op) { negate = op.Op == '-'; i++; continue; }
            return total;
        }
    }

    static object? ParseProduct(List<Token> tokens, ref int i)
    {
        object? product = null;
        while (i < tokens.Count)
        {
            var t = tokens[i];
            if (t is OpToken { Op: '*' })
            {
                if (product == null) return null;
                i++;
                continue;
            }
            if (t is OpToken) break;
            object factor = t is MatrixToken m ? m.Cells : ((ScalarToken)t).Value;
            product = product == null ? factor : Multiply(product, factor);
            if (product == null) return null;
            i++;
        }
        return product;
    }

    static object? Add(object a, object b)
    {
        if (a is Expr x && b is Expr y) return new SumExpr([x, y]);
        if (a is not Expr[,] p || b is not Expr[,] q || p.GetLength(0) != q.GetLength(0) || p.GetLength(1) != q.GetLength(1)) return null;
        var sum = new Expr[p.GetLength(0), p.GetLength(1)];
        for (int r = 0; r < sum.GetLength(0); r++)
            for (int c = 0; c < sum.GetLength(1); c++) sum[r, c] = new SumExpr([p[r, c], q[r, c]]);
        return sum;
    }

    static object Scale(object m, Expr k)
    {
        if (m is Expr e) return new ProductExpr([k, e]);
        var a = (Expr[,])m;
        var scaled = new Expr[a.GetLength(0), a.GetLength(1)];
        for (int r = 0; r < scaled.GetLength(0); r++)
            for (int c = 0; c < scaled.GetLength(1); c++) scaled[r, c] = new ProductExpr([k, a[r, c]]);
        return scaled;
    }

    static object? Multiply(object a, object b)
    {
        if (a is Expr x) return Scale(b, x);
        if (b is Expr y) return Scale(a, y);
        var p = (Expr[,])a;
        var q = (Expr[,])b;
        if (p.GetLength(1) != q.GetLength(0)) return null;
        var product = new Expr[p.GetLength(0), q.GetLength(1)];
        for (int r = 0; r < product.GetLength(0); r++)
            for (int c = 0; c < product.GetLength(1); c++)
            {
                var terms = new List<Expr>();
                for (int k = 0; k < p.GetLength(1); k++) terms.Add(new ProductExpr([p[r, k], q[k, c]]));
                product[r, c] = new SumExpr(terms);
            }
        return product;
    }
}
