using PerpPS.Core.Client;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpPS.TestSupport;

/// <summary>
/// Talks to a test perpd over its real socket with Core's client (not perpctl): status
/// queries and commands by service name or by <see cref="ServiceId"/>, and waits on them.
/// </summary>
public static class Perp
{
    public static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A regex for perpstat's usage lines of one service (main's, and the logger's when
    /// <paramref name="log"/>): present when perpd contains services in cgroups, absent in its
    /// fallback mode, so the pattern accepts both.
    /// </summary>
    public static string PerpstatUsagePattern(bool log) =>
        @"(  main usage: \d+ process(es)?, cpu \d+\.\d{3} seconds\n" + (log ? @"   log usage: \d+ process(es)?, cpu \d+\.\d{3} seconds\n" : "") + ")?";

    public static ServiceId Id(string directory) => FileStatus.Stat(directory).Id;

    public static Reply Query(string baseDirectory, string name) => Query(baseDirectory, Id(Path.Combine(baseDirectory, name)));

    public static Reply Query(string baseDirectory, ServiceId id)
    {
        using var c = ControlClient.ConnectToBase(baseDirectory, ClientTimeout);
        return c.Query(id);
    }

    public static StatusRecord Status(string baseDirectory, string name) => Status(baseDirectory, Id(Path.Combine(baseDirectory, name)), name);

    public static StatusRecord Status(string baseDirectory, ServiceId id, string? name = null)
    {
        var r = Query(baseDirectory, id);
        if (r.Kind != ReplyKind.Status)
            throw new InvalidOperationException($"expected a status for {name ?? id.ToString()}, got {r.Kind} errno {r.Errno}");
        return r.Status;
    }

    /// <summary>Sends a control command; returns perpd's errno (0 = done).</summary>
    public static int Command(string baseDirectory, string name, char command, CommandFlags flags = CommandFlags.None)
    {
        var r = Send(baseDirectory, Id(Path.Combine(baseDirectory, name)), command, flags);
        if (r.Kind != ReplyKind.Error) throw new InvalidOperationException($"a command was answered {r.Kind}");
        return r.Errno;
    }

    /// <summary>Sends a control command and returns perpd's reply as it came.</summary>
    public static Reply Send(string baseDirectory, ServiceId id, char command, CommandFlags flags = CommandFlags.None)
    {
        using var c = ControlClient.ConnectToBase(baseDirectory, ClientTimeout);
        return c.Command(id, (byte)command, flags);
    }

    /// <summary>Sends p (pause) for <paramref name="name"/> and waits until its main,
    /// <paramref name="pid"/>, is stopped as /proc says (state T).</summary>
    public static void Pause(string baseDirectory, string name, int pid)
    {
        int errno = Command(baseDirectory, name, 'p');
        if (errno != 0) throw new InvalidOperationException($"p for {name} was answered errno {errno}");
        Wait.Until(() => ProcFs.State(pid) == 'T', "process stopped");
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

    /// <summary>
    /// True when the slot runs its start's runscript: pid &gt; 0, not a reset, and no longer
    /// the child that sleeps the governor's hold-back before its exec (perpd's own name).
    /// </summary>
    public static bool RunsStart(SubserviceStatus s) =>
        s.IsRunning && !s.IsResetting && ProcFs.Comm((int)s.Pid) != "perpd";

    /// <summary>Waits for main to run a start (its runscript, not a reset); returns its pid.</summary>
    public static int WaitMainUp(string baseDirectory, string name, TimeSpan? timeout = null) =>
        (int)WaitStatus(baseDirectory, name, s => RunsStart(s.Main), $"{name} main up", timeout).Main.Pid;

    /// <summary>Waits for main to run a start (its runscript, not a reset); returns its pid.</summary>
    public static uint WaitMainUp(string baseDirectory, ServiceId id, TimeSpan? timeout = null)
    {
        uint pid = 0;
        Wait.Until(() =>
        {
            var s = Status(baseDirectory, id).Main;
            pid = s.Pid;
            return RunsStart(s);
        }, "the service's main to run", timeout);
        return pid;
    }

    /// <summary>Waits for the log to run a start; returns its pid.</summary>
    public static int WaitLogUp(string baseDirectory, string name) =>
        (int)WaitStatus(baseDirectory, name, s => RunsStart(s.Log), $"{name} log up").Log.Pid;

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

    /// <summary>Main's policy flags (Ready, Healthy, …) from perpd's extended status.</summary>
    public static PolicyFlags Policy(string baseDirectory, string name)
    {
        using var c = ControlClient.ConnectToBase(baseDirectory, ClientTimeout);
        var r = c.QueryExtended(Id(Path.Combine(baseDirectory, name)));
        if (!r.HasStatus || !r.Status.HasExtension) throw new InvalidOperationException($"no extended status for {name}");
        return r.Status.Main.Policy;
    }
}
