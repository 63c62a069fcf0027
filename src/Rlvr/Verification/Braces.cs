namespace Rlvr.Verification;

/// <summary>Bracket matching helpers shared by extraction, normalization and parsing.</summary>
public static class Braces
{
    /// <summary>Index of the '}' closing the '{' at <paramref name="open"/>, or -1.</summary>
    public static int FindClosing(string s, int open)
    {
        int depth = 0;
        for (int i = open; i < s.Length; i++)
        {
            if (s[i] == '{') depth++;
            else if (s[i] == '}' && --depth == 0) return i;
        }
        return -1;
    }

    public static bool IsOpen(char c) => c is '(' or '[' or '{';
    public static bool IsClose(char c) => c is ')' or ']' or '}';

    /// <summary>Index of the bracket (any type) closing the one at <paramref name="open"/>, counting all bracket kinds
    /// together because intervals such as [0,1) mix them.</summary>
    public static int FindClosingAny(string s, int open, int end)
    {
        int depth = 0;
        for (int i = open; i < end; i++)
        {
            if (IsOpen(s[i])) depth++;
            else if (IsClose(s[i]) && --depth == 0) return i;
        }
        return -1;
    }

    public static bool HasTopLevelComma(string s, int start, int end)
    {
        int depth = 0;
        for (int i = start; i < end; i++)
        {
            var c = s[i];
            if (IsOpen(c)) depth++;
            else if (IsClose(c)) depth--;
            else if (c == ',' && depth == 0) return true;
        }
        return false;
    }

    /// <summary>Splits on a separator character outside every bracket pair.</summary>
    public static List<string> SplitTopLevel(string s, char separator)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (IsOpen(c)) depth++;
            else if (IsClose(c)) depth = Math.Max(0, depth - 1);
            else if (c == separator && depth == 0)
            {
                parts.Add(s[start..i]);
                start = i + 1;
            }
        }
        parts.Add(s[start..]);
        return parts;
    }

    public static bool IsBalanced(string s)
    {
        int depth = 0;
        foreach (var c in s)
        {
            if (IsOpen(c)) depth++;
            else if (IsClose(c) && --depth < 0) return false;
        }
        return depth == 0;
    }
}
