using PerpPS.Core.Client;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;

namespace PerpPS.Core.Import;

/// <summary>
/// Writes an imported service into a base: first into a hidden directory (perpd skips names
/// starting with a dot), then renamed into place, so perpd never activates a half-written
/// service; the sticky bit is set before the rename when it is to be enabled.
/// </summary>
public static class ServiceWriter
{
    /// <summary>Writes the service; returns its directory. An existing directory of that name is an IOException.</summary>
    public static string Write(string baseDirectory, ImportedService svc, bool enable)
    {
        string target = Path.Combine(baseDirectory, svc.Name);
        if (FileStatus.TryStat(target, out _) == 0) throw new IOException($"'{target}' exists already");
        string temp = Path.Combine(baseDirectory, "." + svc.Name + ".import-" + Environment.ProcessId);
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        try
        {
            Directory.CreateDirectory(temp);
            foreach (string d in svc.Directories) Directory.CreateDirectory(Path.Combine(temp, d));
            foreach (var f in svc.Files)
            {
                string path = Path.Combine(temp, f.RelativePath);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, f.Content);
                File.SetUnixFileMode(path, f.Mode);
            }
            var mode = File.GetUnixFileMode(temp);
            File.SetUnixFileMode(temp, enable ? mode | UnixFileMode.StickyBit : mode & ~UnixFileMode.StickyBit);
            Directory.Move(temp, target);
        }
        catch
        {
            try { if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true); } catch (IOException) { }
            throw;
        }
        return target;
    }

    /// <summary>Asks the perpd of the base to rescan (SIGHUP); returns its pid, 0 when none runs.</summary>
    public static int Rescan(string baseDirectory)
    {
        int pid;
        try { pid = LockProbe.HolderPid(PerpPaths.PidFile(baseDirectory)); }
        catch (PosixException) { return 0; }
        if (pid > 0) Libc.Kill(pid, SignalNames.SIGHUP);
        return pid > 0 ? pid : 0;
    }
}
