using System.Runtime.CompilerServices;

namespace Rlvr.Cli;

static class ProcessSetup
{
    // Before Main, so that nothing is formatted in the machine's locale.
    [ModuleInitializer]
    internal static void UseInvariantCulture() => InvariantCulture.Apply();

    // Before any tensor is allocated.
    [ModuleInitializer]
    internal static void KeepFreedTensorMemory() => NativeHeap.Apply();
}
