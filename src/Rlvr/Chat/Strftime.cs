using System.Globalization;
using System.Text;

namespace Rlvr.Chat;

/// <summary>Python's datetime.strftime in the C locale, for transformers' <c>strftime_now</c> global (Llama 3.x
/// templates print today's date with it). Supports the glibc <c>%-d</c> form for unpadded numbers.</summary>
internal static class Strftime
{
    public static string Format(DateTime time, string format)
    {
        var text = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                text.Append(format[i]);
                continue;
            }
            var unpadded = format[i + 1] == '-' && i + 2 < format.Length;
            if (unpadded) i++;
            var directive = format[++i];
            text.Append(Directive(time, directive, unpadded));
        }
        return text.ToString();
    }

    private static string Directive(DateTime time, char directive, bool unpadded)
    {
        string Number(int value, int width) =>
            value.ToString(unpadded ? "0" : new string('0', width), CultureInfo.InvariantCulture);
        var invariant = CultureInfo.InvariantCulture.DateTimeFormat;
        return directive switch
        {
            'd' => Number(time.Day, 2),
            'm' => Number(time.Month, 2),
            'Y' => time.Year.ToString(CultureInfo.InvariantCulture),
            'y' => Number(time.Year % 100, 2),
            'H' => Number(time.Hour, 2),
            'I' => Number(time.Hour % 12 == 0 ? 12 : time.Hour % 12, 2),
            'M' => Number(time.Minute, 2),
            'S' => Number(time.Second, 2),
            'j' => Number(time.DayOfYear, 3),
            'f' => (time.Ticks % TimeSpan.TicksPerSecond / 10).ToString("000000", CultureInfo.InvariantCulture),
            'p' => time.Hour < 12 ? "AM" : "PM",
            'b' or 'h' => invariant.GetAbbreviatedMonthName(time.Month),
            'B' => invariant.GetMonthName(time.Month),
            'a' => invariant.GetAbbreviatedDayName(time.DayOfWeek),
            'A' => invariant.GetDayName(time.DayOfWeek),
            'w' => ((int)time.DayOfWeek).ToString(CultureInfo.InvariantCulture),
            'e' => time.Day.ToString(CultureInfo.InvariantCulture).PadLeft(unpadded ? 1 : 2),
            '%' => "%",
            _ => throw new InvalidOperationException($"unsupported strftime directive '%{directive}'"),
        };
    }
}
