using System.Text.Json;

namespace Rlvr.Benchmarks;

/// <summary>Responses produced elsewhere for a benchmark (`rlvr eval --benchmark B --responses FILE`), one JSON
/// object per line: {"id": …, "response": "…"} or {"index": i, "response": "…"}, one line per sample, or
/// {"responses": ["…", …]} with all samples of one problem (identified by "id"/"index", or without them by the
/// line's position among such lines). Every scored problem needs exactly k responses (k = --samples): more is a
/// duplicate, fewer is missing; both are errors unless missing responses are allowed, when they count as wrong and
/// their number is reported. Every error names the file and line.</summary>
public sealed record ResponsesFile(IReadOnlyList<IReadOnlyList<string>> Responses, int Missing)
{
    /// <param name="samples">k: responses per problem</param>
    /// <param name="scored">how many of the benchmark's first problems are scored (--limit); later ones may be absent</param>
    public static ResponsesFile Read(string path, Benchmark benchmark, int samples, int scored, bool allowMissing)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"--responses {path} not found");
        var items = benchmark.Items;
        var byItem = items.Select(_ => new List<string>()).ToArray();
        var firstLine = new int[items.Count];
        var indexById = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < items.Count; i++) indexById.TryAdd(items[i].Id, i);
        string Item(int i) => $"id '{items[i].Id}' (index {i})";
        int lineNumber = 0, listPosition = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var at = $"{path}:{lineNumber}";
            JsonDocument doc;
            try { doc = JsonDocument.Parse(line); }
            catch (JsonException e) { throw new InvalidDataException($"{at}: invalid JSON: {e.Message}"); }
            using (doc)
            {
                var row = doc.RootElement;
                if (row.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{at}: expected a JSON object, got {row.ValueKind}");
                List<string> given;
                int item;
                if (row.TryGetProperty("responses", out var list))
                {
                    if (list.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"{at}: \"responses\" must be a list of strings, got {list.ValueKind}");
                    given = list.EnumerateArray().Select((r, j) => r.ValueKind == JsonValueKind.String ? r.GetString()!
                        : throw new InvalidDataException($"{at}: \"responses\"[{j}] must be a string, got {r.ValueKind}")).ToList();
                    item = ItemIndex(row, at, benchmark, indexById) ?? listPosition;
                    listPosition++;
                    if (item >= items.Count) throw new InvalidDataException($"{at}: more response lists than the {items.Count} problems of {benchmark.Name}");
                    if (byItem[item].Count > 0) throw new InvalidDataException($"{at}: duplicate responses for {Item(item)}, first given at line {firstLine[item]}");
                }
                else if (row.TryGetProperty("response", out var response))
                {
                    if (response.ValueKind != JsonValueKind.String) throw new InvalidDataException($"{at}: \"response\" must be a string, got {response.ValueKind}");
                    given = [response.GetString()!];
                    item = ItemIndex(row, at, benchmark, indexById) ?? throw new InvalidDataException($"{at}: needs \"id\" or \"index\" with \"response\"");
                }
                else throw new InvalidDataException($"{at}: needs \"response\" or \"responses\"");
                if (byItem[item].Count + given.Count > samples)
                    throw new InvalidDataException($"{at}: duplicate: more than {samples} response{(samples == 1 ? "" : "s")} for {Item(item)} " +
                        $"(first at line {firstLine[item]}; --samples sets how many each problem has)");
                if (byItem[item].Count == 0) firstLine[item] = lineNumber;
                byItem[item].AddRange(given);
            }
        }
        var lacking = Enumerable.Range(0, Math.Min(scored, items.Count)).Where(i => byItem[i].Count < samples).ToList();
        var missing = lacking.Sum(i => samples - byItem[i].Count);
        if (missing > 0 && !allowMissing)
            throw new InvalidDataException($"{path}: {lacking.Count} of {Math.Min(scored, items.Count)} problems lack responses " +
                $"(first: {Item(lacking[0])}, {byItem[lacking[0]].Count} of {samples}); add them, or pass --allow-missing to score them as wrong");
        return new ResponsesFile(byItem, missing);
    }

    static int? ItemIndex(JsonElement row, string at, Benchmark benchmark, Dictionary<string, int> indexById)
    {
        if (row.TryGetProperty("index", out var index))
        {
            if (index.ValueKind != JsonValueKind.Number || !index.TryGetInt32(out var i)) throw new InvalidDataException($"{at}: \"index\" must be an integer, got {index.GetRawText()}");
            if (i < 0 || i >= benchmark.Items.Count)
                throw new InvalidDataException($"{at}: index {i} is outside {benchmark.Name}'s {benchmark.Items.Count} problems (0..{benchmark.Items.Count - 1})");
            return i;
        }
        if (!row.TryGetProperty("id", out var id)) return null;
        var key = id.ValueKind switch
        {
            JsonValueKind.String => id.GetString()!,
            JsonValueKind.Number => id.GetRawText(),
            _ => throw new InvalidDataException($"{at}: \"id\" must be a string or number, got {id.ValueKind}"),
        };
        return indexById.TryGetValue(key, out var found) ? found : throw new InvalidDataException($"{at}: unknown id '{key}' (not in {benchmark.Name})");
    }
}
