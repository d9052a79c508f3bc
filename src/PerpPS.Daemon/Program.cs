using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Daemon;
using PerpPS.Daemon.Interop;

// perpd: exit codes as perp's — 0 after -h/-V or a complete termination, 100 for a usage
// error, 111 for a fatal failure before the main loop (spec §2.1–§2.2).
return Startup.Run(args);

namespace PerpPS.Daemon
{
    internal static unsafe class Startup
    {
        public static int Run(string[] args)
        {
            var log = new DaemonLog(Libc.GetPid());
            if (DaemonOptions.Parse(args, log, out var options, out int exitCode) == DaemonOptions.Outcome.Exit)
                return exitCode;

            ReplaceStdin();
            byte[] basePath = NativePath.ToBytes(options.BaseDirectory);
            int baseFd;
            fixed (byte* b = basePath)
            {
                if (Libc.Chdir(b) != 0)
                    return Fatal(log, "failure chdir() to base directory " + options.BaseDirectory + ": " + Errno.Describe(Native.Errno));
                byte* dot = stackalloc byte[2] { (byte)'.', 0 };
                baseFd = Libc.Open(dot, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
                if (baseFd < 0)
                    return Fatal(log, "failure open() on base directory " + options.BaseDirectory + ": " + Errno.Describe(Native.Errno));
            }
            RaiseFileLimit();

            using var loop = new EventLoop();
            using var signals = new SignalBridge(loop.WakeupFd);
            int listenFd;
            try
            {
                (_, listenFd) = ControlDirectory.Initialise(baseFd, options.SocketGroup, Math.Max(20, options.MaxClients));
            }
            catch (ControlDirectory.FatalException e)
            {
                return Fatal(log, e.Message);
            }
            var started = Tai64N.Now();
            using var environment = new EnvironmentBlock(options.BaseDirectory);
            var budget = DescriptorBudget.FromLimit();
            using var spawner = new Spawner(environment) { PidFdCeiling = budget.PidFdCeiling };
            var containment = Containment.Choose(options.BaseDirectory);
            return new PerpPS.Daemon.Daemon(options, log, loop, signals, baseFd, listenFd, spawner, started, budget, containment).Run();
        }

        private static int Fatal(DaemonLog log, string message)
        {
            log.Error().Add("fatal: ").Add(message).Line();
            return 111;
        }

        /// <summary>
        /// perpd's stdin becomes /dev/null (spec §2.2 step 3): every main inherits it as fd 0.
        /// A still-closed stdout or stderr is filled with /dev/null too, so no descriptor perpd
        /// opens later (the base, the socket) lands on 1 or 2 and leaks into every service.
        /// (Known limit: the .NET runtime opens a few files before Main, and may already have
        /// taken a closed 1 or 2; start perpd with its stdout and stderr open.)
        /// </summary>
        private static void ReplaceStdin()
        {
            byte* path = stackalloc byte[10];
            "/dev/null\0"u8.CopyTo(new Span<byte>(path, 10));
            int fd;
            while ((fd = Libc.Open(path, Libc.O_RDWR, 0)) >= 0 && fd <= 2)
            {
                // a closed 0, 1 or 2 is now /dev/null
            }
            if (fd > 2)
            {
                Libc.Dup2(fd, 0);
                Libc.Close(fd);
            }
        }

        /// <summary>
        /// Raises the soft RLIMIT_NOFILE to the hard limit: each service holds a directory fd,
        /// up to two pipe ends and two pidfds, and 10,000 services must fit. Services inherit
        /// the raised soft limit (a documented difference from perp). The .NET runtime itself
        /// already raises it before Main, so the caller's soft limit cannot be handed on to
        /// the runscripts; this call states the need rather than relying on that.
        /// </summary>
        private static void RaiseFileLimit()
        {
            Libc.RLimit limit;
            if (Libc.GetRLimit(Libc.RLIMIT_NOFILE, &limit) != 0 || limit.Current >= limit.Maximum) return;
            limit.Current = limit.Maximum;
            Libc.SetRLimit(Libc.RLIMIT_NOFILE, &limit);
        }
    }
}
