using System.Runtime.CompilerServices;

namespace Rlvr.Tests.Support;

static class ProcessSetup
{
    // The tests format numbers as the CLI does: in the invariant culture, whatever the machine's locale.
    [ModuleInitializer]
    internal static void UseInvariantCulture() => Rlvr.InvariantCulture.Apply();

    // And allocate tensor memory as the CLI does.
    [ModuleInitializer]
    internal static void KeepFreedTensorMemory() => Rlvr.NativeHeap.Apply();
}
