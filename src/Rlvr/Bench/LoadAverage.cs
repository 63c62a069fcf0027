namespace Rlvr.Bench;

/// <summary>The 1-minute load average (Linux only; null elsewhere), recorded next to the numbers because on a shared
/// machine it explains most of their spread.</summary>
public static class LoadAverage
{
    public static double? OneMinute()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.Parse(first, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
