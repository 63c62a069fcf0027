using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rlvr.Bench;
using Rlvr.IO;

namespace Rlvr.Cli.Commands;

/// <summary>`rlvr bench --suite memory`: peak RSS and seconds of one RL update per way of holding a Qwen2.5-0.5B-shaped
/// model (<see cref="MemoryConfig.All"/>). Each configuration runs in a child process of this same program
/// (`--memory-config NAME`), because a process's peak resident set cannot be shared between measurements.</summary>
public static class MemoryBenchSuite
{
    public sealed record Shape(int Layers, int Sequences, int SeqLen, int MicroBatch, int Threads);

    /// <summary>Measures one configuration in this process and writes its result to <paramref name="outPath"/>.</summary>
    public static int RunOne(string configName, Shape shape, string outPath)
    {
        var r = MemoryBench.Run(MemoryConfig.Find(configName), shape.Layers, shape.Sequences, shape.SeqLen, shape.MicroBatch);
        var json = new JsonObject
        {
            ["config"] = r.Config, ["seconds"] = r.Seconds, ["peak_rss_mb"] = r.PeakRssMb, ["model_rss_mb"] = r.ModelRssMb,
            ["trainable_parameters"] = r.TrainableParameters,
        };
        AtomicFile.WriteAllText(outPath, json.ToJsonString() + "\n");
        return 0;
    }

    public static JsonObject Run(Shape shape)
    {
        var rows = new JsonArray();
        foreach (var config in MemoryConfig.All)
            rows.Add(BenchCommand.Stage($"memory: {config.Name} (child process)", () => Child(config.Name, shape)));
        var json = new JsonObject
        {
            ["suite"] = "memory", ["layers"] = shape.Layers, ["sequences"] = shape.Sequences, ["seq_len"] = shape.SeqLen,
            ["micro_batch"] = shape.MicroBatch, ["threads"] = shape.Threads, ["rows"] = rows,
        };
        Console.WriteLine(Markdown(rows));
        return json;
    }

    static JsonObject Child(string config, Shape shape)
    {
        var outPath = Path.Combine(Path.GetTempPath(), $"rlvr-memory-{Guid.NewGuid():N}.json");
        var start = SelfStart();
        foreach (var a in new[] { "bench", "--suite", "memory", "--memory-config", config, "--layers", Text(shape.Layers),
                     "--train-batch", Text(shape.Sequences), "--seq-len", Text(shape.SeqLen), "--micro-batch", Text(shape.MicroBatch),
                     "--threads", Text(shape.Threads), "--out", outPath })
            start.ArgumentList.Add(a);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        try
        {
            if (process.ExitCode == 0 && File.Exists(outPath)) return JsonNode.Parse(File.ReadAllText(outPath))!.AsObject();
            var last = stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
            return new JsonObject { ["config"] = config, ["error"] = $"exit {process.ExitCode}: {last.Trim()}" };
        }
        finally
        {
            File.Delete(outPath);
        }
    }

    /// <summary>This program again: its apphost, or `dotnet Rlvr.Cli.dll` when started through dotnet.</summary>
    static ProcessStartInfo SelfStart()
    {
        var host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        return start;
    }

    static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The table of docs/bench.md: each row's peak also as a fraction of full fine-tuning's.</summary>
    static string Markdown(JsonArray rows)
    {
        var full = rows.OfType<JsonObject>().FirstOrDefault(r => r["config"]!.GetValue<string>() == "full-fp32")?["peak_rss_mb"]?.GetValue<double>();
        var lines = new List<string> { "| configuration | peak RSS (MB) | vs full fp32 | seconds | trainable parameters |", "|---|---:|---:|---:|---:|" };
        foreach (var row in rows.OfType<JsonObject>())
        {
            var name = row["config"]!.GetValue<string>();
            if (row["error"] is { } error) { lines.Add($"| {name} | — | — | — | {error} |"); continue; }
            var peak = row["peak_rss_mb"]!.GetValue<double>();
            var ratio = full is { } f ? (peak / f).ToString("P0", CultureInfo.InvariantCulture) : "—";
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {peak:0} | {ratio} | {row["seconds"]!.GetValue<double>():0.0} | {row["trainable_parameters"]!.GetValue<long>():N0} |"));
        }
        return string.Join("\n", lines);
    }
}
