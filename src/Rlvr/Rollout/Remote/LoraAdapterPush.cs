using System.Text.Json.Nodes;
using Rlvr.Checkpoints;
using Rlvr.Model;
using Rlvr.Tokenization;

namespace Rlvr.Rollout.Remote;

/// <summary>How a policy with LoRA adapters reaches the servers (vLLM's runtime LoRA endpoints, see
/// <see cref="LoraAdapterWire"/>): each push writes the adapter to a directory of its own under the weights directory
/// and loads it on every server under a name of its own, which the next requests give as their model; the previous
/// adapter is then unloaded (also, best effort, from the servers that push retired) and its directory removed,
/// failures only warning.</summary>
/// <param name="post">Posts a JSON body to one server and returns the reply; throws on an error status.</param>
/// <param name="update">Runs a load (given the directory it reads, and a hint for the error when every server fails
/// it) on every server still in use, retiring those that fail.</param>
sealed class LoraAdapterPush(string weightsDirectory, ServerPool pool, Action<string> warn,
    Func<RolloutServer, string, JsonObject, Task<string>> post, Action<string, Func<RolloutServer, Task>, string> update)
{
    // The adapter the servers sample from, once one has been pushed: its name and directory.
    (string Name, string Directory)? current;

    /// <summary>The name requests give as their model; null before the first push.</summary>
    public string? Model => current?.Name;

    /// <summary>Writes and loads <paramref name="policy"/>'s adapter as the one of <paramref name="step"/>; returns when
    /// every server still in use has confirmed.</summary>
    public void Push(CausalLM policy, ITokenizer tokenizer, int step)
    {
        var name = LoraAdapterWire.Name(weightsDirectory, step);
        var directory = Path.Combine(weightsDirectory, name);
        Checkpoint.Save(directory, policy, tokenizer); // the adapter directory (PEFT files), as a run's checkpoint holds it
        var wereUsable = pool.Servers.Where(s => !s.Retired).ToList();
        update(directory, server => Load(server, name, directory),
            $"; vLLM needs VLLM_ALLOW_RUNTIME_LORA_UPDATING=True, --enable-lora and --max-lora-rank >= {policy.Adapters!.Config.Rank}");
        var previous = current;
        current = (name, directory);
        // A step pushed twice loads its name in place: the name just loaded must not then be unloaded.
        var stale = previous is { } p && p.Name != name ? previous : null;
        var unloads = new List<Task>();
        if (stale is { } old) unloads.AddRange(pool.Servers.Where(s => !s.Retired).Select(s => Unload(s, old.Name, warnOnFailure: true)));
        // Best effort, once, on the servers this push retired: they may still hold the previous adapter, and the new
        // one if its load went through after timing out here. Their failures are not warned about: the retirement was.
        foreach (var retired in wereUsable.Where(s => s.Retired))
            unloads.AddRange(new[] { stale?.Name, name }.OfType<string>().Select(n => Unload(retired, n, warnOnFailure: false)));
        Task.Run(() => Task.WhenAll(unloads)).GetAwaiter().GetResult();
        if (stale is { } gone) RemoveDirectory(gone.Directory);
    }

    /// <summary>A pushed adapter's directory once no server needs it; a failure only warns (the run goes on with the
    /// new adapter; the directory stays under the run).</summary>
    void RemoveDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            warn($"warning: could not remove the previous LoRA adapter directory {directory} ({e.Message})");
        }
    }

    async Task Load(RolloutServer server, string name, string directory)
    {
        var body = LoraAdapterWire.Load(name, directory);
        try
        {
            await post(server, LoraAdapterWire.LoadPath, body);
        }
        catch (HttpRequestException e) when (LoraAdapterWire.AlreadyLoaded(e.Message))
        {
            // The name is this run's (see LoraAdapterWire.Name): an earlier session of it, resumed at this step, left
            // the name loaded. Replace it.
            await post(server, LoraAdapterWire.UnloadPath, LoraAdapterWire.Unload(name));
            await post(server, LoraAdapterWire.LoadPath, body);
        }
    }

    /// <summary>Frees an adapter no request names any more; a server that cannot is at most warned about (it still
    /// holds the new adapter, and a dead server shows at its next request).</summary>
    async Task Unload(RolloutServer server, string name, bool warnOnFailure)
    {
        try
        {
            await post(server, LoraAdapterWire.UnloadPath, LoraAdapterWire.Unload(name));
        }
        catch (Exception e)
        {
            if (warnOnFailure) warn($"warning: rollout server {server} did not unload the LoRA adapter {name} ({e.Message})");
        }
    }
}
