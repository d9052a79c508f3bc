namespace PerpPS.Runtools.Tests.Support;

/// <summary>
/// A 64 KiB tmpfs mounted for one test (the tests run as root), to make a real disk-full
/// condition; unmounted on dispose. <see cref="Mounted"/> is false where mounting is not
/// allowed.
/// </summary>
public sealed class TinyFilesystem : IDisposable
{
    public TinyFilesystem(string parent)
    {
        Path = System.IO.Path.Combine(parent, "tinyfs");
        Directory.CreateDirectory(Path);
        var r = ToolRunner.Run("/bin/mount", new[] { "-t", "tmpfs", "-o", "size=64k", "tmpfs", Path });
        Mounted = r.ExitCode == 0;
        MountError = r.Stderr;
    }

    public string Path { get; }
    public bool Mounted { get; }
    public string MountError { get; }

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

    public void Dispose()
    {
        if (Mounted) ToolRunner.Run("/bin/umount", new[] { Path });
    }
}
