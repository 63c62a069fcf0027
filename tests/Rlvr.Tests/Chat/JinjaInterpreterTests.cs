using System.Text.Json.Nodes;
using Rlvr.Chat;

namespace Rlvr.Tests.Chat;

/// <summary>The interpreter on its own. Each expected output is what Jinja2 3.1.6 renders for the same template and
/// variables in an ImmutableSandboxedEnvironment configured as transformers configures it (trim_blocks,
/// lstrip_blocks, loopcontrols, transformers' tojson).</summary>
public class JinjaInterpreterTests
{
    public static TheoryData<string, string, string> ExpressionsCases => new()
    {
        { "{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 2 ** 10 }} {{ 4 / 2 }} {{ 2 ** -1 }}",
          "{}",
          "7 9 3 -4 2 3.5 1024 2.0 0.5" },
        { "{{ 'a' ~ none ~ 1.5 ~ nothing ~ true }}|{{ 1e15 }} {{ 1e16 }} {{ 0.00001 }} {{ 0.1 + 0.2 }} {{ -0.0 }} {{ 3.0 }}",
          "{}",
          "aNone1.5True|1000000000000000.0 1e+16 1e-05 0.30000000000000004 -0.0 3.0" },
        { "{{ [1,'a',\"b'\",none,true, 2.5, [], {}] }} {{ {'a': (1,2), 'b': (3,)} }} {{ ('x', 'y') }} {{ 'it\\'s' }}",
          "{}",
          "[1, 'a', \"b'\", None, True, 2.5, [], {}] {'a': (1, 2), 'b': (3,)} ('x', 'y') it's" },
        { "{{ 'abc'[::-1] }} {{ 'abcdef'[1:4] }} {{ 'abcdef'[-2:] }} {{ [1,2,3,4,5][::2] }} {{ [1,2,3][5:] }} {{ [1,2,3][-1] }} {{ 'h\u00e9llo\ud83d\ude00x'|length }} {{ 'a\ud83d\ude00b'[1] }}",
          "{}",
          "cba bcd ef [1, 3, 5] [] 3 7 \ud83d\ude00" },
        { "{{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ 1 == 1.0 }} {{ true == 1 }} {{ 'a' < 'b' }} {{ [1,2] < [1,3] }} {{ 'x' in 'xyz' }} {{ 2 not in [1,3] }} {{ 'k' in {'k': 1} }}",
          "{}",
          "True False True True True True True True True" },
        { "{{ x or 'dflt' }} {{ x and 'y' }} {{ 0 or '' or 'z' }} {{ not x }} {{ 'yes' if x else 'no' }} [{{ 'yes' if x }}] {{ 1 if false else 2 if false else 3 }}",
          "{\"x\": 0}",
          "dflt 0 z True no [] 3" },
        { "{{ x.a.b }} {{ x['a']['b'] }} {{ x.missing is defined }} {{ x.a.missing is defined }} {{ none.x is defined }} {{ x.items is defined }}",
          "{\"x\": {\"a\": {\"b\": \"B\"}}}",
          "B B False False False True" },
        { "{{ '\\n\\t\\x41\\u00e9\\\\ \\d' }}|{{ \"adjacent\" 'strings' }}",
          "{}",
          "\n\tA\u00e9\\ \\d|adjacentstrings" },
        { "{{ x }} {{ y }} {{ z }} {{ [x, y, z] }} {{ 'a\\nb' }} {{ ['a\\nb', '\u00e9', '\\x01'] }}",
          "{\"x\": null, \"y\": true, \"z\": 1.25}",
          "None True 1.25 [None, True, 1.25] a\nb ['a\\nb', '\u00e9', '\\x01']" },
        { "{{ messages|length - 1 }} {{ -x|abs }} {{ messages[0]['role'] }}",
          "{\"messages\": [{\"role\": \"user\"}], \"x\": 3}",
          "0 3 user" },
        { "{{ 'a' + 'b' }}{{ [1] + [2] }}{{ 'ab' * 2 }}{{ 1.5 + 1 }}{{ true + 1 }}",
          "{}",
          "ab[1, 2]abab2.52" },
        { "{{ none.x }}",
          "{}",
          "" },
        { "{% set a, b = [1, 2] %}{{ a }}{{ b }}{% set c = 1, 2 %}{{ c }}",
          "{}",
          "12(1, 2)" },
        { "{{ dict(a=1, b=[2]) }} {{ namespace(x=1).x }}",
          "{}",
          "{'a': 1, 'b': [2]} 1" },
    };

