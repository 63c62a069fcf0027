namespace Rlvr.Chat;

/// <summary>The <c>loop</c> variable inside a for loop.</summary>
internal sealed class LoopInfo(IReadOnlyList<object?> items)
{
    public int Index0 { get; set; }

    public object? Get(string name) => name switch
    {
        "index0" => (long)Index0,
        "index" => (long)Index0 + 1,
        "revindex0" => (long)(items.Count - Index0 - 1),
        "revindex" => (long)(items.Count - Index0),
        "first" => Index0 == 0,
        "last" => Index0 == items.Count - 1,
        "length" => (long)items.Count,
        "depth" => 1L,
        "depth0" => 0L,
        "previtem" => Index0 > 0 ? items[Index0 - 1] : Undefined.Variable("loop.previtem"),
        "nextitem" => Index0 + 1 < items.Count ? items[Index0 + 1] : Undefined.Variable("loop.nextitem"),
        "cycle" => new BuiltinFunction("loop.cycle", Cycle),
        _ => Undefined.Member(this, name),
    };

    private object? Cycle(CallArguments args) =>
        args.Positional.Count == 0 ? throw new InvalidOperationException("loop.cycle needs at least one value")
            : args.Positional[Index0 % args.Positional.Count];
}
