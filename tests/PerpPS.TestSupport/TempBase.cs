namespace PerpPS.TestSupport;

/// <summary>
/// A fresh base directory under a fresh temp directory, with helpers to write service
/// definitions. Deleted on dispose (after the test has stopped its daemon).
/// </summary>
public sealed class TempBase : IDisposable
{
    public TempBase()
    {
        Root = Directory.CreateTempSubdirectory("perpps-test-").FullName;
        Path = System.IO.Path.Combine(Root, "base");
        Directory.CreateDirectory(Path);
        Scratch = System.IO.Path.Combine(Root, "scratch");
        Directory.CreateDirectory(Scratch);
    }

    /// <summary>The temp directory that holds everything of this test.</summary>
    public string Root { get; }
    /// <summary>The base directory (absolute).</summary>
    public string Path { get; }
    /// <summary>A directory for scripts to record into (outside the base).</summary>
    public string Scratch { get; }

    /// <summary>The directory of a service.</summary>
    public string Service(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>
    /// Writes a service definition: rc.main (a /bin/sh script body), optionally rc.log,
    /// sticky unless <paramref name="active"/> is false.
    /// </summary>
    public string AddService(string name, string rcMain, string? rcLog = null, bool active = true,
        bool down = false, bool once = false)
    {
        string dir = Service(name);
        Directory.CreateDirectory(dir);
        WriteScript(System.IO.Path.Combine(dir, "rc.main"), rcMain);
        if (rcLog != null) WriteScript(System.IO.Path.Combine(dir, "rc.log"), rcLog);
        if (down) File.WriteAllText(System.IO.Path.Combine(dir, "flag.down"), "");
        if (once) File.WriteAllText(System.IO.Path.Combine(dir, "flag.once"), "");
        if (active) SetActive(name, true);
        return dir;
    }

    /// <summary>Sets or clears the sticky bit of a service directory.</summary>
    public void SetActive(string name, bool active)
    {
        string dir = Service(name);
        var mode = File.GetUnixFileMode(dir);
        File.SetUnixFileMode(dir, active ? mode | UnixFileMode.StickyBit : mode & ~UnixFileMode.StickyBit);
    }

    /// <summary>Writes an executable /bin/sh script.</summary>
    public static void WriteScript(string path, string body)
    {
        File.WriteAllText(path, body.StartsWith("#!") ? body : "#!/bin/sh\n" + body);
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
    }

    public void Dispose()
    {
        try
        {
            // Sticky or read-only leftovers must not stop the clean-up.
            foreach (var d in Directory.EnumerateDirectories(Root, "*", SearchOption.AllDirectories))
                File.SetUnixFileMode(d, (UnixFileMode)0b111_111_101);
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
