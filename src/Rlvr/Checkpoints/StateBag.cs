using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace Rlvr.Checkpoints;

/// <summary>JSON values and named tensors of a run's state. Each component writes into its own child bag, whose JSON
/// is a nested object and whose tensor names carry the child's name as a dotted prefix.</summary>
public sealed class StateBag : IDisposable
{
    // Named literals keep non-finite values (a NaN loss, an infinite gradient norm) round-tripping exactly.
    static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    readonly JsonObject values;
    readonly Dictionary<string, Tensor> tensors;
    readonly string prefix;

    /// <summary>Where the state came from, for error messages.</summary>
    public string Source { get; }

    public StateBag(string source = "run state") : this(new JsonObject(), new Dictionary<string, Tensor>(StringComparer.Ordinal), "", source) { }

    StateBag(JsonObject values, Dictionary<string, Tensor> tensors, string prefix, string source) =>
        (this.values, this.tensors, this.prefix, Source) = (values, tensors, prefix, source);

    /// <summary>A bag over stored JSON and tensors; it takes ownership of the tensors.</summary>
    public static StateBag From(JsonObject values, Dictionary<string, Tensor> tensors, string source) => new(values, tensors, "", source);

    public JsonObject Values => values;

    /// <summary>Every tensor by its full name (only meaningful on the root bag).</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors => tensors;

    public StateBag Child(string name)
    {
        if (values[name] is not JsonObject child)
        {
            if (values.ContainsKey(name)) throw Invalid(name, "is not an object");
            values[name] = child = new JsonObject();
        }
        return new StateBag(child, tensors, prefix + name + ".", Source);
    }

    public void Set<T>(string key, T value) => values[key] = JsonSerializer.SerializeToNode(value, Json);

    public T Get<T>(string key)
    {
        if (!values.TryGetPropertyValue(key, out var node)) throw Invalid(key, "is missing");
        try
        {
            return node is null ? default! : node.Deserialize<T>(Json)!;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw Invalid(key, $"is not a {typeof(T).Name}");
        }
    }

    /// <summary>Stores a view of the tensor: the caller keeps its own tensor, and the bag never copies it.</summary>
    public void SetTensor(string key, Tensor value) => tensors[prefix + key] = value.detach().DetachFromDisposeScope();

    /// <summary>The stored tensor, checked against the shape the caller expects; owned by the bag.</summary>
    public Tensor GetTensor(string key, long[] shape)
    {
        if (!tensors.TryGetValue(prefix + key, out var t)) throw Invalid(key, "is missing");
        if (!t.shape.SequenceEqual(shape))
            throw Invalid(key, $"has shape [{string.Join(",", t.shape)}], expected [{string.Join(",", shape)}]");
        return t;
    }

    public InvalidDataException Invalid(string key, string problem) => new($"{Source}: field '{prefix}{key}' {problem}");

    public void Dispose()
    {
        if (prefix.Length > 0) return; // children share the root's tensors
        foreach (var t in tensors.Values) t.Dispose();
        tensors.Clear();
    }
}