    [Theory, MemberData(nameof(ExpressionsCases))]
    public void Expressions(string template, string variables, string expected) =>
        Assert.Equal(expected, Render(template, variables));

    public static TheoryData<string, string, string> MethodsCases => new()
    {
        { "{{ msg.content.split('</think>')[-1].lstrip('\\n') }}|{{ msg.content.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') }}",
          "{\"msg\": {\"content\": \"<think>\\nreason\\n</think>\\n\\nanswer\"}}",
          "answer|reason" },
        { "{{ '  a b  '.strip() }}|{{ 'xxaxx'.strip('x') }}|{{ 'a,b,,c'.split(',') }}|{{ ' a  b '.split() }}|{{ 'a b c'.split(' ', 1) }}|{{ 'a b c'.rsplit(' ', 1) }}|{{ 'Hello'.startswith('He') }}{{ 'Hello'.endswith(('x','lo')) }}",
          "{}",
          "a b|a|['a', 'b', '', 'c']|['a', 'b']|['a', 'b c']|['a b', 'c']|TrueTrue" },
        { "{{ 'hello world'.title() }}|{{ 'Hello World-foo(bar' | title }}|{{ 'hELLO'|capitalize }}|{{ 'Ab'|upper }}{{ 'Ab'|lower }}|{{ 'aaa'.replace('a','b',2) }}|{{ 'aaa'|replace('a','c') }}|{{ 'abcb'.find('b') }}{{ 'abcb'.rfind('b') }}{{ 'abcb'.count('b') }}",
          "{}",
          "Hello World|Hello World-Foo(Bar|Hello|ABab|bba|ccc|132" },
        { "{{ d.get('a') }} {{ d.get('zz', 'dflt') }} {{ d.get('zz') }} {{ d.keys()|list }} {{ d.values()|list }} {{ d|length }} {{ d.a }}",
          "{\"d\": {\"a\": 1, \"b\": 2}}",
          "1 dflt None ['a', 'b'] [1, 2] 2 1" },
    };

    [Theory, MemberData(nameof(MethodsCases))]
    public void Methods(string template, string variables, string expected) =>
        Assert.Equal(expected, Render(template, variables));

    public static TheoryData<string, string, string> FiltersCases => new()
    {
        { "{{ [3,1,2]|sort }} {{ ['b','A','c']|sort }} {{ ['b','A','c']|sort(case_sensitive=true) }} {{ [3,1,2]|sort(reverse=true) }} {{ xs|sort(attribute='n')|map(attribute='n')|list }}",
          "{\"xs\": [{\"n\": 2}, {\"n\": 1}]}",
          "[1, 2, 3] ['A', 'b', 'c'] ['A', 'b', 'c'] [3, 2, 1] [1, 2]" },
        { "{{ [1,2,3]|join(', ') }} {{ xs|map(attribute='name')|join('|') }} {{ xs|selectattr('on')|map(attribute='name')|list }} {{ xs|rejectattr('on')|list|length }} {{ xs|selectattr('name', 'equalto', 'b')|first }}",
          "{\"xs\": [{\"name\": \"a\", \"on\": true}, {\"name\": \"b\", \"on\": false}]}",
          "1, 2, 3 a|b ['a'] 1 {'name': 'b', 'on': False}" },
        { "{{ [1,2,3,4]|select('odd')|list }} {{ [1,2,3,4]|reject('even')|list }} {{ ['a','code_interpreter','b']|reject('equalto','code_interpreter')|join(', ') }} {{ ['a','B']|map('upper')|list }}",
          "{}",
          "[1, 3] [1, 3] a, b ['A', 'B']" },
        { "{{ x|default('d') }} {{ ''|default('d') }} {{ ''|default('d', true) }} {{ none|default('d') }} {{ x|d('e') }}",
          "{}",
          "d  d None e" },
        { "{{ [1,2,3]|first }} {{ [1,2,3]|last }} {{ 'abc'|first }} {{ [1,2]|reverse|list }} {{ 'abc'|reverse }} {{ 'abc'|list }} {{ {'a':1,'b':2}|list }} {{ {'a':1}|items|list }} {{ [1,1,2]|unique|list }}",
          "{}",
          "1 3 a [2, 1] cba ['a', 'b', 'c'] ['a', 'b'] [('a', 1)] [1, 2]" },
        { "{{ '42'|int }} {{ '4.7'|int }} {{ 'x'|int }} {{ 3.9|int }} {{ '2.5'|float }} {{ -3|abs }} {{ 5|string ~ 'x' }} {{ 'a\\nb\\n\\nc'|indent(2) }}|{{ 'a\\nb'|indent(2, true) }}|{{ ' x '|trim }}|{{ 'xax'|trim('x') }}",
          "{}",
          "42 4 0 3 2.5 3 5x a\n  b\n\n  c|  a\n  b|x|a" },
        { "{{ d|tojson }}|{{ d|tojson(indent=2) }}|{{ d|tojson(separators=(',', ':')) }}|{{ d|tojson(sort_keys=true) }}|{{ d|tojson(indent=4) }}|{{ '\u00e9\"\\n\\u2028<>&'|tojson }}|{{ '\u00e9'|tojson(ensure_ascii=true) }}|{{ [1.0, 1e20, 0.5, none, true, [], {}]|tojson(indent=1) }}",
          "{\"d\": {\"b\": 1, \"a\": [1, {\"x\": \"y\"}], \"c\": {}, \"e\": []}}",
          "{\"b\": 1, \"a\": [1, {\"x\": \"y\"}], \"c\": {}, \"e\": []}|{\n  \"b\": 1,\n  \"a\": [\n    1,\n    {\n      \"x\": \"y\"\n    }\n  ],\n  \"c\": {},\n  \"e\": []\n}|{\"b\":1,\"a\":[1,{\"x\":\"y\"}],\"c\":{},\"e\":[]}|{\"a\": [1, {\"x\": \"y\"}], \"b\": 1, \"c\": {}, \"e\": []}|{\n    \"b\": 1,\n    \"a\": [\n        1,\n        {\n            \"x\": \"y\"\n        }\n    ],\n    \"c\": {},\n    \"e\": []\n}|\"\u00e9\\\"\\n\u2028<>&\"|\"\\u00e9\"|[\n 1.0,\n 1e+20,\n 0.5,\n null,\n true,\n [],\n {}\n]" },
    };

