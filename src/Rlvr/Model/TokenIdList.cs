using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rlvr.Model;

/// <summary>A config field such as eos_token_id that Hugging Face writes as one number or a list of them; written
/// back in the same shape. Compared by value.</summary>
[JsonConverter(typeof(TokenIdListConverter))]
public sealed record TokenIdList(IReadOnlyList<int> Ids, bool WrittenAsList)
{
    public static implicit operator TokenIdList(int id) => new([id], false);

    public int First => Ids[0];

    public bool Equals(TokenIdList? other) => other is not null && WrittenAsList == other.WrittenAsList && Ids.SequenceEqual(other.Ids);

    public override int GetHashCode() => Ids.Aggregate(WrittenAsList ? 1 : 0, HashCode.Combine);
}

sealed class TokenIdListConverter : JsonConverter<TokenIdList>
{
    public override TokenIdList Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number) return new([reader.GetInt32()], false);
        var ids = JsonSerializer.Deserialize<int[]>(ref reader, options) ?? throw new JsonException("expected a token id or a list of them");
        return new(ids, true);
    }

    public override void Write(Utf8JsonWriter writer, TokenIdList value, JsonSerializerOptions options)
    {
        if (!value.WrittenAsList && value.Ids.Count == 1)
        {
            writer.WriteNumberValue(value.Ids[0]);
            return;
        }
        writer.WriteStartArray();
        foreach (var id in value.Ids) writer.WriteNumberValue(id);
        writer.WriteEndArray();
    }
}
