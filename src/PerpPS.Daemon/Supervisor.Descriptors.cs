using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>
/// Compact services (issue #11, <see cref="DescriptorBudget.Compact"/>): near the descriptor
/// limit a service keeps no directory descriptor and its log pipe in one descriptor, so at
/// `--nofile=64` perpd runs more services than perp 2.07, which holds three for each. What
/// needs the directory opens it for the moment (<see cref="OpenDirectory"/>); a spawn gets
/// the pipe end it needs reopened for the moment (<see cref="SpawnEnd"/>).
/// </summary>
internal sealed partial class Supervisor
{
    /// <summary>The base directory (perpd's cwd); compact services' directories are opened under it by name.</summary>
    public int BaseFd { get; set; } = -1;

    /// <summary>
    /// Gives a compact service its directory descriptor until the lease is disposed: opened
    /// by name under the base and kept only when it is still the service's directory (same
    /// dev/ino). A renamed (until the next scan sees the new name) or deleted directory
    /// leaves <see cref="Service.DirectoryFd"/> at -1: its runscripts fail as in an exec
    /// failure, its policy files read as absent. A service holding its directory: no-op.
    /// </summary>
    private unsafe DirectoryLease OpenDirectory(Service svc)
    {
        if (!svc.DirectoryTransient || svc.DirectoryFd >= 0 || BaseFd < 0) return default;
        byte[] name = svc.DirectoryName;
        byte* path = stackalloc byte[name.Length + 1];
        name.CopyTo(new Span<byte>(path, name.Length));
        path[name.Length] = 0;
        int fd = Native.OpenAt(BaseFd, path, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (fd < 0) return default;
        if (FileStatus.TryStat(fd, ".\0"u8, followLinks: true, out var st) != 0 || st.Id != svc.Id)
        {
            Libc.Close(fd);
            return default;
        }
        svc.DirectoryFd = fd;
        return new DirectoryLease(svc);
    }

    /// <summary>Closes a directory <see cref="OpenDirectory"/> opened.</summary>
    private readonly ref struct DirectoryLease(Service svc)
    {
        public void Dispose()
        {
            if (svc is null || svc.DirectoryFd < 0) return;
            Libc.Close(svc.DirectoryFd);
            svc.DirectoryFd = -1;
        }
    }

    /// <summary>
    /// Turns a new log pipe into one descriptor when it lies in the compact range: the read
    /// end reopened read-write through /proc/self/fd (a pipe opens like a FIFO) is both ends
    /// for perpd — a reader, so main never gets SIGPIPE, and a writer, so the logger never
    /// sees EOF, as with the two ends. Left as two when the reopen fails.
    /// </summary>
    private void CompactPipe(Service svc)
    {
        if (Budget is not { } b || !b.Compact(svc.LogPipeWrite)) return;
        int both = Reopen(svc.LogPipeRead, Libc.O_RDWR);
        if (both < 0) return;
        Libc.Close(svc.LogPipeRead);
        Libc.Close(svc.LogPipeWrite);
        svc.LogPipeRead = svc.LogPipeWrite = both;
    }

    /// <summary>
    /// For the spawn of <paramref name="sub"/> of a service with a one-descriptor pipe: the
    /// end it gets (main: write, log: read), reopened for the moment so the runscript holds
    /// the same direction as with two ends (a logger must see EOF when the writers are gone).
    /// Swapped into the service's field until the returned lease is disposed; without a
    /// spare descriptor the read-write one is handed on as it is.
    /// </summary>
    private static PipeEndLease SpawnEnd(Subservice sub)
    {
        Service svc = sub.Owner;
        if (!svc.HasLog || svc.LogPipeRead < 0 || svc.LogPipeRead != svc.LogPipeWrite) return default;
        int end = Reopen(svc.LogPipeRead, sub.IsLog ? Libc.O_RDONLY : Libc.O_WRONLY);
        if (end < 0) return default;
        int both = svc.LogPipeRead;
        if (sub.IsLog) svc.LogPipeRead = end;
        else svc.LogPipeWrite = end;
        return new PipeEndLease(svc, both, end);
    }

    /// <summary>Puts the one descriptor back and closes the end <see cref="SpawnEnd"/> reopened.</summary>
    private readonly ref struct PipeEndLease(Service svc, int both, int end)
    {
        public void Dispose()
        {
            if (svc is null) return;
            svc.LogPipeRead = svc.LogPipeWrite = both;
            Libc.Close(end);
        }
    }
}
