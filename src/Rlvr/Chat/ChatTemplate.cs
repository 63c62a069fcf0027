using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rlvr.Chat;

/// <summary>A Hugging Face chat template, rendered as transformers' <c>apply_chat_template</c> renders it with
/// Jinja2 (trim_blocks, lstrip_blocks, tojson without ASCII escaping, raise_exception, strftime_now). The
/// template is parsed once, at construction, where unsupported tags, filters and tests are reported.</summary>
public sealed class ChatTemplate
{
    public const string ConfigFileName = "tokenizer_config.json";
    public const string TemplateFileName = "chat_template.jinja";

    private static readonly string[] SpecialTokenFields = ["bos_token", "eos_token", "unk_token", "pad_token"];

    private readonly IReadOnlyList<Stmt> _body;
    private readonly JsonObject _defaults;
    private readonly Func<DateTime> _now;

    /// <summary>Where the template came from, as error messages name it.</summary>
    public string SourceName { get; }

    public string Source { get; }

    /// <param name="source">The Jinja text.</param>
    /// <param name="sourceName">Names the template in error messages (a file, or file and field).</param>
    /// <param name="defaults">Variables every render sees unless overridden, typically the special tokens.</param>
    /// <param name="now">Clock for <c>strftime_now</c>; local time by default, as transformers.</param>
    public ChatTemplate(string source, string sourceName = "chat template", JsonObject? defaults = null, Func<DateTime>? now = null)
    {
        Source = source;
        SourceName = sourceName;
        _defaults = defaults ?? [];
        _now = now ?? (() => DateTime.Now);
        try
        {
            _body = TemplateParser.Parse(source);
        }
        catch (TemplateLineException e)
        {
            throw ChatTemplateException.At(sourceName, e.Line, e.Problem);
        }
    }

