using PerpPS.Core.Interop;

namespace PerpPS.Cmdlets.Engine;

/// <summary>What /proc tells of a process: alive (a zombie is not), and its start time.</summary>
internal static class ProcessInfo
{
    /// <summary>True while the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        if (pid <= 0 || Libc.Kill(pid, 0) != 0) return false;
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            int close = stat.LastIndexOf(')');
            // Z: exited, waiting to be reaped; X: being torn down.
            return close < 0 || stat.Length <= close + 2 || stat[close + 2] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            // /proc/PID vanished between kill() and the read: it has just been reaped.
            return Libc.Kill(pid, 0) == 0;
        }
    }

    /// <summary>
    /// The process's start time (UTC) from /proc/PID/stat field 22 (clock ticks after boot,
    /// USER_HZ = 100 on Linux) and btime from /proc/stat; null when unreadable.
    /// </summary>
    public static DateTime? StartTime(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            long ticks = long.Parse(fields[19], System.Globalization.CultureInfo.InvariantCulture);
            foreach (string line in File.ReadLines("/proc/stat"))
                if (line.StartsWith("btime ", StringComparison.Ordinal))
                {
                    long boot = long.Parse(line[6..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                    return DateTime.UnixEpoch.AddSeconds(boot + ticks / 100.0);
                }
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
        }
        return null;
    }
}
