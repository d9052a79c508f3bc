using PerpPS.Core.Client;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.TestSupport;
using Xunit;

namespace PerpPS.Daemon.Tests;

/// <summary>Talks to a test perpd over its real socket with Core's client (not perpctl).</summary>
internal static class Perp
{
    public static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(5);

    public static ServiceId Id(string directory) => FileStatus.Stat(directory).Id;

    public static Reply Query(string baseDirectory, string name)
    {
        using var c = ControlClient.ConnectToBase(baseDirectory, ClientTimeout);
        return c.Query(Id(Path.Combine(baseDirectory, name)));
    }

    public static StatusRecord Status(string baseDirectory, string name)
    {
        var r = Query(baseDirectory, name);
        Assert.True(r.Kind == ReplyKind.Status, $"expected a status for {name}, got {r.Kind} errno {r.Errno}");
        return r.Status;
    }

    /// <summary>Sends a control command; returns perpd's errno (0 = done).</summary>
    public static int Command(string baseDirectory, string name, char command, CommandFlags flags = CommandFlags.None)
    {
        using var c = ControlClient.ConnectToBase(baseDirectory, ClientTimeout);
        var r = c.Command(Id(Path.Combine(baseDirectory, name)), (byte)command, flags);
        Assert.Equal(ReplyKind.Error, r.Kind);
        return r.Errno;
    }

    /// <summary>Waits until the status of <paramref name="name"/> satisfies <paramref name="condition"/>.</summary>
    public static StatusRecord WaitStatus(string baseDirectory, string name, Func<StatusRecord, bool> condition, string what,
        TimeSpan? timeout = null)
    {
        StatusRecord last = default;
        Wait.Until(() =>
        {
            var r = Query(baseDirectory, name);
            if (r.Kind != ReplyKind.Status) return false;
            last = r.Status;
            return condition(last);
        }, what, timeout);
        return last;
    }

    /// <summary>Waits for main to run a start (pid &gt; 0, not a reset); returns its pid.</summary>
    public static int WaitMainUp(string baseDirectory, string name, TimeSpan? timeout = null) =>
        (int)WaitStatus(baseDirectory, name, s => s.Main.IsRunning && !s.Main.IsResetting, $"{name} main up", timeout).Main.Pid;

    /// <summary>Waits for the log to run a start; returns its pid.</summary>
    public static int WaitLogUp(string baseDirectory, string name) =>
        (int)WaitStatus(baseDirectory, name, s => s.Log.IsRunning && !s.Log.IsResetting, $"{name} log up").Log.Pid;

    /// <summary>Lines of a file, or none while it does not exist.</summary>
    public static string[] Lines(string path) =>
        File.Exists(path) ? File.ReadAllLines(path) : [];

    /// <summary>Waits until a file has at least <paramref name="count"/> lines matching <paramref name="match"/>.</summary>
    public static string[] WaitLines(string path, Func<string, bool> match, int count = 1, TimeSpan? timeout = null)
    {
        string[] found = [];
        Wait.Until(() => (found = Lines(path).Where(match).ToArray()).Length >= count,
            $"{count} matching line(s) in {path}:\n{string.Join('\n', Lines(path))}", timeout);
        return found;
    }

    /// <summary>Field <paramref name="index"/> (1-based, as in proc(5)) of /proc/PID/stat.</summary>
    public static string StatField(int pid, int index)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return rest[index - 3];
    }

    /// <summary>Living processes whose environment holds PERP_BASE=<paramref name="baseDirectory"/>.</summary>
    public static int[] ProcessesOfBase(string baseDirectory)
    {
        byte[] needle = System.Text.Encoding.UTF8.GetBytes("PERP_BASE=" + baseDirectory + "\0");
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                byte[] env = File.ReadAllBytes(Path.Combine(dir, "environ"));
                if (env.AsSpan().IndexOf(needle) >= 0 && ProcessKiller.IsAlive(pid)) found.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return found.ToArray();
    }
}
