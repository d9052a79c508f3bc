using System.Runtime.InteropServices;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Runtools.Interop;

namespace PerpPS.Runtools.Common;

/// <summary>
/// runtool -F: "FD OP TARGET" items joined by ':'. FD is 0–9; OP '&lt;' opens TARGET for
/// reading, '&gt;' for writing (truncating), '+' for appending, where TARGET is an absolute
/// path or '%' (/dev/null); OP '=' duplicates from the digit TARGET, or closes FD when
/// TARGET is '!'.
/// </summary>
internal static unsafe class FdSet
{
    public readonly record struct Action(int Fd, char Op, string Target);

    public static List<Action> Parse(Tool tool, string? spec)
    {
        var actions = new List<Action>();
        if (spec == null) return actions;
        foreach (string item in spec.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string it = ArgLines.Trim(item);
            bool ok = it.Length >= 3 && it[0] is >= '0' and <= '9' && it[1] is '<' or '>' or '+' or '=';
            if (ok)
            {
                string target = it[2..];
                ok = it[1] == '='
                    ? target.Length == 1 && (target[0] == '!' || target[0] is >= '0' and <= '9')
                    : target == "%" || target.StartsWith('/');
                if (ok) actions.Add(new Action(it[0] - '0', it[1], target));
            }
            if (!ok) throw tool.Usage($"bad fdset specification for -F: {item}");
        }
        return actions;
    }

    public static void Apply(Tool tool, List<Action> actions)
    {
        foreach (var a in actions)
        {
            if (a.Op == '=')
            {
                if (a.Target == "!") Libc.Close(a.Fd);
                else if (Libc.Dup2(a.Target[0] - '0', a.Fd) < 0)
                    throw tool.Fatal($"failure dup2() {a.Target} to {a.Fd}", Marshal.GetLastPInvokeError());
                continue;
            }
            string path = a.Target == "%" ? "/dev/null" : a.Target;
            int flags = a.Op switch
            {
                '<' => Libc.O_RDONLY,
                '>' => Libc.O_WRONLY | Libc.O_CREAT | Sys.O_TRUNC,
                _ => Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND,
            };
            byte* p = NativeStrings.One(path);
            int fd = Libc.Open(p, flags, (int)FileModes.Mode0644);
            if (fd < 0) throw tool.Fatal($"failure open() on {path}", Marshal.GetLastPInvokeError());
            if (fd != a.Fd)
            {
                if (Libc.Dup2(fd, a.Fd) < 0) throw tool.Fatal($"failure dup2() to {a.Fd}", Marshal.GetLastPInvokeError());
                Libc.Close(fd);
            }
        }
    }
}
