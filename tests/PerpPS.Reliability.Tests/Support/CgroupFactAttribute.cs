namespace PerpPS.Reliability.Tests.Support;

/// <summary>
/// A fact that needs a writable cgroup2 hierarchy with cgroup.kill (perpd's containment
/// mode): skipped, with the reason, where the machine has none.
/// </summary>
public sealed class CgroupFactAttribute : FactAttribute
{
    public CgroupFactAttribute()
    {
        if (Cgroup2.WhyNot() is { } reason) Skip = "no writable cgroup2 with cgroup.kill here: " + reason;
    }
}

/// <summary>What the tests need to know of the machine's cgroup2 hierarchy.</summary>
public static class Cgroup2
{
    /// <summary>The cgroup2 mount point, or null.</summary>
    public static string? Mount()
    {
        foreach (string line in File.ReadLines("/proc/self/mountinfo"))
        {
            int dash = line.IndexOf(" - ", StringComparison.Ordinal);
            if (dash < 0 || !line.AsSpan(dash + 3).StartsWith("cgroup2 ")) continue;
            return line[..dash].Split(' ')[4];
        }
        return null;
    }

    /// <summary>Null when a cgroup can be made (and killed) under the mount; else why not.</summary>
    public static string? WhyNot()
    {
        string? mount = Mount();
        if (mount == null) return "no cgroup2 mount in /proc/self/mountinfo";
        string probe = Path.Combine(mount, "perpps-test-probe-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Directory.CreateDirectory(probe);
            bool kill = File.Exists(Path.Combine(probe, "cgroup.kill"));
            Directory.Delete(probe);
            return kill ? null : "no cgroup.kill (kernel before 5.14)";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot make a cgroup under {mount}: {e.Message}";
        }
    }
}
