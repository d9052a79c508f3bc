using System.Collections.Concurrent;
using System.Diagnostics;
using PerpPS.Core.Client;
using PerpPS.Core.Posix;

namespace PerpPS.TestSupport;

/// <summary>
/// The real perpd binary running on a test base. Collects its stderr lines; on dispose
/// stops it by pid (SIGTERM, then SIGKILL after the grace time) and kills, by pid, any
/// service process it may have left.
/// </summary>
public sealed class DaemonProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private bool _launched;

    private DaemonProcess(Process process, string baseDirectory)
    {
        _process = process;
        Base = baseDirectory;
        _process.ErrorDataReceived += (_, e) => { if (e.Data != null) _lines.Enqueue(e.Data); };
        _process.OutputDataReceived += (_, e) => { if (e.Data != null) _lines.Enqueue(e.Data); };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public int Pid => _process.Id;

    /// <summary>
    /// perpd's own pid (differs from <see cref="Pid"/> behind a launcher that forks): the one its
    /// lock file records when that is the launcher or its child, else (perpd in its own pid
    /// namespace records 1) the launcher's only child. Never a process outside the test's tree.
    /// </summary>
    public int DaemonPid
    {
        get
        {
            int recorded = int.Parse(File.ReadAllText(System.IO.Path.Combine(Base, ".control", "perpd.pid")).Trim());
            if (recorded == _process.Id) return recorded;
            var children = Children(_process.Id);
            if (children.Contains(recorded)) return recorded;
            if (children.Count == 1) return children[0];
            throw new InvalidOperationException($"perpd's pid not found under launcher {_process.Id}");
        }
    }
    public string Base { get; }
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>Every line perpd (and its services, through it) wrote so far.</summary>
    public IReadOnlyList<string> Lines => _lines.ToArray();

    /// <summary>Starts perpd with <paramref name="args"/> then the base, and waits for its socket.</summary>
    public static DaemonProcess Start(string baseDirectory, IEnumerable<string>? args = null,
        IDictionary<string, string?>? environment = null, bool waitForSocket = true) =>
        StartThrough([], baseDirectory, args, environment, waitForSocket);

    /// <summary>
    /// Starts perpd through a launcher: <paramref name="launcher"/> is a command line whose
    /// last word is followed by perpd's path, its arguments and the base (a shell that sets a
    /// hostile inheritance and execs, strace, unshare). <see cref="Pid"/> is the launcher's.
    /// </summary>
    public static DaemonProcess StartThrough(IReadOnlyList<string> launcher, string baseDirectory,
        IEnumerable<string>? args = null, IDictionary<string, string?>? environment = null, bool waitForSocket = true)
    {
        string perpd = RepoPaths.Program("perpd");
        var psi = new ProcessStartInfo(launcher.Count > 0 ? launcher[0] : perpd)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        for (int i = 1; i < launcher.Count; i++) psi.ArgumentList.Add(launcher[i]);
        if (launcher.Count > 0) psi.ArgumentList.Add(perpd);
        foreach (string a in args ?? []) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add(baseDirectory);
        psi.Environment.Remove("PERP_BASE");
        if (environment != null)
            foreach (var (k, v) in environment)
            {
                if (v == null) psi.Environment.Remove(k);
                else psi.Environment[k] = v;
            }
        var daemon = new DaemonProcess(Process.Start(psi)!, baseDirectory) { _launched = launcher.Count > 0 };
        if (waitForSocket)
            Wait.Until(() => daemon.HasExited || daemon.IsAnswering(), "perpd to answer on its socket");
        return daemon;
    }

    /// <summary>True once a client can connect to the control socket.</summary>
    public bool IsAnswering()
    {
        try
        {
            using var c = ControlClient.ConnectToBase(Base, TimeSpan.FromSeconds(2));
            return true;
        }
        catch (ControlException)
        {
            return false;
        }
    }

    /// <summary>Waits until a line containing <paramref name="text"/> appeared.</summary>
    public string WaitForLine(string text, TimeSpan? timeout = null) =>
        Wait.For(() => _lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)),
            $"perpd line containing '{text}'\n{string.Join('\n', Lines)}", timeout);

    /// <summary>Waits for perpd to exit by itself and returns its exit code.</summary>
    public int WaitForExit(TimeSpan? timeout = null)
    {
        if (!_process.WaitForExit((int)(timeout ?? Wait.Default).TotalMilliseconds))
            throw new TimeoutException("perpd did not exit");
        // The parameterless wait also drains stdout/stderr to EOF (every line in), but it waits
        // for as long as a process perpd left behind holds them open: bounded, so a test of
        // leftovers fails instead of hanging.
        if (!Task.Run(() => _process.WaitForExit()).Wait(TimeSpan.FromSeconds(10)))
            throw new TimeoutException("perpd exited but a process it left behind still holds its output open");
        return _process.ExitCode;
    }

    /// <summary>Pids of perpd's living child processes (its services), from /proc.</summary>
    public IReadOnlyList<int> ChildPids() => Children(_process.Id);

    /// <summary>Pids of the children of <paramref name="parent"/>.</summary>
    public static IReadOnlyList<int> Children(int parent) => ProcStat.ChildrenOf(parent);

    /// <summary>
    /// Pids of every process in the given sessions. Each runscript perpd spawns leads its own
    /// session, so this finds a service's grandchildren too (a shell's background job, a
    /// `sleep` it did not exec), even after they were re-parented to init.
    /// </summary>
    public static IReadOnlyList<int> SessionMembers(IReadOnlyCollection<int> sessions)
    {
        var result = new List<int>();
        if (sessions.Count == 0) return result;
        foreach (var e in ProcStat.All())
            if (sessions.Contains(e.Session)) result.Add(e.Pid);
        return result;
    }

    public void Dispose()
    {
        // Services run in their own sessions; remember them before perpd goes so that
        // nothing a test started is left behind, grandchildren included.
        var sessions = _process.HasExited ? new List<int>() : ChildPids().ToList();
        // Behind a launcher (strace, a shell that did not exec) perpd is a grandchild.
        int daemon = 0;
        if (_launched && !_process.HasExited)
            try { daemon = DaemonPid; }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException or InvalidOperationException) { }
        if (daemon > 0 && daemon != _process.Id && ProcessKiller.IsAlive(daemon))
        {
            sessions.AddRange(Children(daemon));
            ProcessKiller.Stop(daemon, TimeSpan.FromSeconds(12));
        }
        ProcessKiller.Stop(_process.Id, TimeSpan.FromSeconds(12));
        _process.WaitForExit(5000);
        ProcessKiller.KillAll(sessions);
        ProcessKiller.KillAll(SessionMembers(sessions.ToHashSet()));
        _process.Dispose();
    }
}
