using System.Text.Json.Nodes;

namespace Rlvr.Serving;

/// <summary>A request the server refuses, answered as OpenAI does: HTTP <see cref="Status"/> and the body
/// {"error": {"message", "type", "param", "code"}} with code = the status (vLLM since v0.10.1).</summary>
/// <param name="type">The error's "type" when it is not the status's usual one (vLLM's "InvalidUserInput").</param>
public sealed class ApiException(int status, string message, string? param = null, string? type = null) : Exception(message)
{
    public int Status { get; } = status;
    public string? Param { get; } = param;

    public static ApiException BadRequest(string message, string? param = null) => new(400, message, param);

    public JsonObject ToJson() => Body(Status, Message, Param, type);

    public static JsonObject Body(int status, string message, string? param = null, string? type = null) => new()
    {
        ["error"] = new JsonObject
        {
            ["message"] = message,
            ["type"] = type ?? TypeOf(status),
            ["param"] = param,
            ["code"] = status,
        },
    };

    static string TypeOf(int status) => status switch
    {
        400 => "BadRequestError",
        401 => "AuthenticationError",
        404 => "NotFoundError",
        413 => "RequestTooLargeError",
        429 => "RateLimitError",
        _ => "InternalServerError",
    };
}
