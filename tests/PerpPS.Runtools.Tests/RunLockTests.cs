using PerpPS.Core.Client;

namespace PerpPS.Runtools.Tests;

/// <summary>runlock: perp's fcntl lock, held by the exec'd program.</summary>
public sealed class RunLockTests : IDisposable
{
    private readonly TempBase _temp = new();
    private string LockPath => Path.Combine(_temp.Scratch, "lock");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_execd_program_holds_the_lock_and_others_are_refused()
    {
        using var holder = Proc.Start("runlock", new[] { "-p", LockPath, "/bin/sh", "-c", "echo held; read x; exit 0" });
        holder.WaitForStdout("held");
        Assert.Equal(holder.Pid, LockProbe.HolderPid(LockPath));
        Assert.Equal(holder.Pid + "\n", File.ReadAllText(LockPath));
        Assert.Equal((UnixFileMode)0b110_100_100, File.GetUnixFileMode(LockPath));

        var busy = Bin.Run("runlock", LockPath, "/bin/echo", "never");
        Assert.Equal(111, busy.ExitCode);
        Assert.Equal($"runlock: fatal: unable to acquire lock on {LockPath}: temporary i/o failure (EAGAIN)\n", busy.Stderr);
        Assert.Equal("", busy.Stdout);

        var quiet = Bin.Run("runlock", "-x", LockPath, "/bin/echo", "never");
        Assert.Equal(0, quiet.ExitCode);
        Assert.Equal("", quiet.Stdout + quiet.Stderr);

        var check = Bin.Run("runlock", "-c", LockPath);
        Assert.Equal(1, check.ExitCode);
        Assert.Equal($"runlock: lock held on {LockPath} by pid {holder.Pid}\n", check.Stderr);
        var q = Bin.Run("runlock", "-cq", LockPath);
        Assert.Equal(1, q.ExitCode);
        Assert.Equal("", q.Stderr);

        holder.CloseStdin();
        Assert.Equal(0, holder.WaitExit());
        var free = Bin.Run("runlock", "-c", LockPath);
        Assert.Equal(0, free.ExitCode);
        Assert.Equal($"runlock: no lock held on {LockPath}\n", free.Stderr);
    }

    [Fact]
    public void B_waits_for_the_lock()
    {
        using var holder = Proc.Start("runlock", new[] { LockPath, "/bin/sh", "-c", "echo held; read x; exit 0" });
        holder.WaitForStdout("held");
        using var waiter = Proc.Start("runlock", new[] { "-b", LockPath, "/bin/echo", "got it" });
        // Blocked in the kernel on the held lock (not merely slow to fail).
        Wait.Until(() => ProcFs.WaitsForLock(waiter.Pid) || waiter.HasExited, "runlock -b to block on the lock");
        Assert.False(waiter.HasExited, "runlock -b gave up instead of waiting: " + waiter.Stderr);
        Assert.True(ProcFs.WaitsForLock(waiter.Pid));
        holder.CloseStdin();
        Assert.Equal(0, waiter.WaitExit());
        Assert.Equal("got it\n", waiter.Stdout);
    }

    [Fact]
    public void Check_on_a_missing_file_is_fatal()
    {
        var r = Bin.Run("runlock", "-c", Path.Combine(_temp.Scratch, "none"));
        Assert.Equal(111, r.ExitCode);
        Assert.Contains("file does not exist (ENOENT)", r.Stderr);
    }
}
