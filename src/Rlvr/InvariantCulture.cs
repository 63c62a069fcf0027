using System.Globalization;

namespace Rlvr;

/// <summary>Makes formatting and parsing independent of the machine's locale (a decimal comma would corrupt
/// metrics files and flags). Globalization is on for Unicode normalization, so hosts call this at start.</summary>
public static class InvariantCulture
{
    public static void Apply()
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
    }
}
