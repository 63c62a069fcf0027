namespace Rlvr.Chat;

/// <summary>Splits a template into text and tag tokens with Jinja's whitespace control as transformers configures
/// it: <c>trim_blocks</c> (the newline after a block or comment tag is dropped), <c>lstrip_blocks</c> (spaces and
/// tabs before a block or comment tag at the start of a line are dropped), <c>-</c> and <c>+</c> markers, newlines
/// normalised to \n and one trailing newline removed (<c>keep_trailing_newline</c> off).</summary>
internal sealed class TemplateLexer
{
    private readonly string _source;
    private readonly List<TemplateToken> _tokens = [];
    private int _pos;
    private int _line = 1;
    // Whether the previous tag ended a line: lstrip_blocks then also applies to text without a newline of its own.
    private bool _lineStarting = true;

    private TemplateLexer(string source) => _source = source;

    public static List<TemplateToken> Tokenize(string source)
    {
        var normalised = source.Replace("\r\n", "\n").Replace('\r', '\n');
        if (normalised.EndsWith('\n')) normalised = normalised[..^1];
        var lexer = new TemplateLexer(normalised);
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        while (_pos < _source.Length)
        {
            var tagStart = NextTagStart(_pos);
            if (tagStart < 0)
            {
                AddText(_source[_pos..]);
                break;
            }
            var kind = _source[tagStart + 1];
            var sign = tagStart + 2 < _source.Length ? _source[tagStart + 2] : '\0';
            // `{{+` is not a marker: the + is the expression's unary plus.
            if (sign == '+' && kind == '{') sign = '\0';
            var text = _source[_pos..tagStart];
            if (sign == '-') text = PyText.RStripWhitespace(text);
            else if (sign != '+' && kind != '{') text = LStripBlock(text);
            AddText(text);
            _line += CountNewlines(_pos, tagStart);
            _pos = tagStart + 2 + (sign is '-' or '+' ? 1 : 0);
            if (kind == '#') SkipComment();
            else LexTag(kind == '{');
        }
        _tokens.Add(new TemplateToken(TokenKind.EndOfTemplate, "", _line));
    }

    private int NextTagStart(int from)
    {
        for (var i = _source.IndexOf('{', from); i >= 0 && i + 1 < _source.Length; i = _source.IndexOf('{', i + 1))
            if (_source[i + 1] is '{' or '%' or '#') return i;
        return -1;
    }

    private string LStripBlock(string text)
    {
        var lineStart = text.LastIndexOf('\n') + 1;
        if (lineStart == 0 && !_lineStarting) return text;
        if (lineStart == text.Length) return text;
        for (var i = lineStart; i < text.Length; i++)
            if (!PyText.IsSpace(text[i])) return text;
        return text[..lineStart];
    }

    private void AddText(string text)
    {
        if (text.Length > 0) _tokens.Add(new TemplateToken(TokenKind.Text, text, _line));
    }

    private void SkipComment()
    {
        var startLine = _line;
        var end = _source.IndexOf("#}", _pos, StringComparison.Ordinal);
        if (end < 0) throw new TemplateLineException(startLine, "unclosed comment '{#'");
        _line += CountNewlines(_pos, end);
        var sign = end > _pos ? _source[end - 1] : '\0';
        _pos = end + 2;
        AfterBlockEnd(sign);
    }

    private void LexTag(bool isVariable)
    {
        var beginLine = _line;
        _tokens.Add(new TemplateToken(isVariable ? TokenKind.VariableBegin : TokenKind.BlockBegin,
            isVariable ? "{{" : "{%", _line));
        var depth = 0;
        while (true)
        {
            SkipWhitespace();
            if (_pos >= _source.Length)
                throw new TemplateLineException(beginLine, $"unclosed tag '{(isVariable ? "{{" : "{%")}'");
            if (depth == 0 && TryTagEnd(isVariable)) return;
            var tokenStart = _pos;
            var token = ExpressionScanner.Next(_source, ref _pos, _line);
            if (token.Kind == TokenKind.Operator)
            {
                if (token.Value is "(" or "[" or "{") depth++;
                else if (token.Value is ")" or "]" or "}") depth--;
            }
            // Count the source's newlines, not the literal's: an escaped \n in a string is not a template line.
            _line += CountNewlines(tokenStart, _pos);
            _tokens.Add(token);
        }
    }

    private bool TryTagEnd(bool isVariable)
    {
        var close = isVariable ? "}}" : "%}";
        var sign = _source[_pos] == '-' || (!isVariable && _source[_pos] == '+') ? _source[_pos] : '\0';
        var at = _pos + (sign == '\0' ? 0 : 1);
        if (string.CompareOrdinal(_source, at, close, 0, 2) != 0) return false;
        _tokens.Add(new TemplateToken(isVariable ? TokenKind.VariableEnd : TokenKind.BlockEnd, close, _line));
        _pos = at + 2;
        if (isVariable)
        {
            if (sign == '-') SkipWhitespace();
            _lineStarting = _source[_pos - 1] == '\n';
        }
        else AfterBlockEnd(sign);
        return true;
    }

    private void AfterBlockEnd(char sign)
    {
        if (sign == '-') SkipWhitespace();
        else if (sign != '+' && _pos < _source.Length && _source[_pos] == '\n')
        {
            _pos++;
            _line++;
        }
        _lineStarting = _source[_pos - 1] == '\n';
    }

    private void SkipWhitespace()
    {
        while (_pos < _source.Length && PyText.IsSpace(_source[_pos]))
        {
            if (_source[_pos] == '\n') _line++;
            _pos++;
        }
    }

    private int CountNewlines(int from, int to)
    {
        var count = 0;
        for (var i = from; i < to; i++)
            if (_source[i] == '\n') count++;
        return count;
    }
}
