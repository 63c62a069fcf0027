namespace Rlvr.Verification;

/// <summary>The structured reading of one normalized answer string.</summary>
public abstract record MathAnswer(string Text);

/// <summary>A single expression; <paramref name="IsPercent"/> when written with a percent sign.</summary>
public sealed record ScalarAnswer(string Text, Expr Expr, bool IsPercent) : MathAnswer(Text);

public enum CollectionKind { List, Tuple, Set, Union }

/// <summary>Several answers: a bare list ("1, 2") or a set compare unordered, a tuple ordered.</summary>
public sealed record CollectionAnswer(string Text, CollectionKind Kind, IReadOnlyList<MathAnswer> Items) : MathAnswer(Text);

public sealed record IntervalAnswer(string Text, MathAnswer Lower, MathAnswer Upper, bool LowerClosed, bool UpperClosed) : MathAnswer(Text);

public sealed record MatrixAnswer(string Text, IReadOnlyList<IReadOnlyList<MathAnswer>> Rows) : MathAnswer(Text);

public enum RelationKind { Equal, Less, LessOrEqual, Greater, GreaterOrEqual, NotEqual, Member }

/// <summary>A chain such as "x = 5", "z = 1 + 1 = 2" or "-2 &lt;= x &lt;= 7": parts joined by relation symbols.</summary>
public sealed record RelationAnswer(string Text, IReadOnlyList<MathAnswer> Parts, IReadOnlyList<RelationKind> Relations) : MathAnswer(Text);

/// <summary>Anything that is not mathematics: names, words, multiple-choice letters in words.</summary>
public sealed record TextAnswer(string Text) : MathAnswer(Text)
{
    public string Canonical { get; } = Canonicalize(Text);

    public static string Canonicalize(string text)
    {
        var chars = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
            if (!char.IsWhiteSpace(c) && c != '\\' && c != '{' && c != '}' && c != '~') chars.Append(char.ToLowerInvariant(c));
        var s = chars.ToString();
        if (s.Length == 3 && s[0] == '(' && s[2] == ')') s = s[1..2];
        return s;
    }
}
