using System.Text.Json.Nodes;
using Rlvr.Chat;
using Rlvr.Tests.Support;

namespace Rlvr.Tests.Chat;

/// <summary>Constructs outside the supported subset, and template mistakes, are one-line errors naming the
/// template, the line and the construct; unknown tags, filters and tests are caught when the template loads.</summary>
public class ChatTemplateErrorTests
{
    [Theory]
    [InlineData("hello\n{% include 'other.jinja' %}", 2, "unsupported tag 'include'")]
    [InlineData("{% if x %}\n{% filter upper %}x{% endfilter %}\n{% endif %}", 2, "unsupported tag 'filter'")]
    [InlineData("{{ x }}\n\n{{ x | wordcount }}", 3, "unsupported filter 'wordcount'")]
    [InlineData("{% if x is escaped %}{% endif %}", 1, "unsupported test 'escaped'")]
    [InlineData("{% for x in xs recursive %}{% endfor %}", 1, "unsupported loop modifier 'recursive'")]
    [InlineData("a\n{% if x %}\nb", 2, "tag 'if' is never closed (expected 'endif')")]
    [InlineData("{% endfor %}", 1, "unexpected tag 'endfor'")]
    [InlineData("{{ 'abc }}", 1, "unclosed string literal")]
    [InlineData("{{ f(*args) }}", 1, "unsupported argument unpacking '*'")]
    [InlineData("{% for x in xs %}{% macro m() %}\n{% break %}{% endmacro %}{% endfor %}", 2, "'break' outside a loop")]
    [InlineData("{{- '\\n\\n# Tools\\n' }}\n{{ 'multi\nline' }}\n{{ x | bogus }}", 4, "unsupported filter 'bogus'")]
    public void LoadingRejects(string template, int line, string problem)
    {
        var error = Assert.Throws<ChatTemplateException>(() => new ChatTemplate(template, "my.jinja"));
        Assert.Equal($"my.jinja line {line}: {problem}", error.Message);
    }

    [Theory]
    [InlineData("{{ 'a'.zfill(3) }}", 1, "unsupported method 'str.zfill'")]
    [InlineData("{{ messages.append(1) }}", 1, "unsupported method 'list.append'")]
    [InlineData("\n{{ x.y }}", 2, "'x' is undefined")]
    [InlineData("{{ messages[0].content.strip() }}", 1, "'list object' has no element 0")]
    [InlineData("{{ 'a' + 1 }}", 1, "unsupported operand type(s) for +: 'str' and 'int'")]
    [InlineData("{% for x in none %}{% endfor %}", 1, "'NoneType' object is not iterable")]
    [InlineData("{% set d = {} %}\n{% set d.x = 1 %}", 2, "cannot assign attribute 'x' on 'd': only a namespace() accepts attributes")]
    [InlineData("{% if true %}\n  {{ raise_exception('Only user and assistant roles are supported!') }}\n{% endif %}", 2,
        "the template raised an error: Only user and assistant roles are supported!")]
    [InlineData("{{ strftime_now('%Q') }}", 1, "unsupported strftime directive '%Q'")]
    [InlineData("{{ 1 // 0 }}", 1, "division by zero")]
    [InlineData("{{ ('a' if false) + 'b' }}", 1, "the inline if-expression on line 1 evaluated to false and no else section was defined.")]
    public void RenderingRejects(string template, int line, string problem)
    {
        var chat = new ChatTemplate(template, "my.jinja");
        var error = Assert.Throws<ChatTemplateException>(() => chat.Render([]));
        Assert.Equal($"my.jinja line {line}: {problem}", error.Message);
    }

    [Fact]
    public void ConfigWithoutTemplateNamesTheFileAndField()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File(ChatTemplate.ConfigFileName), """{"eos_token": "</s>"}""");
        var error = Assert.Throws<ChatTemplateException>(() => ChatTemplate.FromTokenizerConfig(dir.Path));
        Assert.Equal($"{dir.File(ChatTemplate.ConfigFileName)}: no 'chat_template' field and no chat_template.jinja beside it", error.Message);
    }

    [Fact]
    public void ErrorsInAConfigTemplateNameTheConfigField()
    {
        using var dir = new TempDir();
        var config = new JsonObject { ["chat_template"] = "{% for m in messages %}\n{{ m | bogus }}{% endfor %}" };
        File.WriteAllText(dir.File(ChatTemplate.ConfigFileName), config.ToJsonString());
        var error = Assert.Throws<ChatTemplateException>(() => ChatTemplate.FromTokenizerConfig(dir.Path));
        Assert.Equal($"{dir.File(ChatTemplate.ConfigFileName)} 'chat_template' line 2: unsupported filter 'bogus'", error.Message);
    }
}
