using System.Globalization;
using PerpPS.TestSupport;
using Xunit;

namespace PerpPS.Reliability.Tests.Support;

/// <summary>A fact that needs a writable cgroup v1 pids hierarchy (/sys/fs/cgroup/pids): skipped, with the reason, elsewhere.</summary>
public sealed class PidsLimitFactAttribute : FactAttribute
{
    public PidsLimitFactAttribute()
    {
        if (PidsLimit.WhyNot() is { } reason) Skip = "no writable cgroup v1 pids hierarchy here: " + reason;
    }
}

/// <summary>
/// A cgroup of its own in the v1 pids hierarchy, for a real "no more processes" (EAGAIN
/// from clone): what is written into its cgroup.procs and every task it makes counts
/// against pids.max. Removed on dispose once empty.
/// </summary>
public sealed class PidsLimit : IDisposable
{
    private const string Hierarchy = "/sys/fs/cgroup/pids";

    private PidsLimit(string path) => Path = path;

    /// <summary>The cgroup's directory.</summary>
    public string Path { get; }

    /// <summary>Tasks in it now.</summary>
    public int Current => int.Parse(File.ReadAllText(System.IO.Path.Combine(Path, "pids.current")).Trim(), CultureInfo.InvariantCulture);

    public static string? WhyNot()
    {
        if (!File.Exists(System.IO.Path.Combine(Hierarchy, "cgroup.procs"))) return $"{Hierarchy} is not mounted";
        try
        {
            using var probe = Create();
            return File.Exists(System.IO.Path.Combine(probe.Path, "pids.max")) ? null : "no pids.max";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    public static PidsLimit Create()
    {
        string path = System.IO.Path.Combine(Hierarchy, "perpps-test-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return new PidsLimit(path);
    }

    /// <summary>Sets pids.max (null: no limit).</summary>
    public void Limit(int? max) =>
        File.WriteAllText(System.IO.Path.Combine(Path, "pids.max"), max is { } m ? m.ToString(CultureInfo.InvariantCulture) : "max");

    public void Dispose()
    {
        Limit(null);
        // Whatever still runs in it was started by its test (a daemon that failed to stop
        // everything): killed by pid, then the directory goes once it is empty.
        ProcessKiller.KillAll(File.ReadAllLines(System.IO.Path.Combine(Path, "cgroup.procs"))
            .Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToList());
        Wait.Until(() =>
        {
            try
            {
                Directory.Delete(Path);
                return true;
            }
            catch (IOException)
            {
                return !Directory.Exists(Path);
            }
        }, $"{Path} to be empty and removed", TimeSpan.FromSeconds(30));
    }
}
