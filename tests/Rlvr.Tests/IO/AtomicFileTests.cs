using Rlvr.Tests.Support;
using Rlvr.IO;
using Rlvr.Checkpoints;


namespace Rlvr.Tests.IO;

public class AtomicFileTests
{
    [Fact]
    public void WritesTextBytesAndStreamsAndLeavesNoTempFiles()
    {
        using var dir = new TempDir();
        var path = dir.File("sub/a.txt");
        AtomicFile.WriteAllText(path, "old");
        AtomicFile.WriteAllText(path, "héllo");
        Assert.Equal("héllo", File.ReadAllText(path));
        Assert.Equal(new byte[] { 0x68, 0xC3, 0xA9 }, File.ReadAllBytes(path)[..3]); // UTF-8 without BOM

        AtomicFile.WriteAllBytes(dir.File("b.bin"), new byte[] { 1, 2, 3 });
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(dir.File("b.bin")));

        AtomicFile.Write(dir.File("c.bin"), s => s.WriteByte(7));
        Assert.Equal(new byte[] { 7 }, File.ReadAllBytes(dir.File("c.bin")));

        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void FailedWriteKeepsTheOldFileAndCleansUp()
    {
        using var dir = new TempDir();
        var path = dir.File("a.txt");
        AtomicFile.WriteAllText(path, "old");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.WriteByte(1);
            throw new InvalidOperationException("boom");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }
}
