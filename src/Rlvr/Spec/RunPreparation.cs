using System.Text.Json.Nodes;
using Rlvr.IO;
using Rlvr.Training;

namespace Rlvr.Spec;

/// <summary>A resolved run about to start or continue, and its directory.</summary>
public sealed record PreparedRun(RunSpec Spec, RunDirectory Run, bool Resume, bool Overwrite);

/// <summary>Resolves a training command's spec and checks its run directory before any work: a non-empty --out is an
/// error unless --resume (continue that run, whose config.json is the base layer of settings and may not be changed)
/// or --overwrite (start over; the directory is emptied only when the run is about to write); --out may not
/// contain the model it starts from.</summary>
public static class RunPreparation
{
    public static PreparedRun Prepare(CommandSpec command, IReadOnlyList<SettingInput> inputs, Setting<string> init)
    {
        var spec = RunSpec.Resolve(command, inputs);
        var outDir = spec.Get(RunSettings.Out);
        var resume = spec.Get(RunSettings.Resume);
        var overwrite = spec.Get(RunSettings.Overwrite);
        if (resume && overwrite) throw new ArgumentException("--resume and --overwrite exclude each other");
        var run = new RunDirectory(outDir);
        if (File.Exists(outDir)) throw new ArgumentException($"--out {outDir} is a file, not a directory");
        WritablePath.CheckDirectory(outDir, "--out");
        if (resume)
        {
            if (!File.Exists(run.ConfigPath))
                throw new ArgumentException($"--resume: {run.ConfigPath} not found, so there is no run to continue (start one without --resume)");
            var saved = ConfigFile.Read(run.ConfigPath, command.Name);
            spec = RunSpec.Resolve(command, saved.Concat(inputs));
            CheckUnchanged(JsonNode.Parse(File.ReadAllText(run.ConfigPath))!.AsObject(), spec.ToJson(), run.ConfigPath);
        }
        else if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any() && !overwrite)
        {
            throw new ArgumentException($"--out {outDir} is not empty: add --resume to continue its run, or --overwrite to delete it and start over");
        }
        if (spec.Values.TextOrNull(init) is { } start && Directory.Exists(start) && IsWithin(start, outDir))
            throw new ArgumentException($"--out {outDir} contains --init {start}: the run would overwrite the model it starts from; choose another --out");
        return new PreparedRun(spec, run, resume, overwrite);
    }

    /// <summary>Empties an --overwrite run's directory (when the run is about to write) and creates it.</summary>
    public static void CreateDirectory(PreparedRun prepared)
    {
        var root = prepared.Run.Root;
        if (prepared.Overwrite && Directory.Exists(root))
        {
            foreach (var file in Directory.EnumerateFiles(root)) File.Delete(file);
            foreach (var dir in Directory.EnumerateDirectories(root)) Directory.Delete(dir, recursive: true);
        }
        prepared.Run.Create();
    }

    static void CheckUnchanged(JsonObject saved, JsonObject now, string path)
    {
        foreach (var (key, value) in now)
        {
            if (key == ConfigFile.DecidedKey || RunSettings.ChangeableOnResume.Contains(key)) continue;
            var before = saved[key];
            if (!JsonNode.DeepEquals(before, value))
                throw new ArgumentException($"--{key}: {value?.ToJsonString() ?? "unset"} differs from {before?.ToJsonString() ?? "unset"} in {path}; " +
                    "a resumed run keeps its settings (start a new run in another --out to change them)");
        }
    }

    static bool IsWithin(string path, string directory)
    {
        var full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var dir = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return full.StartsWith(dir, StringComparison.Ordinal);
    }
}
