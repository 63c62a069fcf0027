using System.Text;
using Microsoft.ML.Tokenizers;
using Rlvr.Chat;
using Rlvr.IO;

namespace Rlvr.Tokenization;

/// <summary>A Hugging Face byte-level BPE tokenizer (Qwen2/2.5/3, Llama 3) read from a model directory's
/// tokenizer.json and tokenizer_config.json; Microsoft.ML.Tokenizers does the BPE, this class the Hugging Face
/// conventions around it (added tokens, BOS from the post-processor, EOS ids from the model's files).</summary>
public sealed class HfTokenizer : ITokenizer
{
    public const string ConfigFileName = "tokenizer_config.json";

    private readonly BpeTokenizer _bpe;
    private readonly HfTokenizerJson _json;
    private readonly HfTokenizerConfig _config;
    private readonly IReadOnlyDictionary<string, byte[]> _files;
    private readonly int[] _prefixIds;
    private readonly string _sourceDirectory;

    private HfTokenizer(string sourceDirectory, HfTokenizerJson json, HfTokenizerConfig config)
    {
        // Read now: the directory it came from may be gone when a later checkpoint is saved (--keep-last).
        _files = new[] { TokenizerFiles.FileName, ConfigFileName, HfTokenizerConfig.GenerationConfigFileName }
            .Where(name => File.Exists(Path.Combine(sourceDirectory, name)))
            .ToDictionary(name => name, name => File.ReadAllBytes(Path.Combine(sourceDirectory, name)));
        _sourceDirectory = sourceDirectory;
        _json = json;
        _config = config;
        _bpe = BpeTokenizer.Create(json.Options);
        // add_bos_token asks for BOS even where the post-processor does not add it.
        _prefixIds = config is { AddBosToken: true, BosId: int bos } && json.PrefixIds.FirstOrDefault(-1) != bos
            ? [bos, .. json.PrefixIds]
            : json.PrefixIds;
        VocabSize = json.Options.Vocabulary!.Select(p => p.Value).Concat(json.AddedTokens.Values).Max() + 1;
    }

    /// <summary>Reads the tokenizer of a Hugging Face model directory (its tokenizer.json is a BPE model).</summary>
    public static HfTokenizer Load(string directory) =>
        Create(directory, HfTokenizerJson.Load(Path.Combine(directory, TokenizerFiles.FileName)));

    /// <summary>As <see cref="Load(string)"/>, for a tokenizer.json that is already parsed.</summary>
    public static HfTokenizer Load(string directory, System.Text.Json.JsonElement tokenizerJson) =>
        Create(directory, HfTokenizerJson.Read(Path.Combine(directory, TokenizerFiles.FileName), tokenizerJson));

    private static HfTokenizer Create(string directory, HfTokenizerJson json) =>
        new(directory, json, HfTokenizerConfig.Load(directory, json));

    public int VocabSize { get; }
    public int? BosId => _config.BosId;
    public bool AddsBos => _prefixIds.Length > 0 && _prefixIds[0] == BosId;
    public int EosId => _config.EosId;
    public IReadOnlySet<int> StopIds => _config.StopIds;
    public int PadId => _config.PadId;

    /// <summary>The Jinja chat template of tokenizer_config.json, if it has one.</summary>
    public string? ChatTemplate => _config.ChatTemplate;

    /// <summary>The chat template, parsed, with the config's special tokens as its variables; null without one.</summary>
    public ChatTemplate? LoadChatTemplate() => _config.ChatTemplate == null ? null
        : Chat.ChatTemplate.FromConfigText(Encoding.UTF8.GetString(_files[ConfigFileName]), Path.Combine(_sourceDirectory, ConfigFileName));

    public int[] Encode(string text) => Encode(text, addSpecialTokens: false);

    public int[] Encode(string text, bool addSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = _json.IgnoreMerges ? EncodeIgnoringMerges(text) : _bpe.EncodeToIds(text).ToArray();
        return addSpecialTokens ? [.. _prefixIds, .. ids, .. _json.SuffixIds] : ids;
    }

    // Llama 3's ignore_merges: a pre-token that is itself in the vocabulary becomes that token, even where applying
    // the merges would split it differently.
    private int[] EncodeIgnoringMerges(string text)
    {
        var normalized = _bpe.Normalizer?.Normalize(text) ?? text;
        var ids = new List<int>();
        foreach (var (offset, length) in _bpe.PreTokenizer!.PreTokenize(normalized))
        {
            var piece = normalized.Substring(offset, length);
            if (_json.AddedTokens.TryGetValue(piece, out var id) || _bpe.Vocabulary.TryGetValue(ByteLevelAlphabet.Spell(piece), out id))
                ids.Add(id);
            else
                ids.AddRange(_bpe.EncodeToIds(piece, considerPreTokenization: false, considerNormalization: false));
        }
        return ids.ToArray();
    }

    public string Decode(IReadOnlyList<int> ids) => Decode(ids, skipSpecialTokens: true);

    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var kept = ids.Where(id => id >= 0 && id < VocabSize && !(skipSpecialTokens && _json.SpecialIds.Contains(id)));
        return _bpe.Decode(kept, considerSpecialTokens: true) ?? "";
    }

    /// <summary>Copies the original files, so a checkpoint stays a Hugging Face model directory; generation_config.json
    /// comes along because the stop ids are read from it.</summary>
    public void Save(string directory)
    {
        foreach (var (name, bytes) in _files) AtomicFile.WriteAllBytes(Path.Combine(directory, name), bytes);
    }
}
