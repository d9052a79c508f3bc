using PerpPS.Core.Client;
using PerpPS.Core.Posix;
using PerpPS.Runtools.Common;

namespace PerpPS.Runtools.Tools;

/// <summary>
/// runlock [-bpx] lockfile program [args]: hold perp's fcntl lock on lockfile across the
/// exec (the descriptor is inherited); -b waits for it, -p writes "PID\n", -x exits 0
/// quietly when it is busy. runlock -c [-q] lockfile: report who holds it (0 none, 1 held).
/// </summary>
internal static class RunLock
{
    public static int Run(string name, string[] args)
    {
        var tool = new Tool(name, "[-hV] [-bpx] lockfile program [args ...] | [-c [-q]] lockfile");
        var opts = new OptionParser(tool, args, "bcpqx");
        bool block = false, check = false, writePid = false, quiet = false, quietBusy = false;
        while (opts.Next(out char o, out _))
        {
            switch (o)
            {
                case 'b': block = true; break;
                case 'c': check = true; break;
                case 'p': writePid = true; break;
                case 'q': quiet = true; break;
                case 'x': quietBusy = true; break;
            }
        }
        string[] rest = opts.Rest;
        if (check) return Check(tool, rest, quiet);
        if (rest.Length < 2) throw tool.Usage("missing arguments");

        string lockfile = rest[0];
        int fd = LockFile.Open(lockfile, closeOnExec: false);
        if (fd < 0) throw tool.Fatal($"unable to open lockfile {lockfile}", -fd);
        int errno = LockFile.Acquire(fd, block);
        if (errno == Errno.EAGAIN && quietBusy) return 0;
        if (errno != 0) throw tool.Fatal($"unable to acquire lock on {lockfile}", errno);
        if (writePid && (errno = LockFile.WritePid(fd, Environment.ProcessId)) != 0)
            throw tool.Fatal($"unable to write pid to lockfile {lockfile}", errno);
        throw Exec.Run(tool, rest[1], rest[1..], Environ.Current());
    }

    private static int Check(Tool tool, string[] rest, bool quiet)
    {
        if (rest.Length < 1) throw tool.Usage("missing arguments");
        string lockfile = rest[0];
        int holder;
        try
        {
            holder = LockProbe.HolderPid(lockfile);
        }
        catch (PosixException e)
        {
            throw tool.Fatal($"unable to check lock on {lockfile}", e.Errno);
        }
        if (holder == 0)
        {
            if (!quiet) Tool.Err($"{tool.Name}: no lock held on {lockfile}");
            return 0;
        }
        if (!quiet) Tool.Err($"{tool.Name}: lock held on {lockfile} by pid {holder}");
        return 1;
    }
}
