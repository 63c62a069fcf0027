using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Rlvr.Serving;

/// <summary>An HTTP server with vLLM's OpenAI-compatible API (and SGLang's weight-reload endpoint) over one model, on
/// Kestrel. Requests are parsed and checked on the request threads; decoding happens on the <see cref="ModelWorker"/>
/// thread. `rlvr serve` and the tests start it through <see cref="StartAsync"/>.</summary>
public sealed class OpenAiServer : IAsyncDisposable
{
    readonly WebApplication app;
    readonly ModelWorker worker;

    OpenAiServer(WebApplication app, ModelWorker worker, Uri url) => (this.app, this.worker, Url) = (app, worker, url);

    /// <summary>How the model thread has batched the work so far.</summary>
    public ModelWorker Worker => worker;

    /// <summary>The bound address, with the real port when 0 was asked for.</summary>
    public Uri Url { get; }

    public static async Task<OpenAiServer> StartAsync(ServedModel model, ServeOptions options)
    {
        var limits = options.EffectiveLimits;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(ParseHost(options.Host), options.Port);
            k.Limits.MaxRequestBodySize = null; // checked by ReadBody, which answers 413 in the API's error shape
        });
        var app = builder.Build();
        var worker = new ModelWorker(model, limits.MaxBatch, limits.MaxQueuedRows);
        var endpoints = new Endpoints(model, worker, limits);
        app.Use(async (context, next) =>
        {
            try
            {
                if (options.ApiKey is { } key && !Authorized(context.Request, key))
                    throw new ApiException(401, "Unauthorized: this server needs the header 'Authorization: Bearer <api key>'");
                await next(context);
            }
            catch (ApiException e) when (!context.Response.HasStarted)
            {
                await WriteJson(context, e.Status, e.ToJson());
            }
            catch (Exception e) when (!context.Response.HasStarted && e is not OperationCanceledException)
            {
                await WriteJson(context, 500, ApiException.Body(500, $"internal error: {e.Message}"));
            }
        });
        endpoints.Map(app);
        app.MapFallback(context => throw new ApiException(404, $"no route {context.Request.Method} {context.Request.Path}"));
        try
        {
            await app.StartAsync();
        }
        catch
        {
            worker.Dispose();
            await app.DisposeAsync();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new OpenAiServer(app, worker, new Uri(address));
    }

    /// <summary>Completes when the server has been stopped (Ctrl-C or SIGTERM under `rlvr serve`).</summary>
    public Task WaitForShutdownAsync() => app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        worker.Dispose();
        await app.DisposeAsync();
    }

    static IPAddress ParseHost(string host) => host == "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(host, out var ip) ? ip
        : throw new ArgumentException($"--host: '{host}' is not an IP address (or localhost)");

    static bool Authorized(HttpRequest request, string key)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.Ordinal)) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[scheme.Length..]), Encoding.UTF8.GetBytes(key));
    }

    /// <summary>Text as it is (UTF-8), not \u-escaped, as Python servers write it.</summary>
    internal static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    internal static async Task WriteJson(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(Json));
    }
}
