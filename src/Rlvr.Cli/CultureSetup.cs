using System.Runtime.CompilerServices;

namespace Rlvr.Cli;

static class CultureSetup
{
    // Before Main, so that nothing is formatted in the machine's locale.
    [ModuleInitializer]
    internal static void UseInvariantCulture() => InvariantCulture.Apply();
}