    [Theory, MemberData(nameof(FiltersCases))]
    public void Filters(string template, string variables, string expected) =>
        Assert.Equal(expected, Render(template, variables));

    public static TheoryData<string, string, string> TestsCases => new()
    {
        { "{{ 1 is odd }}{{ 2 is even }}{{ 6 is divisibleby 3 }}{{ 6 is divisibleby(4) }}{{ none is none }}{{ x is undefined }}{{ 'a' is string }}{{ 1 is number }}{{ 1.5 is float }}{{ 1 is integer }}{{ true is boolean }}{{ {} is mapping }}{{ [] is iterable }}{{ 'a' is iterable }}{{ x is iterable }}{{ false is false }}{{ 0 is false }}{{ true is true }}{{ 1 is sameas 1 }}{{ 'a' is in 'abc' }}{{ 2 is gt 1 }}{{ 'a' is not none }}{{ 3 is eq 3 }}",
          "{}",
          "TrueTrueTrueFalseTrueTrueTrueTrueTrueTrueTrueTrueTrueTrueTrueTrueFalseTrueTrueTrueTrueTrueTrue" },
    };

    [Theory, MemberData(nameof(TestsCases))]
    public void Tests(string template, string variables, string expected) =>
        Assert.Equal(expected, Render(template, variables));

    public static TheoryData<string, string, string> LoopsCases => new()
    {
        { "{% for x in xs %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.revindex0 }}/{{ loop.length }}/{{ loop.first }}/{{ loop.last }}/{{ loop.previtem }}/{{ loop.nextitem }}/{{ loop.cycle('o','e') }};{% endfor %}",
          "{\"xs\": [\"a\", \"b\", \"c\"]}",
          "1/0/3/2/3/True/False//b/o;2/1/2/1/3/False/False/a/c/e;3/2/1/0/3/False/True/b//o;" },
        { "{% for x in xs if x > 1 %}{{ x }}:{{ loop.index }}/{{ loop.length }} {% else %}empty{% endfor %}|{% for x in [] %}x{% else %}empty{% endfor %}",
          "{\"xs\": [1, 2, 3]}",
          "2:1/2 3:2/2 |empty" },
        { "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}{% for k, v in d|items %}{{ k }}{{ v }}{% endfor %}{% for k in d %}{{ k }}{% endfor %}",
          "{\"d\": {\"z\": 1, \"a\": 2}}",
          "z=1;a=2;z1a2za" },
        { "{% for x in range(10) %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 5 %}{% break %}{% endif %}{{ x }}{% endfor %}|{{ range(3)|list }} {{ range(1, 10, 3)|list }} {{ range(5, 0, -2)|list }}",
          "{}",
          "0134|[0, 1, 2] [1, 4, 7] [5, 3, 1]" },
        { "{% set x = 'outer' %}{% for i in [1,2] %}[{{ x }}{% set x = i %}{{ x }}]{% endfor %}{{ x }}{% if true %}{% set y = 'leak' %}{% endif %}{{ y }}",
          "{}",
          "[outer1][outer2]outerleak" },
        { "{% set ns = namespace(a=1, found=false) %}{% for i in range(3) %}{% set ns.a = ns.a + i %}{% if i == 1 %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.a }} {{ ns.found }}",
          "{}",
          "4 True" },
        { "{% for row in [[1,2],[3]] %}{% for c in row %}{{ loop.index }}{{ c }}{% endfor %}({{ loop.index }}){% endfor %}",
          "{}",
          "1122(1)13(2)" },
    };

