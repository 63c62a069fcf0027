using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

// Sets VER_FLG_WEAK on the GLIBCXX_3.4.32 entry of .gnu.version_r in every libLibTorchSharp.so below Directory,
// but only when the system libstdc++ does not provide GLIBCXX_3.4.32. Idempotent; writes via temp file + rename.
public class WeakenGlibcxxRequirement : Task
{
    const string Needed = "GLIBCXX_3.4.32";
    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlgWeak = 0x2;

    [Required] public string Directory { get; set; } = "";

    public override bool Execute()
    {
        if (!System.IO.Directory.Exists(Directory)) return true;
        var libs = System.IO.Directory.GetFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories);
        if (libs.Length == 0 || SystemHasVersion()) return true;
        foreach (var lib in libs)
        {
            try
            {
                var bytes = File.ReadAllBytes(lib);
                if (!MarkWeak(bytes)) continue;
                var tmp = lib + ".tmp" + Guid.NewGuid().ToString("N");
                File.WriteAllBytes(tmp, bytes);
                File.Replace(tmp, lib, null);
                Log.LogMessage(MessageImportance.High, $"rlvr: marked {Needed} weak in {lib}");
            }
            catch (Exception e)
            {
                Log.LogWarning($"rlvr: could not patch {lib}: {e.Message}");
            }
        }
        return true;
    }

    static bool SystemHasVersion()
    {
        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
        };
        var found = candidates.Where(File.Exists).ToArray();
        if (found.Length == 0) return false;
        var pattern = Encoding.ASCII.GetBytes(Needed + "\0");
        return found.Any(f => IndexOf(File.ReadAllBytes(f), pattern) >= 0);
    }

    static int IndexOf(byte[] hay, byte[] needle)
    {
        for (int i = 0; i <= hay.Length - needle.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && hay[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }

    // Returns true when the file changed.
    static bool MarkWeak(byte[] b)
    {
        if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F' || b[4] != 2 || b[5] != 1)
            return false; // only ELF64 little-endian
        ulong shoff = BitConverter.ToUInt64(b, 0x28);
        int shentsize = BitConverter.ToUInt16(b, 0x3A);
        int shnum = BitConverter.ToUInt16(b, 0x3C);
        bool changed = false;
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)shoff + i * shentsize);
            if (BitConverter.ToUInt32(b, sh + 4) != ShtGnuVerneed) continue;
            int offset = checked((int)BitConverter.ToUInt64(b, sh + 0x18));
            int link = (int)BitConverter.ToUInt32(b, sh + 0x28);
            int strtab = checked((int)BitConverter.ToUInt64(b, (int)shoff + link * shentsize + 0x18));
            int vn = offset;
            while (true)
            {
                int cnt = BitConverter.ToUInt16(b, vn + 2);
                int aux = vn + (int)BitConverter.ToUInt32(b, vn + 8);
                for (int a = 0; a < cnt; a++)
                {
                    int name = strtab + (int)BitConverter.ToUInt32(b, aux + 8);
                    int end = Array.IndexOf(b, (byte)0, name);
                    if (Encoding.ASCII.GetString(b, name, end - name) == Needed)
                    {
                        ushort flags = BitConverter.ToUInt16(b, aux + 4);
                        if ((flags & VerFlgWeak) == 0)
                        {
                            BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(b, aux + 4);
                            changed = true;
                        }
                    }
                    uint nextAux = BitConverter.ToUInt32(b, aux + 12);
                    if (nextAux == 0) break;
                    aux += (int)nextAux;
                }
                uint next = BitConverter.ToUInt32(b, vn + 12);
                if (next == 0) break;
                vn += (int)next;
            }
        }
        return changed;
    }
}
