using PerpPS.Core.Interop;
using System.Diagnostics;
using PerpPS.Core.Client;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpBench;

/// <summary>A temp base with perpd running on it, for the long runs; stops everything by pid.</summary>
public sealed class Lab : IDisposable
{
    private readonly string _bin;
    private readonly string _root;
    private Process? _daemon;

    public Lab(string bin)
    {
        _bin = bin;
        _root = Directory.CreateTempSubdirectory("perpps-bench-lab-").FullName;
        Base = Path.Combine(_root, "base");
        Scratch = Path.Combine(_root, "scratch");
        Directory.CreateDirectory(Base);
        Directory.CreateDirectory(Scratch);
    }

    public string Base { get; }
    public string Scratch { get; }

    public ServiceId AddService(string name, string rcMain)
    {
        string dir = Path.Combine(Base, name);
        Directory.CreateDirectory(dir);
        string rc = Path.Combine(dir, "rc.main");
        File.WriteAllText(rc, "#!/bin/sh\n" + rcMain);
        File.SetUnixFileMode(rc, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(dir, File.GetUnixFileMode(dir) | UnixFileMode.StickyBit);
        return FileStatus.Stat(dir).Id;
    }

    public void AddLog(string name, string rcLog)
    {
        string rc = Path.Combine(Base, name, "rc.log");
        File.WriteAllText(rc, "#!/bin/sh\n" + rcLog);
        File.SetUnixFileMode(rc, (UnixFileMode)0b111_101_101);
    }

    public ServiceId AddSleeper(string name) => AddService(name, "[ \"$1\" = start ] || exit 0\nexec sleep 100000\n");

    public int StartDaemon()
    {
        var psi = new ProcessStartInfo(Path.Combine(_bin, "perpd")) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add(Base);
        // PERPBENCH_DAEMON_ENV="K=V;K2=V2": settings for perpd alone (e.g. GC knobs to try).
        foreach (string kv in (Environment.GetEnvironmentVariable("PERPBENCH_DAEMON_ENV") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = kv.IndexOf('=');
            if (eq > 0) psi.Environment[kv[..eq]] = kv[(eq + 1)..];
        }
        _daemon = Process.Start(psi)!;
        _daemon.ErrorDataReceived += (_, _) => { };
        _daemon.OutputDataReceived += (_, _) => { };
        _daemon.BeginErrorReadLine();
        _daemon.BeginOutputReadLine();
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(30))
        {
            try { using var c = ControlClient.ConnectToBase(Base); return _daemon.Id; }
            catch (ControlException) { Thread.Sleep(50); }
        }
        throw new TimeoutException("perpd did not answer");
    }

    public StatusRecord Status(ServiceId id)
    {
        using var c = ControlClient.ConnectToBase(Base, TimeSpan.FromSeconds(5));
        return c.Query(id).Status;
    }

    public void Command(ServiceId id, char command)
    {
        using var c = ControlClient.ConnectToBase(Base, TimeSpan.FromSeconds(5));
        c.Command(id, (byte)command);
    }

    public void WaitRunning(ServiceId id)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(30))
        {
            var m = Status(id).Main;
            if (m.IsRunning && !m.IsResetting) return;
            Thread.Sleep(20);
        }
        throw new TimeoutException("service did not come up");
    }

    public static bool IsAlive(int pid) =>
        File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].TrimStart().StartsWith('Z');

    public void Dispose()
    {
        if (_daemon != null)
        {
            var services = new ProcTableChildren(_daemon.Id).Pids;
            if (!_daemon.HasExited)
            {
                Libc.Kill(_daemon.Id, 15);
                if (!_daemon.WaitForExit(20000)) Libc.Kill(_daemon.Id, 9);
            }
            foreach (int p in services) if (IsAlive(p)) Libc.Kill(p, 9);
            _daemon.Dispose();
        }
        try
        {
            foreach (var d in Directory.EnumerateDirectories(_root, "*", SearchOption.AllDirectories))
                File.SetUnixFileMode(d, (UnixFileMode)0b111_111_101);
            Directory.Delete(_root, true);
        }
        catch (IOException) { }
    }

    private sealed class ProcTableChildren(int parent)
    {
        public List<int> Pids { get; } = ProcTable.Read().Tree(parent).Where(p => p != parent).ToList();
    }
}
