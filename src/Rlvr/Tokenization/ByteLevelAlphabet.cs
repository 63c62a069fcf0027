using System.Text;

namespace Rlvr.Tokenization;

/// <summary>GPT-2's byte-to-character mapping that byte-level BPE vocabularies are written in: printable bytes stand
/// for themselves, the others (control characters, space, and a few Latin-1 ones) for characters from U+0100 on, in
/// byte order.</summary>
public static class ByteLevelAlphabet
{
    private static readonly char[] CharOfByte = Build();

    private static char[] Build()
    {
        var chars = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
            chars[b] = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF ? (char)b : (char)next++;
        return chars;
    }

    /// <summary>The vocabulary spelling of the text's UTF-8 bytes.</summary>
    public static string Spell(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var chars = new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++) chars[i] = CharOfByte[bytes[i]];
        return new string(chars);
    }
}
