using System.Globalization;
using System.Text;

namespace Rlvr.Chat;

/// <summary>Python's repr of a float (used by str() and json.dumps): the shortest round-trip digits, in positional
/// notation when the decimal exponent is in [-4, 16), otherwise as d.ddde±XX; integral values keep ".0".</summary>
internal static class PyFloat
{
    public static string Repr(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        if (value == 0) return double.IsNegative(value) ? "-0.0" : "0.0";
        var (negative, digits, exponent) = Decompose(value);
        var text = new StringBuilder();
        if (negative) text.Append('-');
        if (exponent is >= -4 and < 16)
        {
            if (exponent < 0) text.Append("0.").Append('0', -exponent - 1).Append(digits);
            else if (digits.Length <= exponent + 1) text.Append(digits).Append('0', exponent + 1 - digits.Length).Append(".0");
            else text.Append(digits, 0, exponent + 1).Append('.').Append(digits, exponent + 1, digits.Length - exponent - 1);
        }
        else
        {
            text.Append(digits[0]);
            if (digits.Length > 1) text.Append('.').Append(digits, 1, digits.Length - 1);
            text.Append('e').Append(exponent < 0 ? '-' : '+').Append(Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    /// <summary>Sign, significant digits without trailing zeros, and the decimal exponent of the first digit.</summary>
    private static (bool Negative, string Digits, int Exponent) Decompose(double value)
    {
        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var exponent = 0;
        var e = shortest.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(shortest[(e + 1)..], CultureInfo.InvariantCulture);
            shortest = shortest[..e];
        }
        var point = shortest.IndexOf('.');
        var integerPart = point < 0 ? shortest : shortest[..point];
        var all = integerPart + (point < 0 ? "" : shortest[(point + 1)..]);
        var leadingZeros = all.Length - all.TrimStart('0').Length;
        var digits = all.Trim('0');
        return (value < 0, digits, exponent + integerPart.Length - 1 - leadingZeros);
    }
}
