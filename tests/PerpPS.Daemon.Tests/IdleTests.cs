namespace PerpPS.Daemon.Tests;

/// <summary>An idle perpd makes no system calls (design: no polling, no timer without a deadline).</summary>
public sealed class IdleTests
{
    [Fact]
    public void Idle_daemon_does_not_wake_up()
    {
        using var b = new TempBase();
        b.AddService("svc", Scripts.Forever, rcLog: "exec cat > /dev/null");
        b.AddService("down", Scripts.Forever, down: true);
        using var d = DaemonProcess.Start(b.Path);
        Perp.WaitMainUp(b.Path, "svc");
        Perp.WaitLogUp(b.Path, "svc");
        Assert.Equal(0, Perp.Command(b.Path, "svc", 'h'));
        // Let the last client's connection close and the runtime settle, then watch.
        d.WaitForLine("monitoring 0 client connections");
        Thread.Sleep(1000);
        var before = Switches(d.Pid);
        Thread.Sleep(3000);
        var after = Switches(d.Pid);
        long woke = after.Sum(kv => kv.Value - before.GetValueOrDefault(kv.Key));
        // A poll-based loop would wake many times a second; perpd should not wake at all.
        Assert.True(woke <= 3, $"{woke} context switches in 3 s of idleness: " +
            string.Join(", ", after.Select(kv => $"{kv.Key}:{kv.Value - before.GetValueOrDefault(kv.Key)}")));
    }

    /// <summary>Voluntary + involuntary context switches per thread.</summary>
    private static Dictionary<string, long> Switches(int pid)
    {
        var result = new Dictionary<string, long>();
        foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            try
            {
                long n = 0;
                foreach (var line in File.ReadAllLines(Path.Combine(task, "status")))
                    if (line.Contains("ctxt_switches")) n += long.Parse(line.Split(':')[1].Trim());
                result[Path.GetFileName(task)] = n;
            }
            catch (IOException)
            {
                // the thread ended between listing and reading
            }
        }
        return result;
    }
}
