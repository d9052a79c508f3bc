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
    public string Base { get; }
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>Every line perpd (and its services, through it) wrote so far.</summary>
    public IReadOnlyList<string> Lines => _lines.ToArray();

    /// <summary>Starts perpd with <paramref name="args"/> then the base, and waits for its socket.</summary>
    public static DaemonProcess Start(string baseDirectory, IEnumerable<string>? args = null,
        IDictionary<string, string?>? environment = null, bool waitForSocket = true)
    {
        var psi = new ProcessStartInfo(RepoPaths.Program("perpd"))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (string a in args ?? []) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add(baseDirectory);
        psi.Environment.Remove("PERP_BASE");
        if (environment != null)
            foreach (var (k, v) in environment)
            {
                if (v == null) psi.Environment.Remove(k);
                else psi.Environment[k] = v;
            }
        var daemon = new DaemonProcess(Process.Start(psi)!, baseDirectory);
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
        _process.WaitForExit();
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
        var sessions = _process.HasExited ? [] : ChildPids();
        ProcessKiller.Stop(_process.Id, TimeSpan.FromSeconds(12));
        _process.WaitForExit(5000);
        ProcessKiller.KillAll(sessions);
        ProcessKiller.KillAll(SessionMembers(sessions.ToHashSet()));
        _process.Dispose();
    }
}
