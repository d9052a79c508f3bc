namespace PerpPS.TestSupport;

/// <summary>
/// A small tmpfs mounted for one test, for a real ENOSPC; unmounted on dispose. Where it
/// cannot be mounted (not root, an unprivileged container) the test is skipped with
/// mount's own message: its subject cannot be tested here, which is not a failure.
/// </summary>
public sealed class Tmpfs : IDisposable
{
    public Tmpfs(string parent, string size = "64k")
    {
        Capabilities.RequireRoot("mount -t tmpfs");
        Path = System.IO.Path.Combine(parent, "tinyfs");
        Directory.CreateDirectory(Path);
        var r = ToolRunner.Run("/bin/mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", Path);
        Xunit.Skip.If(r.ExitCode != 0, "cannot mount a tmpfs here: " + r.Stderr.Trim());
    }

    public string Path { get; }

    /// <summary>Fills the filesystem with one file until ENOSPC; returns its path.</summary>
    public string Fill()
    {
        string filler = System.IO.Path.Combine(Path, "filler");
        using var f = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, 1);
        var block = new byte[512];
        try
        {
            while (true) f.Write(block);
        }
        catch (IOException)
        {
        }
        return filler;
    }

    public void Dispose() => ToolRunner.Run("/bin/umount", Path);
}
