using System.Runtime.InteropServices;

namespace Rlvr;

/// <summary>Keeps freed tensor memory in the process instead of handing it back to the kernel. libtorch allocates CPU
/// tensors with malloc, and glibc serves blocks above 128 KiB-32 MiB by mmap and returns them by munmap (and trims the
/// heap above 128 KiB), so a training step of a small model, which allocates and frees the same activation buffers
/// every micro-batch, spent much of its time in page faults on fresh pages, and two threads doing so contend in the
/// kernel: one SFT step of the tiny model took 147 ms on one thread and 103 ms on two shards before, 120 ms and 74 ms
/// after (docs/bench.md). Blocks up to 32 MiB (glibc's largest threshold) now come from the heap, and up to 1 GiB
/// of free heap is kept. Hosts call this at start; it leaves glibc's defaults alone when the user set any malloc
/// tunable, and does nothing outside Linux.</summary>
public static class NativeHeap
{
    const int M_TRIM_THRESHOLD = -1;
    const int M_MMAP_THRESHOLD = -3;
    public const int MmapThreshold = 32 << 20;
    public const int TrimThreshold = 1 << 30;

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int MallOpt(int parameter, int value);

    public static void Apply()
    {
        if (!OperatingSystem.IsLinux()) return;
        if (Environment.GetEnvironmentVariable("GLIBC_TUNABLES")?.Contains("malloc") == true) return;
        if (Environment.GetEnvironmentVariables().Keys.Cast<string>().Any(k => k.StartsWith("MALLOC_", StringComparison.Ordinal))) return;
        try
        {
            MallOpt(M_MMAP_THRESHOLD, MmapThreshold);
            MallOpt(M_TRIM_THRESHOLD, TrimThreshold);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Only a performance setting (a libc without mallopt): keep its defaults.
        }
    }
}