    /// <summary>The template of a model directory or a tokenizer_config.json file: <c>chat_template.jinja</c> beside
    /// the config if present (newer transformers saves it there), else the config's <c>chat_template</c> field (a
    /// string, or a list of named templates of which "default" is used). The config's special tokens
    /// (<c>bos_token</c>, <c>eos_token</c>, ...) become default variables, as transformers passes them.</summary>
    public static ChatTemplate FromTokenizerConfig(string path, Func<DateTime>? now = null)
    {
        var configPath = Directory.Exists(path) ? Path.Combine(path, ConfigFileName) : path;
        if (!File.Exists(configPath)) throw new ChatTemplateException($"tokenizer config '{configPath}' not found");
        var templatePath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(configPath))!, TemplateFileName);
        var config = ReadConfig(File.ReadAllText(configPath), configPath);
        if (File.Exists(templatePath))
            return new ChatTemplate(File.ReadAllText(templatePath), templatePath, SpecialTokens(config, configPath), now);
        return FromConfig(config, configPath, now);
    }

    /// <summary>The template in the text of a tokenizer_config.json (its <c>chat_template</c> field), with the
    /// config's special tokens as default variables; <paramref name="configPath"/> names it in errors.</summary>
    public static ChatTemplate FromConfigText(string configText, string configPath, Func<DateTime>? now = null) =>
        FromConfig(ReadConfig(configText, configPath), configPath, now);

    private static ChatTemplate FromConfig(JsonObject config, string configPath, Func<DateTime>? now)
    {
        var defaults = SpecialTokens(config, configPath);
        var source = config["chat_template"] switch
        {
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
            JsonArray named => NamedDefault(named, configPath),
            null => throw new ChatTemplateException($"{configPath}: no 'chat_template' field and no {TemplateFileName} beside it"),
            _ => throw new ChatTemplateException($"{configPath}: 'chat_template' must be a string or a list of named templates"),
        };
        return new ChatTemplate(source, $"{configPath} 'chat_template'", defaults, now);
    }

    /// <summary>A template read from its own file (a .jinja overriding the model's), with the special tokens of the
    /// model directory or tokenizer_config.json at <paramref name="tokenizerConfig"/> as default variables.</summary>
    public static ChatTemplate FromFile(string templatePath, string tokenizerConfig, Func<DateTime>? now = null)
    {
        if (!File.Exists(templatePath)) throw new ChatTemplateException($"chat template '{templatePath}' not found");
        var configPath = Directory.Exists(tokenizerConfig) ? Path.Combine(tokenizerConfig, ConfigFileName) : tokenizerConfig;
        var defaults = File.Exists(configPath) ? SpecialTokens(ReadConfig(File.ReadAllText(configPath), configPath), configPath) : [];
        return new ChatTemplate(File.ReadAllText(templatePath), templatePath, defaults, now);
    }

    private static JsonObject ReadConfig(string text, string path)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject
                ?? throw new ChatTemplateException($"{path}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new ChatTemplateException($"{path}: invalid JSON at line {e.LineNumber + 1}: {e.Message}");
        }
    }

    private static string NamedDefault(JsonArray templates, string path)
    {
        foreach (var entry in templates)
            if (entry is JsonObject obj && obj["name"]?.GetValueKind() == JsonValueKind.String
                && obj["name"]!.GetValue<string>() == "default" && obj["template"]?.GetValueKind() == JsonValueKind.String)
                return obj["template"]!.GetValue<string>();
        throw new ChatTemplateException($"{path}: 'chat_template' lists named templates but none is named 'default'");
    }

    // A special token is a string or an AddedToken object with "content"; absent or null ones are not passed.
    private static JsonObject SpecialTokens(JsonObject config, string path)
    {
        var tokens = new JsonObject();
        foreach (var field in SpecialTokenFields)
        {
            var content = config[field] switch
            {
                JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
                JsonObject added when added["content"]?.GetValueKind() == JsonValueKind.String => added["content"]!.GetValue<string>(),
                null => null,
                JsonValue value when value.GetValueKind() == JsonValueKind.Null => null,
                _ => throw new ChatTemplateException($"{path}: '{field}' must be a string or an object with a string 'content'"),
            };
            if (content != null) tokens[field] = content;
        }
        if (config["additional_special_tokens"] is JsonArray additional) tokens["additional_special_tokens"] = additional.DeepClone();
        return tokens;
    }

    /// <summary>The text the template writes right after an assistant message's content, such as
    /// <c>"&lt;|im_end|&gt;\n"</c> (Qwen) or <c>"&lt;|eot_id|&gt;"</c> (Llama 3): where a generated turn ends, found by
    /// rendering a probe conversation rather than by knowing the model family.</summary>
    public string AssistantTurnEnd(JsonObject? variables = null)
    {
        const string probe = "assistant-turn-probe";
        var messages = new JsonArray(
            new JsonObject { ["role"] = "user", ["content"] = "user-turn-probe" },
            new JsonObject { ["role"] = "assistant", ["content"] = probe });
        var text = Render(messages, false, variables);
        var at = text.LastIndexOf(probe, StringComparison.Ordinal);
        return at >= 0 ? text[(at + probe.Length)..]
            : throw new ChatTemplateException($"{SourceName}: the template does not write an assistant message's content");
    }

    /// <summary>Renders a conversation. <paramref name="messages"/> is a JSON array of message objects
    /// (<c>role</c>, <c>content</c>, optionally <c>tool_calls</c>, <c>reasoning_content</c>, ...);
    /// <paramref name="variables"/> are the extra keyword arguments of apply_chat_template (<c>tools</c>,
    /// <c>enable_thinking</c>, <c>bos_token</c>, ...), overriding the defaults. As transformers does, <c>tools</c>
    /// and <c>documents</c> are defined and none unless given.</summary>
    public string Render(JsonArray messages, bool addGenerationPrompt = false, JsonObject? variables = null)
    {
        var globals = new Scope(null);
        foreach (var function in Globals.Create(_now)) globals.Set(function.Name, function);
        var context = new Scope(globals);
        context.Set("tools", null);
        context.Set("documents", null);
        foreach (var (name, value) in _defaults) context.Set(name, JsonValues.FromNode(value));
        if (variables != null)
            foreach (var (name, value) in variables) context.Set(name, JsonValues.FromNode(value));
        context.Set("messages", JsonValues.FromNode(messages));
        context.Set("add_generation_prompt", addGenerationPrompt);
        var output = new StringBuilder();
        try
        {
            new Interpreter().ExecuteBody(_body, new Scope(context), output);
        }
        catch (TemplateLineException e)
        {
            throw ChatTemplateException.At(SourceName, e.Line, e.Problem);
        }
        return output.ToString();
    }
}
