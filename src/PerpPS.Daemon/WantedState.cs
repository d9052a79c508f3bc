using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>
/// Each service's wanted state, kept under <c>BASE/.control/want/DEV-INO</c> so a perpd that
/// follows a crashed one resumes it (issue #11: down stays down, once stays once). Written only
/// when a command changes it (two bytes: main then log, each <c>u</c>, <c>o</c> or <c>d</c>),
/// never per restart; read at activation, where it wins over flag.down and flag.once; removed
/// when the service is deactivated, so after a clean shutdown the flag files rule again, as in
/// perp.
/// </summary>
internal sealed class WantedState
{
    private readonly string _directory;
    /// <summary>The directory's bytes and a slash: the start of every file's path in <see cref="TryLoad"/>.</summary>
    private readonly byte[] _prefix;

    public WantedState(string baseDirectory)
    {
        _directory = Path.Combine(baseDirectory, ".control", "want");
        byte[] z = NativePath.ToBytes(_directory);
        z[^1] = (byte)'/';
        _prefix = z;
        try { Directory.CreateDirectory(_directory); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private string PathOf(ServiceId id) => Path.Combine(_directory, id.Device + "-" + id.Inode);

    /// <summary>Records what <paramref name="svc"/> now wants (write, then rename: never half a file).</summary>
    public void Save(Service svc)
    {
        string path = PathOf(svc.Id);
        try
        {
            File.WriteAllBytes(path + ".new", [Letter(svc.Main), Letter(svc.Log)]);
            File.Move(path + ".new", path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private static byte Letter(Subservice sub) =>
        sub.Has(SubserviceFlags.WantDown) ? (byte)'d' : sub.Has(SubserviceFlags.IsOnce) ? (byte)'o' : (byte)'u';

    /// <summary>The recorded wants of a service, if a previous perpd left them. Read at every
    /// activation, where the file is nearly always absent: open(2) on a byte path, so an absent
    /// file costs no exception and no garbage (a FileNotFoundException per service was most of
    /// what 200 activations left in perpd's GC heap).</summary>
    public unsafe bool TryLoad(ServiceId id, out char main, out char log)
    {
        main = log = 'u';
        // prefix, two 20-digit numbers, '-', NUL
        int size = _prefix.Length + 42;
        byte* path = stackalloc byte[size];
        var name = new Span<byte>(path, size);
        _prefix.CopyTo(name);
        int n = _prefix.Length;
        id.Device.TryFormat(name[n..], out int digits);
        n += digits;
        name[n++] = (byte)'-';
        id.Inode.TryFormat(name[n..], out digits);
        n += digits;
        name[n] = 0;
        int fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0) return false;
        byte* b = stackalloc byte[2];
        int used = 0;
        while (used < 2)
        {
            nint got = Libc.Read(fd, b + used, 2 - used);
            if (got < 0 && Native.Errno == Errno.EINTR) continue;
            if (got <= 0) break;
            used += (int)got;
        }
        Libc.Close(fd);
        if (used < 2) return false;
        main = (char)b[0];
        log = (char)b[1];
        return true;
    }


    public void Forget(ServiceId id)
    {
        try { File.Delete(PathOf(id)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
