namespace PerpPS.Runtools.Tests;

/// <summary>tinylog on a full disk: it pauses and retries, losing and reordering nothing.</summary>
public sealed class TinylogDiskFullTests : IDisposable
{
    private readonly TempBase _temp = new();

    public void Dispose() => _temp.Dispose();

    [SkippableFact]
    public void Pauses_on_enospc_and_resumes_without_loss_when_space_returns()
    {
        using var fs = new Tmpfs(_temp.Scratch); // skipped where no tmpfs can be mounted
        string dir = Path.Combine(fs.Path, "log");
        string input = LogDir.FiftyByteLines(200);
        using (var p = Proc.Start("tinylog", new[] { "-s", "1000000", dir }))
        {
            p.Write("first\n");
            Wait.Until(() => File.Exists(Path.Combine(dir, "current")) && LogDir.Current(dir) == "first\n", "tinylog started");
            string filler = fs.Fill();

            p.Write(input);
            p.WaitForStderr("pausing on write() error: out of disk space (ENOSPC)");
            Assert.Matches(@"warning: tinylog\[\d+\]: pausing on write\(\) error: out of disk space \(ENOSPC\)", p.Stderr);
            Assert.False(p.HasExited);

            File.Delete(filler);
            Wait.Until(() => LogDir.Current(dir).Length == 6 + input.Length, "all lines written after space returned");
            p.CloseStdin();
            Assert.Equal(0, p.WaitExit());
            Assert.Equal("first\n" + input, LogDir.Current(dir));
        }
    }

    [SkippableFact]
    public void Sigterm_while_paused_on_a_full_disk_ends_with_111()
    {
        using var fs = new Tmpfs(_temp.Scratch);
        string dir = Path.Combine(fs.Path, "log");
        using var p = Proc.Start("tinylog", new[] { "-s", "1000000", dir });
        p.Write("first\n");
        Wait.Until(() => File.Exists(Path.Combine(dir, "current")) && LogDir.Current(dir) == "first\n", "tinylog started");
        fs.Fill();
        p.Write(LogDir.FiftyByteLines(100));
        p.WaitForStderr("pausing on write() error");
        p.Signal(15);
        Assert.Equal(111, p.WaitExit());
        Assert.Matches(@"error: tinylog\[\d+\]: fatal: terminating on signal during failure write\(\) on current: out of disk space \(ENOSPC\)", p.Stderr);
        // Not marked clean: the next tinylog archives it as ".u".
        Assert.Equal((UnixFileMode)0b110_100_100, LogDir.Mode(Path.Combine(dir, "current")));
    }
}
