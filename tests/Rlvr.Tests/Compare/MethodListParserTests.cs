using Rlvr.Compare;

namespace Rlvr.Tests.Compare;

public class MethodListParserTests
{
    static readonly IReadOnlySet<string> Keys = new HashSet<string> { "update", "loss", "k", "alpha", "lr", "seed", "out", "eps-high" };

    static IReadOnlyList<MethodSpec> Parse(string text) => MethodListParser.Parse(text, Keys);

    [Fact]
    public void ParsesUpdatesLossesAndOverrides()
    {
        var methods = Parse("single, sfpo ,gxpo(k=10),single:dfpo-min,sfpo:gspo(alpha=0.5, k=2)");
        Assert.Equal(["single", "sfpo", "gxpo(k=10)", "single:dfpo-min", "sfpo:gspo(alpha=0.5,k=2)"], methods.Select(m => m.Name));
        var last = methods[^1];
        Assert.Equal(("sfpo", "gspo"), (last.Update, last.Loss));
        Assert.Equal([new("alpha", "0.5"), new("k", "2")], last.Overrides);
        Assert.Equal([new("update", "sfpo"), new("loss", "gspo"), new("alpha", "0.5"), new("k", "2")], last.Settings());
        Assert.Null(methods[0].Loss);
        Assert.Equal([new("update", "single")], methods[0].Settings());
    }

    [Fact]
    public void NormalizesKeysAndGivesDirectorySafeSlugs()
    {
        var m = Assert.Single(Parse("SFPO:GSPO(Eps_High=0.28,LR=1e-4)"));
        Assert.Equal("sfpo:gspo(eps-high=0.28,lr=1e-4)", m.Name);
        Assert.Equal("sfpo_gspo_eps-high_0.28_lr_1e-4", m.Slug);
        Assert.Equal("single", Parse("single")[0].Slug);
        Assert.Equal("gxpo", Parse("gxpo()")[0].Name);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("single,,sfpo", "empty method")]
    [InlineData("single,", "empty method")]
    [InlineData("gxpo(k=10", "missing ')'")]
    [InlineData("gxpo k=10)", "unmatched ')'")]
    [InlineData("gxpo(k=(1))", "nested")]
    [InlineData("gxpo(k=1)x", "after ')'")]
    [InlineData("gxpo(k)", "expected key=value")]
    [InlineData("gxpo(k=)", "no value")]
    [InlineData("gxpo(=1)", "empty key")]
    [InlineData("gxpo(k=1,k=2)", "set twice")]
    [InlineData("a:b:c", "more than one ':'")]
    [InlineData(":grpo", "empty update rule")]
    [InlineData("sfpo:", "empty loss")]
    [InlineData("sf po", "invalid update rule")]
    [InlineData("single,single", "same method")]
    public void RejectsMalformedLists(string text, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => Parse(text));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void UnknownKeyErrorNamesTheMethodAndTheKey()
    {
        var e = Assert.Throws<ArgumentException>(() => Parse("single,sfpo:gspo(alpha=0.5,kk=2)"));
        Assert.Contains("'sfpo:gspo(alpha=0.5,kk=2)'", e.Message);
        Assert.Contains("unknown setting 'kk'", e.Message);
    }

    [Theory]
    [InlineData("sfpo(seed=3)")]
    [InlineData("sfpo(update=gxpo)")]
    [InlineData("sfpo(out=x)")]
    public void ReservedKeysCannotBeOverridden(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => Parse(text));
        Assert.Contains("cannot be set per method", e.Message);
    }

    [Fact]
    public void RealTrainSettingsTableIsAccepted()
    {
        var methods = MethodListParser.Parse("sfpo:gspo(alpha=0.5,k=2,eps-high=0.28,exit-rule=abs)", Rlvr.Training.RlSettings.Command.Keys.ToHashSet());
        Assert.Equal(4, methods[0].Overrides.Count);
    }
}
