using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Rlvr.Cli;

/// <summary>Makes idle OpenMP threads sleep instead of spin, unless the user set OMP_WAIT_POLICY. libtorch's bundled
/// GNU OpenMP spins at every barrier by default; on a machine whose cores are shared with other jobs the spinning
/// thread takes CPU from the one doing the work, and decoding (hundreds of tiny ops per token) was measured 20-30×
/// slower with 2 threads on 2 busy cores (docs/bench.md). libgomp reads the variable once, when libtorch is loaded,
/// so it is set natively (Environment.SetEnvironmentVariable does not reach native getenv on Unix) before any
/// torch call: a module initializer runs before Main.</summary>
static class OpenMpWaitPolicy
{
    [DllImport("libc", EntryPoint = "setenv")]
    static extern int SetEnv(string name, string value, int overwrite);

    [ModuleInitializer]
    internal static void PreferPassive()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null) return;
        try
        {
            SetEnv("OMP_WAIT_POLICY", "PASSIVE", 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Only a performance setting: run with the OpenMP default.
        }
    }
}
