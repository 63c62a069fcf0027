using System.CommandLine;
using Rlvr.Serving;

namespace Rlvr.Cli.Commands;

/// <summary>rlvr serve: the model behind vLLM's OpenAI-compatible HTTP API (see <see cref="OpenAiServer"/>). The first
/// line on stdout is "listening on URL", with the real port when --port 0 picked a free one.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model")
        {
            Description = "checkpoint or Hugging Face model directory (or a preset name: random weights); unset with --adapter: the adapter's base_model_name_or_path",
        };
        var adapter = new Option<string[]>("--adapter")
        {
            Description = "LoRA adapter (PEFT directory) to serve on top of the model as its own model name: [NAME=]DIR, repeatable or comma-separated (NAME defaults to the directory's name)",
            AllowMultipleArgumentsPerToken = false,
        };
        var servedName = new Option<string?>("--served-model-name") { Description = "the name requests give as \"model\" (default: --model as given)" };
        var host = new Option<string>("--host") { Description = "address to bind (127.0.0.1: this machine only; 0.0.0.0: every interface)", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "TCP port (0: a free one)", DefaultValueFactory = _ => 8000 };
        var maxBatch = new Option<int>("--max-batch") { Description = "sequences decoded together at most", DefaultValueFactory = _ => new ServeLimits().MaxBatch };
        var maxQueue = new Option<int>("--max-queue") { Description = "sequences waiting at most; more is answered 429", DefaultValueFactory = _ => new ServeLimits().MaxQueuedRows };
        var apiKey = new Option<string?>("--api-key") { Description = "require 'Authorization: Bearer KEY' on every request" };
        var (threads, device, dtype, seed) = (Common.Threads(), Common.Device(), Common.DType(), Common.Seed());
        var cmd = new Command("serve", "Serve a model over vLLM's OpenAI-compatible HTTP API (completions, chat, weight reloads)")
        {
            model, adapter, servedName, host, port, maxBatch, maxQueue, apiKey, threads, device, dtype, seed,
        };
        cmd.SetAction(r => Common.Guard(() =>
        {
            var portNumber = r.AtLeast(port, 0);
            if (portNumber > 65535) throw new ArgumentException($"--port: must be at most 65535, got {portNumber}");
            var limits = new ServeLimits(MaxBatch: r.AtLeast(maxBatch, 1), MaxQueuedRows: r.AtLeast(maxQueue, 1));
            var adapters = ServeAdapters.Parse(r.GetValue(adapter) ?? []);
            var options = new ServeOptions(r.GetValue(host)!, portNumber, r.GetValue(apiKey), limits);
            var modelArg = r.GetValue(model) ?? ServeAdapters.BaseModel(adapters);
            var name = r.GetValue(servedName) ?? modelArg;
            ServeAdapters.CheckNames(adapters, name);
            var dev = Common.ResolveDevice(r.GetValue(device)!, r.AtLeast(threads, 0));
            var (m, tokenizer) = Common.LoadOrCreate(modelArg, dev, r.GetValue(seed), Common.ResolveDType(r.GetValue(dtype)!));
            using var served = new ServedModel(m, tokenizer, name);
            ServeAdapters.Load(served, adapters);
            return Serve(served, options).GetAwaiter().GetResult();
        }));
        return cmd;
    }

    static async Task<int> Serve(ServedModel served, ServeOptions options)
    {
        OpenAiServer server;
        try
        {
            server = await OpenAiServer.StartAsync(served, options);
        }
        catch (IOException e)
        {
            throw new IOException($"--host/--port: cannot listen on {options.Host}:{options.Port}: {e.Message}", e);
        }
        await using (server)
        {
            Console.WriteLine($"listening on {server.Url.ToString().TrimEnd('/')}");
            Console.Out.Flush();
            await server.WaitForShutdownAsync();
        }
        return 0;
    }
}
