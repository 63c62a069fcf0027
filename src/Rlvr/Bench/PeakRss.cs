using System.Runtime.InteropServices;

namespace Rlvr.Bench;

/// <summary>The process's peak resident set (VmHWM of /proc/self/status), in bytes; Linux only, null elsewhere.</summary>
public static class PeakRss
{
    public static long? Bytes() => StatusKiB("VmHWM:") * 1024;

    public static long? CurrentBytes() => StatusKiB("VmRSS:") * 1024;

    /// <summary>Hands freed memory back to the system, then lowers the peak to the current resident set (Linux 4.0+),
    /// so that a later reading measures only what happens after this call. Without the first step, memory that an
    /// earlier stage freed stays resident in malloc's heap and a later stage reuses it unseen. Returns false where the
    /// kernel does not allow the reset; the peak then includes earlier work and the caller should say so.</summary>
    public static bool Reset()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        try
        {
            malloc_trim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: nothing to trim, or no way to.
        }
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    static long? StatusKiB(string field)
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            return line is null ? null : long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    [DllImport("libc")]
    static extern int malloc_trim(nuint pad);
}
