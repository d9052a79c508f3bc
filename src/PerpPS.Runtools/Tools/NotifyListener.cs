using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Runtools.Common;
using PerpPS.Runtools.Interop;

namespace PerpPS.Runtools.Tools;

/// <summary>
/// runnotify's listener (<c>perpps-runtools runnotify-listener MAINPID PROGRAM</c>, started by
/// <see cref="RunNotify"/> with the socket on fd 3, the notification fd on 4 and a pidfd of
/// main on 5). It reads sd_notify datagrams until main has exited:
/// <list type="bullet">
/// <item>only messages whose kernel-attached credentials say the sender runs as the listener's
/// user (the service's, since runnotify runs after runuid) or as root count; others are
/// ignored with a warning (systemd's NotifyAccess=all, limited to the service's user);</item>
/// <item>READY=1: a newline on the notification fd, which is then closed (once);</item>
/// <item>STOPPING=1: one info line; MAINPID= naming another process: one warning (perpd keeps
/// supervising the program runnotify exec'd);</item>
/// <item>descriptors passed along (FDSTORE=1, or sd_notify_barrier's pipe) are closed at once, so
/// a barrier returns; FDSTORE=1 gets a warning, as there is no store;</item>
/// <item>STATUS=, RELOADING=1, WATCHDOG=1, EXTEND_TIMEOUT_USEC=, ERRNO= and the rest are ignored.</item>
/// </list>
/// </summary>
internal static unsafe class NotifyListener
{
    /// <summary>systemd's own limit for one notification datagram.</summary>
    private const int MessageMax = 4096;
    private const int ControlSize = 4096;

    public static int Run(string name, string[] args)
    {
        var tool = new Tool(name, "MAINPID PROGRAM (started by runnotify)");
        if (args.Length != 2 || !int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out int mainPid)
            || Sys.Fcntl(RunNotify.ListenerPidFd, Sys.F_GETFD, 0) < 0)
            throw tool.Usage("not started by runnotify");
        var state = new State(new Tool("runnotify", ""), mainPid, args[1], Sys.Geteuid());
        byte* data = stackalloc byte[MessageMax];
        byte* control = stackalloc byte[ControlSize];
        Libc.PollFd* fds = stackalloc Libc.PollFd[2];
        while (true)
        {
            fds[0] = new Libc.PollFd { Fd = RunNotify.ListenerSocketFd, Events = Libc.POLLIN };
            fds[1] = new Libc.PollFd { Fd = RunNotify.ListenerPidFd, Events = Libc.POLLIN };
            if (Libc.Poll(fds, 2, -1) < 0)
            {
                if (Marshal.GetLastPInvokeError() == Errno.EINTR) continue;
                throw tool.Fatal("unable to poll", Marshal.GetLastPInvokeError());
            }
            // Every datagram already queued is read before main's end is acted on: a READY=1
            // sent just before exiting is still passed on.
            while (Receive(state, data, control)) { }
            if ((fds[1].Revents & Libc.POLLIN) != 0) return 0;
        }
    }

    /// <summary>Reads and handles one datagram; false when none is waiting.</summary>
    private static bool Receive(State state, byte* data, byte* control)
    {
        var iov = new Sys.IoVec { Base = data, Length = MessageMax };
        var msg = new Sys.MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = ControlSize };
        nint n = Sys.Recvmsg(RunNotify.ListenerSocketFd, &msg, Sys.MSG_DONTWAIT | Sys.MSG_CMSG_CLOEXEC);
        if (n < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return errno == Errno.EINTR;
        }
        Sys.UCred? sender = null;
        int passed = 0;
        // With MSG_CTRUNC the kernel dropped what did not fit; what did arrive is still read.
        ReadControl(&msg, ref sender, ref passed);
        string text = Encoding.UTF8.GetString(data, (int)n);
        if ((msg.Flags & Sys.MSG_TRUNC) != 0)
        {
            state.WarnOnce("truncated", $"a notification longer than {MessageMax} bytes: ignored");
            return true;
        }
        state.Handle(text, sender, passed);
        return true;
    }

    /// <summary>Walks the control messages: the sender's ucred, and every passed descriptor closed.</summary>
    private static void ReadControl(Sys.MsgHdr* msg, ref Sys.UCred? sender, ref int passed)
    {
        byte* p = msg->Control;
        byte* end = msg->Control + (long)msg->ControlLength;
        while (p + Sys.CmsgHeaderSize <= end)
        {
            long length = *(long*)p;
            int level = *(int*)(p + 8), type = *(int*)(p + 12);
            if (length < Sys.CmsgHeaderSize || p + length > end) break;
            byte* payload = p + Sys.CmsgHeaderSize;
            long size = length - Sys.CmsgHeaderSize;
            if (level == Libc.SOL_SOCKET && type == Sys.SCM_CREDENTIALS && size >= sizeof(Sys.UCred))
            {
                sender = *(Sys.UCred*)payload;
            }
            else if (level == Libc.SOL_SOCKET && type == Sys.SCM_RIGHTS)
            {
                for (long i = 0; i + 4 <= size; i += 4)
                {
                    Libc.Close(*(int*)(payload + i));
                    passed++;
                }
            }
            p += (length + 7) & ~7L;
        }
    }

    private sealed class State(Tool tool, int mainPid, string program, uint uid)
    {
        private readonly HashSet<string> _said = new(StringComparer.Ordinal);
        private bool _ready;

        public void WarnOnce(string key, string text)
        {
            if (_said.Add(key)) tool.Warn(text);
        }

        private void InfoOnce(string key, string text)
        {
            if (_said.Add(key)) tool.Info(text);
        }

        public void Handle(string text, Sys.UCred? sender, int passed)
        {
            if (sender is not { } cred)
            {
                WarnOnce("nocred", "a notification without its sender's credentials: ignored");
                return;
            }
            if (cred.Uid != uid && cred.Uid != 0)
            {
                WarnOnce("uid " + cred.Uid.ToString(CultureInfo.InvariantCulture),
                    $"a notification from pid {cred.Pid} of uid {cred.Uid}, not the service's user: ignored");
                return;
            }
            bool fdStore = false;
            foreach (string line in text.Split('\n'))
            {
                int eq = line.IndexOf('=');
                if (eq <= 0) continue;
                string key = line[..eq], value = line[(eq + 1)..];
                switch (key)
                {
                    case "READY" when value == "1":
                        Ready();
                        break;
                    case "STOPPING" when value == "1":
                        InfoOnce("stopping", $"{program} (pid {mainPid}) is stopping (STOPPING=1)");
                        break;
                    case "MAINPID":
                        if (value != mainPid.ToString(CultureInfo.InvariantCulture))
                            WarnOnce("mainpid " + value, $"MAINPID={value} ignored: perpd supervises pid {mainPid}, the program runnotify started");
                        break;
                    case "FDSTORE" when value == "1":
                        fdStore = true;
                        break;
                }
            }
            if (fdStore && passed > 0) WarnOnce("fdstore", "FDSTORE=1 is not supported: the descriptors passed were closed");
        }

        /// <summary>The first READY=1: a newline on the notification fd, then the fd is closed.</summary>
        private void Ready()
        {
            if (_ready) return;
            _ready = true;
            byte newline = (byte)'\n';
            while (Libc.Write(RunNotify.ListenerNotifyFd, &newline, 1) < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.EINTR) continue;
                tool.Warn($"unable to write to the notification fd: {Errno.Describe(errno)}");
                break;
            }
            Libc.Close(RunNotify.ListenerNotifyFd);
        }
    }
}
