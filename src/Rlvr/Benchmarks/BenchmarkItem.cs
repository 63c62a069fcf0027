namespace Rlvr.Benchmarks;

/// <summary>One benchmark problem: a stable id, the question text and the gold answer string.</summary>
public sealed record BenchmarkItem(string Id, string Question, string Gold);

public sealed record Benchmark(string Name, string Path, IReadOnlyList<BenchmarkItem> Items);
