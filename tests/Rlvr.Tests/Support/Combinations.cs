namespace Rlvr.Tests.Support;

public static class Combinations
{
    /// <summary>Every (a, b) pair, for theories over two sets of names.</summary>
    public static TheoryData<string, string> Of(IEnumerable<string> first, IReadOnlyList<string> second)
    {
        var data = new TheoryData<string, string>();
        foreach (var a in first)
            foreach (var b in second)
                data.Add(a, b);
        return data;
    }
}