    [Theory, MemberData(nameof(LoopsCases))]
    public void Loops(string template, string variables, string expected) =>
        Assert.Equal(expected, Render(template, variables));

    public static TheoryData<string, string, string> WhitespaceCases => new()
    {
        { "  {% if true %}\n  x\n  {% endif %}\n  {# c #}\nz  {{ 1 }}  {% if 1 %}y{% endif %}\n",
          "{}",
          "  x\nz  1  y" },
        { "a  {%- if true -%}  b  {%- endif -%}  \n c {{- ' d ' -}} e\n{{ 'f' }}\n{% if true +%}\ng\n  {%+ if true %}h{% endif %}\n{% endif %}",
          "{}",
          "abc d e\nf\n\ng\n  h" },
        { "{% for i in [1,2] %}\n  {{ i }}\n{% endfor %}\nend\n\n",
          "{}",
          "  1\n  2\nend\n" },
        { "{# comment #}\n{#- trimmed -#}   x {#- c #} y\n   {#+ keep #}\n",
          "{}",
          "x y\n   " },
        { "line1\r\nline2\r\n{% if true %}\r\nx\r\n{% endif %}\r\n",
          "{}",
          "line1\nline2\nx\n" },
        { "{% set x %}\n  block {{ 1 }}\n{% endset %}[{{ x }}]",
          "{}",
          "[  block 1\n]" },
    };

    [Theory, MemberData(nameof(WhitespaceCases))]
    public void Whitespace(string template, string variables, string expected) =>
        Assert.Equal(expected, Render(template, variables));

    public static TheoryData<string, string, string> MacrosCases => new()
    {
        // Qwen3-Coder's way of rendering tool arguments and extra schema keys.
        { "{% macro extra(d, handled) %}\n    {%- for k in d if k not in handled %}\n        {%- if d[k] is mapping or (d[k] is sequence and d[k] is not string) %}\n            {{- '<' ~ k ~ '>' ~ (d[k] | tojson | safe) }}\n        {%- else %}\n            {{- '<' ~ k ~ '>' ~ (d[k] | string) }}\n        {%- endif %}\n    {%- endfor %}\n{% endmacro %}\n{%- for name, value in args|items %}\n    {%- set value = value | tojson if value is mapping or (value is sequence and value is not string) else value | string %}\n[{{ name }}={{ value }}]\n{%- endfor %}\n{{ extra(args, ['a']) }}",
          "{\"args\": {\"a\": 1, \"b\": [2, {\"c\": true}], \"d\": \"x\", \"e\": null}}",
          "[a=1][b=[2, {\"c\": true}]][d=x][e=None]<b>[2, {\"c\": true}]<d>x<e>None" },
        { "{% macro f(a, b='x') %}[{{a}}{{b}}]{% endmacro %}{{ f(1) }}{{ f(1, b=2) }}{{ f(b=3, a=4) }}{{ f() }}",
          "{}",
          "[1x][12][43][x]" },
        { "{% macro render(d) %}{% for k, v in d.items() %}{{ k }}: {{ v }}\n{% endfor %}{% endmacro %}{{ render({'a': 1, 'b': [1, 2]}) }}",
          "{}",
          "a: 1\nb: [1, 2]\n" },
    };

    [Theory, MemberData(nameof(MacrosCases))]
    public void Macros(string template, string variables, string expected) =>
        Assert.Equal(expected, Render(template, variables));

    internal static string Render(string template, string variablesJson = "{}")
    {
        var variables = JsonNode.Parse(variablesJson)!.AsObject();
        var messages = variables["messages"]?.AsArray() ?? [];
        variables.Remove("messages");
        return new ChatTemplate(template, "test template").Render((JsonArray)messages.DeepClone(), false, variables);
    }
}
