using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using PerpPS.Core.Cli;
using PerpPS.Core.Interop;
using PerpPS.Runtools.Common;
using PerpPS.Runtools.Interop;

namespace PerpPS.Runtools.Tools;

/// <summary>
/// runnotify [-d fd] program [args]: systemd's Type=notify under perpd. It binds a private
/// unix datagram socket in the abstract namespace, sets NOTIFY_SOCKET to it (as "@name",
/// which sd_notify and systemd-notify understand), starts a small listener and then execs
/// program, so the program keeps runnotify's pid: it stays the process perpd supervises,
/// gets perpd's signals directly, and its exit status is the one reset sees. When the
/// program (or any process of the same user, or root) sends READY=1, the listener writes a
/// newline on the notification fd (perpd's <c>notification-fd</c>, s6's convention) and
/// closes it. The fd is -d's, else the number in ./notification-fd (rc.main runs in the
/// service directory); the program itself does not inherit it.
/// <para>
/// The listener is started through rundetach, so it is not the program's child (no stray
/// child for the program to reap) and sits in its own session (a stop's signal to main's
/// process group does not end it early); it watches the program by pidfd and exits with it.
/// </para>
/// </summary>
internal static class RunNotify
{
    /// <summary>The hidden program name the listener answers to (not in --list).</summary>
    public const string ListenerName = "runnotify-listener";

    /// <summary>The descriptors the listener gets: the socket, the notification fd, a pidfd of main.</summary>
    public const int ListenerSocketFd = 3, ListenerNotifyFd = 4, ListenerPidFd = 5;

    public static unsafe int Run(string name, string[] args)
    {
        var tool = new Tool(name, "[-hV] [-d fd] program [args ...]");
        var opts = new OptionParser(tool, args, "d:");
        string? fdText = null;
        while (opts.Next(out char option, out string? argument))
        {
            if (option == 'd') fdText = argument;
        }
        string[] rest = opts.Rest;
        if (rest.Length < 1) throw tool.Usage("missing arguments");
        int notifyFd = NotificationFd(tool, fdText);
        if (Sys.Fcntl(notifyFd, Sys.F_GETFD, 0) < 0)
            throw tool.Fatal($"unable to use notification fd {notifyFd}", Marshal.GetLastPInvokeError());

        int socket = BindSocket(tool, out string address);
        int pidfd = Libc.PidfdOpen(Libc.GetPid(), 0);
        if (pidfd < 0) throw tool.Fatal("unable to open a pidfd for itself", Marshal.GetLastPInvokeError());
        StartListener(tool, rest[0], socket, notifyFd, pidfd);
        Libc.Close(socket);
        Libc.Close(pidfd);
        Libc.Close(notifyFd);

        var env = Environ.Current();
        env.Set("NOTIFY_SOCKET", address);
        throw Exec.Run(tool, rest[0], rest, env);
    }

    /// <summary>-d's number, else ./notification-fd's; an fd of 0–2 is refused.</summary>
    private static int NotificationFd(Tool tool, string? option)
    {
        string text;
        if (option != null)
        {
            text = option;
        }
        else
        {
            try
            {
                text = File.ReadAllText("notification-fd").Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw tool.Usage("no notification fd: give -d fd (or run in a service directory with a notification-fd file)");
            }
        }
        if (!Nuscan.TryUInt32(text, out uint fd) || text.Length == 0 || fd < 3 || fd > 1023)
            throw tool.Usage($"notification fd '{text}' must be a number from 3 to 1023");
        return (int)fd;
    }

    /// <summary>An autobound abstract datagram socket (the kernel picks a unique name) that
    /// receives its senders' credentials; its address as NOTIFY_SOCKET spells it.</summary>
    private static unsafe int BindSocket(Tool tool, out string address)
    {
        int fd = Libc.Socket(Libc.AF_UNIX, Sys.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0) throw tool.Fatal("unable to create the notify socket", Marshal.GetLastPInvokeError());
        int one = 1;
        if (Libc.SetSockOpt(fd, Libc.SOL_SOCKET, Sys.SO_PASSCRED, &one, sizeof(int)) != 0)
            throw tool.Fatal("unable to set SO_PASSCRED on the notify socket", Marshal.GetLastPInvokeError());
        byte* sa = stackalloc byte[2 + Libc.SunPathSize];
        new Span<byte>(sa, 2 + Libc.SunPathSize).Clear();
        sa[0] = Libc.AF_UNIX;
        // Only the family: Linux autobinds to a unique name in the abstract namespace.
        if (Sys.Bind(fd, sa, 2) != 0) throw tool.Fatal("unable to bind the notify socket", Marshal.GetLastPInvokeError());
        int length = 2 + Libc.SunPathSize;
        if (Sys.Getsockname(fd, sa, &length) != 0 || length <= 3 || sa[2] != 0)
            throw tool.Fatal("unable to read the notify socket's name", Marshal.GetLastPInvokeError());
        address = "@" + Encoding.ASCII.GetString(sa + 3, length - 3);
        return fd;
    }

    /// <summary>
    /// rundetach (this same binary) starts the listener in a new session and exits at once;
    /// it is reaped here before the exec, so the program never sees it as a child.
    /// </summary>
    private static void StartListener(Tool tool, string program, int socket, int notifyFd, int pidfd)
    {
        string self = Environment.ProcessPath ?? "/proc/self/exe";
        // Above every target first, so that no dup2 of the plan overwrites a later source.
        int hiSocket = Raise(tool, socket), hiNotify = Raise(tool, notifyFd), hiPid = Raise(tool, pidfd);
        var plan = new SpawnPlan { CloseFrom = ListenerPidFd + 1 };
        plan.Opens.Add((0, "/dev/null", Libc.O_RDONLY, 0));
        plan.Opens.Add((1, "/dev/null", Libc.O_WRONLY, 0));
        plan.Dups.Add((ListenerSocketFd, hiSocket));
        plan.Dups.Add((ListenerNotifyFd, hiNotify));
        plan.Dups.Add((ListenerPidFd, hiPid));
        string[] argv = ["rundetach", self, ListenerName, Libc.GetPid().ToString(CultureInfo.InvariantCulture), program];
        var env = Environ.Current();
        env.Unset("NOTIFY_SOCKET");
        int pid = Spawner.Spawn(self, argv, env, plan);
        Libc.Close(hiSocket);
        Libc.Close(hiNotify);
        Libc.Close(hiPid);
        if (pid < 0) throw tool.Fatal("unable to start the notify listener", -pid);
        int status = Spawner.WaitFor(pid);
        if (!Spawner.ExitedZero(status)) throw tool.Fatal("unable to start the notify listener");
    }

    private static int Raise(Tool tool, int fd)
    {
        int moved = Sys.Fcntl(fd, Sys.F_DUPFD_CLOEXEC, 64);
        if (moved < 0) throw tool.Fatal("unable to duplicate a descriptor", Marshal.GetLastPInvokeError());
        return moved;
    }
}
