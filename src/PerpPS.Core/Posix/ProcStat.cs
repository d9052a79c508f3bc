using System.Globalization;
using System.Runtime.InteropServices;
using PerpPS.Core.Interop;

namespace PerpPS.Core.Posix;

/// <summary>
/// One process as /proc/PID/stat gives it (proc(5)): the fields PerpPS reads, the module to
/// tell a living perpd from a zombie and when it started, the tests to find a service's
/// children, sessions and state. One reader for all, so the parsing rule lives once: the
/// command name may hold spaces and parentheses, so fields are counted after the last ')'.
/// </summary>
public readonly record struct ProcStat(int Pid, char State, int Parent, int ProcessGroup, int Session, ulong StartTicks)
{
    /// <summary>Clock ticks per second of <see cref="StartTicks"/> (USER_HZ, 100 on Linux).</summary>
    public const int TicksPerSecond = 100;

    /// <summary>Exited and not yet reaped (Z), or being torn down (X).</summary>
    public bool IsZombie => State is 'Z' or 'X';

    /// <summary>Reads /proc/PID/stat; false when the process is gone (or unreadable).
    /// Allocation-free (open/read into a stack buffer): perpd reads every process's stat at
    /// start-up (<c>Adoption.Find</c>), and garbage made then stays resident in its GC heap.</summary>
    public static unsafe bool TryRead(int pid, out ProcStat stat)
    {
        stat = default;
        if (pid <= 0) return false;
        byte* path = stackalloc byte[32];
        int n = 0;
        foreach (byte b in "/proc/"u8) path[n++] = b;
        Span<byte> digits = stackalloc byte[10];
        int d = 0;
        for (int v = pid; v > 0; v /= 10) digits[d++] = (byte)('0' + v % 10);
        while (d > 0) path[n++] = digits[--d];
        foreach (byte b in "/stat"u8) path[n++] = b;
        path[n] = 0;
        int fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0) return false;
        // Fields 1-22 fit: pid, a command name of at most 64 bytes, then numbers.
        const int size = 1024;
        byte* buffer = stackalloc byte[size];
        nint got;
        do got = Libc.Read(fd, buffer, size);
        while (got < 0 && Marshal.GetLastPInvokeError() == Errno.EINTR);
        Libc.Close(fd);
        return got > 0 && TryParse(pid, new ReadOnlySpan<byte>(buffer, (int)got), out stat);
    }

    /// <summary>Parses the text of a stat file (fields 3 on, after the command name).</summary>
    public static bool TryParse(int pid, string text, out ProcStat stat) =>
        TryParse(pid, System.Text.Encoding.UTF8.GetBytes(text), out stat);

    /// <summary>Parses the bytes of a stat file (fields 3 on, after the command name).</summary>
    public static bool TryParse(int pid, ReadOnlySpan<byte> text, out ProcStat stat)
    {
        stat = default;
        int close = text.LastIndexOf((byte)')');
        if (close < 0 || close + 2 >= text.Length) return false;
        var rest = text[(close + 2)..];
        // Field 3 (state) is rest's field 0; field N is rest's field N - 3.
        char state = default;
        int parent = 0, group = 0, session = 0;
        ulong start = 0;
        for (int field = 0; field <= 19; field++)
        {
            int end = rest.IndexOf((byte)' ');
            var value = end < 0 ? rest : rest[..end];
            // The line ends in a newline; a field cut short there is not a number.
            if (end < 0 && field < 19) return false;
            if (value.Length > 0 && value[^1] == (byte)'\n') value = value[..^1];
            if (value.IsEmpty) return false;
            switch (field)
            {
                case 0: state = (char)value[0]; break;
                case 1: if (!TryNumber(value, out ulong p) || p > int.MaxValue) return false; parent = (int)p; break;
                case 2: if (!TryNumber(value, out ulong g) || g > int.MaxValue) return false; group = (int)g; break;
                case 3: if (!TryNumber(value, out ulong s) || s > int.MaxValue) return false; session = (int)s; break;
                case 19: if (!TryNumber(value, out start)) return false; break;
                default: break;
            }
            if (end >= 0) rest = rest[(end + 1)..];
        }
        stat = new ProcStat(pid, state, parent, group, session, start);
        return true;
    }

    /// <summary>Decimal digits only (NumberStyles.None), no overflow.</summary>
    private static bool TryNumber(ReadOnlySpan<byte> digits, out ulong value)
    {
        value = 0;
        foreach (byte b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9') return false;
            if (value > (ulong.MaxValue - 9) / 10) return false;
            value = value * 10 + (ulong)(b - '0');
        }
        return !digits.IsEmpty;
    }

    /// <summary>True while the process exists and is not a zombie (which still answers kill 0).</summary>
    public static bool IsAlive(int pid)
    {
        if (pid <= 0 || Libc.Kill(pid, 0) != 0) return false;
        // /proc/PID vanished between kill() and the read: it has just been reaped, unless the
        // pid is in use again.
        if (!TryRead(pid, out var stat)) return Libc.Kill(pid, 0) == 0;
        return !stat.IsZombie;
    }

    /// <summary>Every process that still exists when it is read (one that ends mid-scan is skipped).</summary>
    public static List<ProcStat> All()
    {
        var result = new List<ProcStat>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
                && TryRead(pid, out var stat))
                result.Add(stat);
        return result;
    }

    /// <summary>Children of <paramref name="parent"/>, zombies included unless told otherwise.</summary>
    public static List<int> ChildrenOf(int parent, bool includeZombies = true)
    {
        var result = new List<int>();
        foreach (var e in All())
            if (e.Parent == parent && (includeZombies || !e.IsZombie)) result.Add(e.Pid);
        return result;
    }

    /// <summary>When the process started (UTC): its start ticks after boot plus btime of /proc/stat; null when unknown.</summary>
    public DateTime? StartTimeUtc()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/stat"))
                if (line.StartsWith("btime ", StringComparison.Ordinal)
                    && long.TryParse(line.AsSpan(6).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long boot))
                    return DateTime.UnixEpoch.AddSeconds(boot + StartTicks / (double)TicksPerSecond);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }
}
