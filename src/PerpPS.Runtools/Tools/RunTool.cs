using System.Runtime.InteropServices;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Runtools.Common;
using PerpPS.Runtools.Interop;

namespace PerpPS.Runtools.Tools;

/// <summary>
/// runtool: the runtools in one program (spec §13). Whatever the order of the options,
/// the steps run in perp's fixed order: argfile/argv0 → envfile → -U → detach → setsid →
/// lock → umask → fdset → rlimits → chdir → chroot → setuid → sleep → exec.
/// Decisions where perp's manual is terse: -a puts the argfile's arguments before the
/// command line's (as runargs), -A after them (runargs -i); -e edits the environment,
/// -E starts from an empty one (runenv -i); -u takes the account's uid, gid and only
/// that gid as group list (as runuid).
/// </summary>
internal static unsafe class RunTool
{
    private sealed class Settings
    {
        public string? Argv0, ArgFile, Dir, Root, EnvFile, FdSet, Lock, Umask, Limits, AltPath, User, EnvUser, Sleep;
        public bool ArgFileAfter, EmptyEnv, Detach, Session, LockBlocks, LockWritesPid, Warnings;
    }

    public static int Run(string name, string[] args)
    {
        var tool = new Tool(name, "[-hV] [-0 argv0] [-a argfile | -A argfile] [-c dir] [-C root] [-d] [-e envfile | -E envfile] [-F fdset] [-L [:]lockfile | -P [:]pidlock] [-m umask] [-R rlimits] [-s] [-S altpath] [-u user] [-U user] [-z secs] program [args ...]");
        var opts = new OptionParser(tool, args, "0:a:A:c:C:de:E:F:L:P:m:R:sS:u:U:z:W");
        var s = new Settings();
        while (opts.Next(out char o, out string? a))
        {
            switch (o)
            {
                case '0': s.Argv0 = a; break;
                case 'a': s.ArgFile = a; s.ArgFileAfter = false; break;
                case 'A': s.ArgFile = a; s.ArgFileAfter = true; break;
                case 'c': s.Dir = a; break;
                case 'C': s.Root = a; break;
                case 'd': s.Detach = true; break;
                case 'e': s.EnvFile = a; s.EmptyEnv = false; break;
                case 'E': s.EnvFile = a; s.EmptyEnv = true; break;
                case 'F': s.FdSet = a; break;
                case 'L':
                case 'P':
                    if (s.Lock != null && s.LockWritesPid != (o == 'P')) throw tool.Usage("options -L and -P are mutually exclusive");
                    s.LockWritesPid = o == 'P';
                    s.LockBlocks = a!.StartsWith(':');
                    s.Lock = s.LockBlocks ? a[1..] : a;
                    break;
                case 'm': s.Umask = a; break;
                case 'R': s.Limits = a; break;
                case 's': s.Session = true; break;
                case 'S': s.AltPath = a; break;
                case 'u': s.User = a; break;
                case 'U': s.EnvUser = a; break;
                case 'z': s.Sleep = a; break;
                case 'W': s.Warnings = true; break;
            }
        }
        string[] rest = opts.Rest;
        if (rest.Length < 1) throw tool.Usage("missing arguments");
        if (s.User != null && Sys.Getuid() != 0) throw tool.Usage("option -u requires super user");
        uint umask = 0;
        if (s.Umask != null && !TryOctal(s.Umask, out umask)) throw tool.Usage($"bad octal argument for -m: {s.Umask}");
        uint sleep = 0;
        if (s.Sleep != null && !uint.TryParse(s.Sleep, System.Globalization.NumberStyles.None, null, out sleep))
            throw tool.Usage($"bad numeric argument for -z: {s.Sleep}");
        var limits = ParseLimits(tool, s.Limits);
        var fdActions = FdSet.Parse(tool, s.FdSet);

        // argfile / argv0
        string program = rest[0];
        var argv = new List<string>(rest);
        if (s.ArgFile != null)
        {
            List<string> fileArgs;
            try
            {
                fileArgs = ArgLines.Read(s.ArgFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw tool.Fatal($"unable to read argfile {s.ArgFile}", ArgLines.ErrnoOf(e));
            }
            argv.InsertRange(s.ArgFileAfter ? argv.Count : 1, fileArgs);
        }
        if (s.Argv0 != null) argv[0] = s.Argv0;

        // envfile, -U
        var env = Environ.Current();
        if (s.EnvFile != null)
        {
            if (s.EmptyEnv) env.Clear();
            EnvFile.Apply(tool, s.EnvFile, env);
        }
        if (s.EnvUser != null)
        {
            var envUser = Accounts.FindUser(s.EnvUser) ?? throw tool.Fatal($"account {s.EnvUser} not found");
            env.Set("GID", envUser.Gid.ToString());
            env.Set("UID", envUser.Uid.ToString());
        }

        if (s.Detach) return SelfDetach.Respawn(tool, 'd', opts.Seen, rest);
        // Everything the later steps need is looked up and converted now: after -R or -u
        // the process may no longer be able to open files or read its account data.
        var exec = Exec.Prepare(program, argv, env, s.AltPath);
        byte* dir = s.Dir != null ? NativeStrings.One(s.Dir) : null;
        byte* root = s.Root != null ? NativeStrings.One(s.Root) : null;
        Account? user = null;
        if (s.User != null) user = Accounts.FindUser(s.User) ?? throw tool.Fatal($"account {s.User} not found");
        if (s.Session) Sys.Setsid();

        if (s.Lock != null)
        {
            int fd = LockFile.Open(s.Lock, closeOnExec: false);
            if (fd < 0) throw tool.Fatal($"unable to open lockfile {s.Lock}", -fd);
            int errno = LockFile.Acquire(fd, s.LockBlocks);
            if (errno != 0) throw tool.Fatal($"unable to acquire lock on {s.Lock}", errno);
            if (s.LockWritesPid && (errno = LockFile.WritePid(fd, Environment.ProcessId)) != 0)
                throw tool.Fatal($"unable to write pid to lockfile {s.Lock}", errno);
        }
        if (s.Umask != null) _ = Libc.Umask(umask); // the old mask is replaced for good
        FdSet.Apply(tool, fdActions);
        if (!limits.IsEmpty)
        {
            int errno = limits.Apply(tool, s.Warnings, out string failed);
            if (errno != 0) throw tool.Fatal($"failure setrlimit() for {failed}", errno);
        }
        if (dir != null) ChangeDir(tool, dir, s.Dir!, root: false);
        if (root != null) ChangeDir(tool, root, s.Root!, root: true);
        if (user is { } acct)
        {
            int errno;
            if ((errno = Identity.SetGroups(new[] { acct.Gid })) != 0) throw tool.Fatal("failure setgroups()", errno);
            if ((errno = Identity.SetGid(acct.Gid)) != 0) throw tool.Fatal($"failure setgid() to {acct.Gid}", errno);
            if ((errno = Identity.SetUid(acct.Uid)) != 0) throw tool.Fatal($"failure setuid() to {acct.Uid}", errno);
        }
        if (sleep > 0) Thread.Sleep(TimeSpan.FromSeconds(sleep));
        throw exec.Run(tool);
    }

    private static bool TryOctal(string text, out uint value)
    {
        value = 0;
        if (text.Length == 0 || text.Length > 4) return false;
        foreach (char c in text)
        {
            if (c < '0' || c > '7') return false;
            value = value * 8 + (uint)(c - '0');
        }
        return true;
    }

    /// <summary>-R "x=N:y=!:...": runlimit's letters, '!' (or '=', '^', '_') for the hard limit.</summary>
    private static ResourceLimits ParseLimits(Tool tool, string? spec)
    {
        var plan = new ResourceLimits();
        if (spec == null) return plan;
        foreach (string item in spec.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (item.Length < 3 || item[1] != '=' || !ResourceLimits.TryLetter(item[0], out int[] resources)
                || !ResourceLimits.TryValue(item[2..], "!=^_", out ulong value))
                throw tool.Usage($"bad rlimit specification for -R: {item}");
            plan.Set(resources, value);
        }
        return plan;
    }

    private static void ChangeDir(Tool tool, byte* d, string dir, bool root)
    {
        if (root)
        {
            if (Sys.Chroot(d) != 0) throw tool.Fatal($"failure chroot() to {dir}", Marshal.GetLastPInvokeError());
            fixed (byte* slash = "/\0"u8) Libc.Chdir(slash);
        }
        else if (Libc.Chdir(d) != 0)
        {
            throw tool.Fatal($"failure chdir() to {dir}", Marshal.GetLastPInvokeError());
        }
    }
}
