namespace Rlvr.Tests.Support;

/// <summary>Locates ../shared beside the repository. Tests that need it are skipped with a visible reason where it
/// is absent, unless RLVR_REQUIRE_SHARED=1 (set by .ci/run), which turns the skip into a failure.</summary>
public static class SharedData
{
    public static string? Root
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("RLVR_SHARED");
            if (!string.IsNullOrEmpty(fromEnv)) return Directory.Exists(fromEnv) ? fromEnv : null;
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Rlvr.slnx")))
                {
                    var shared = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
                    return Directory.Exists(shared) ? shared : null;
                }
            }
            return null;
        }
    }

    /// <summary>Path of a file or folder below shared/, or skip (fail in CI) when it is missing.</summary>
    public static string Require(string relative)
    {
        var root = Root;
        var path = root == null ? null : Path.Combine(root, relative);
        if (path != null && (File.Exists(path) || Directory.Exists(path))) return path;
        var reason = $"shared data '{relative}' not found (expected ../shared beside the repository, or RLVR_SHARED)";
        if (Environment.GetEnvironmentVariable("RLVR_REQUIRE_SHARED") == "1")
            throw new InvalidOperationException(reason + "; RLVR_REQUIRE_SHARED=1 makes this a failure");
        Assert.Skip(reason);
        return "";
    }
}
