namespace Rlvr.IO;

/// <summary>Checks, before any work, that an output can be written where the user asked: a file system that is
/// read-only or a directory without write permission should fail at once with the path, not after an hour of work.
/// The check writes (and deletes) a probe file in the nearest existing directory, since permission bits alone do not
/// tell (root, read-only mounts, ACLs).</summary>
public static class WritablePath
{
    /// <param name="option">how the user gave the path, for the message ("--out")</param>
    public static void CheckFile(string path, string option)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new ArgumentException($"{option} {path} is a directory, not a file");
        Probe(Path.GetDirectoryName(full)!, path, option);
    }

    public static void CheckDirectory(string path, string option)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full)) throw new ArgumentException($"{option} {path} is a file, not a directory");
        Probe(full, path, option);
    }

    static void Probe(string directory, string path, string option)
    {
        var existing = directory;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing)) throw new ArgumentException($"{option} {path}: {existing} is a file, not a directory");
            existing = Path.GetDirectoryName(existing) ?? throw new ArgumentException($"{option} {path}: no existing parent directory");
        }
        var probe = Path.Combine(existing, $".rlvr-write-check-{Guid.NewGuid():N}");
        try
        {
            using var _ = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The probe's own name in the system's message would only confuse.
            var reason = e switch
            {
                UnauthorizedAccessException => "permission denied",
                DirectoryNotFoundException or FileNotFoundException => "files cannot be created there",
                _ => e.Message.Replace(probe, existing),
            };
            throw new ArgumentException($"{option} {path}: cannot write in {existing} ({reason})");
        }
    }
}
