using System.Text.Json.Nodes;
using Rlvr.Checkpoints;
using Rlvr.Evaluation;
using Rlvr.Model;
using Rlvr.Tests.Support;
using static TorchSharp.torch;

namespace Rlvr.Tests.HuggingFace;

/// <summary>A checkpoint of a Hugging Face model is that model's directory again.</summary>
public class HfRoundTripTests
{
    [Theory]
    [MemberData(nameof(TinyModels.Names), MemberType = typeof(TinyModels))]
    public void SavingKeepsKeysShapesDtypesBytesConfigAndCompanionFiles(string name)
    {
        var source = TinyModels.Dir(name);
        using var dir = new TempDir();
        var target = Path.Combine(dir.Path, "saved");
        using (var model = Checkpoint.LoadModel(source)) Checkpoint.SaveModel(target, model);

        AssertSameTensors(source, target);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(Path.Combine(source, "config.json"))),
            JsonNode.Parse(File.ReadAllText(Path.Combine(target, "config.json")))));
        foreach (var file in new[] { "generation_config.json", "tokenizer.json", "tokenizer_config.json" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(source, file)), File.ReadAllBytes(Path.Combine(target, file)));

        using var reloaded = Checkpoint.LoadModel(target);
        foreach (var reference in TinyModels.References(name))
        {
            var score = SequenceScore.Compute(reloaded, reference.Ids);
            TinyModels.AssertMatches(reference, score.LogProbs, score.NextTop);
        }
    }

    [Fact]
    public void ShardsAboveTheMaximumSizeWithAnIndexThatReloads()
    {
        var source = TinyModels.Dir("tiny-qwen2");
        using var dir = new TempDir();
        var target = Path.Combine(dir.Path, "saved");
        const long maxShard = 4_000_000;
        using var model = Checkpoint.LoadModel(source);
        Checkpoint.SaveModel(target, model, maxShardBytes: maxShard);

        Assert.False(File.Exists(Path.Combine(target, "model.safetensors")));
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(target, "model.safetensors.index.json")))!;
        var shards = Directory.GetFiles(target, "model-*-of-*.safetensors").Order().ToList();
        Assert.True(shards.Count > 1);
        long total = 0;
        foreach (var shard in shards)
        {
            var header = SafeTensors.ReadHeader(shard);
            var bytes = header.Tensors.Values.Sum(t => t.ByteLength);
            // Only a shard holding a single tensor may exceed the maximum.
            Assert.True(bytes <= maxShard || header.Tensors.Count == 1, Path.GetFileName(shard));
            foreach (var t in header.Tensors.Keys) Assert.Equal(Path.GetFileName(shard), index["weight_map"]![t]!.GetValue<string>());
            total += bytes;
        }
        Assert.Equal(total, index["metadata"]!["total_size"]!.GetValue<long>());
        AssertSameTensors(source, target);

        using var reloaded = Checkpoint.LoadModel(target);
        var reference = TinyModels.References("tiny-qwen2")[0];
        var score = SequenceScore.Compute(reloaded, reference.Ids);
        TinyModels.AssertMatches(reference, score.LogProbs, score.NextTop);
    }

    [Fact]
    public void Float16OnDiskLoadsAsItsValues()
    {
        using var dir = new TempDir();
        var target = Path.Combine(dir.Path, "f16");
        using var model = Checkpoint.LoadModel(TinyModels.Dir("tiny-qwen3"));
        model.Origin = model.Origin! with { Tensors = model.Origin.Tensors.Select(t => t with { DType = ScalarType.Float16 }).ToList() };
        Checkpoint.SaveModel(target, model);
        Assert.All(SafeTensors.ReadHeader(Path.Combine(target, "model.safetensors")).Tensors.Values, t => Assert.Equal(ScalarType.Float16, t.DType));

        using var reloaded = Checkpoint.LoadModel(target);
        var held = reloaded.state_dict();
        foreach (var (key, p) in model.state_dict())
            Assert.True(p.to(ScalarType.Float16).to(ScalarType.Float32).allclose(held[key], rtol: 0, atol: 0), key);
    }

    /// <summary>Same keys, dtypes and shapes, and byte-identical data, whatever the sharding.</summary>
    static void AssertSameTensors(string expectedDir, string actualDir)
    {
        var expected = WeightFiles.Locate(expectedDir).Tensors;
        var actual = WeightFiles.Locate(actualDir).Tensors;
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, e) in expected)
        {
            var a = actual[name];
            Assert.Equal(e.Info.DType, a.Info.DType);
            Assert.Equal(e.Info.Shape, a.Info.Shape);
            Assert.True(Bytes(e).AsSpan().SequenceEqual(Bytes(a)), name);
        }
    }

    static byte[] Bytes((string File, SafeTensorInfo Info, long DataStart) t)
    {
        using var stream = File.OpenRead(t.File);
        stream.Position = t.DataStart + t.Info.Begin;
        var bytes = new byte[t.Info.ByteLength];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
