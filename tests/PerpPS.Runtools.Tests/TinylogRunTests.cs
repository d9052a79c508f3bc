namespace PerpPS.Runtools.Tests;

/// <summary>tinylog_run (spec §12.2): tinylog as the configured user in TINYLOG_BASE/SUBDIR.</summary>
public sealed class TinylogRunTests : IDisposable
{
    private readonly TempBase _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Runs_tinylog_as_the_configured_user_in_its_own_directory()
    {
        // nobody must be able to reach the log base.
        File.SetUnixFileMode(_temp.Root, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(_temp.Scratch, (UnixFileMode)0b111_101_101);
        string logBase = Path.Combine(_temp.Scratch, "logs");
        string conf = Path.Combine(_temp.Scratch, "tinylog.conf");
        File.WriteAllText(conf, $"TINYLOG_USER=nobody\nTINYLOG_BASE={logBase}\nTINYLOG_OPTS=\"-k 3 -t\"\n");
        var env = new Dictionary<string, string?> { ["TINYLOG_CONF"] = conf };
        var r = Bin.Run(Bin.Path("tinylog_run"), new[] { "mysvc" }, env: env, stdin: "logged by nobody\n");
        Assert.True(r.ExitCode == 0, r.ToString());

        string dir = Path.Combine(logBase, "mysvc");
        Assert.Equal((UnixFileMode)0b111_101_101, LogDir.Mode(dir));
        var st = PerpPS.Core.Posix.FileStatus.Stat(Path.Combine(dir, "current"));
        Assert.Equal(65534u, st.Uid); // written by tinylog running as nobody
        Assert.Matches(@"^\d{8}T\d{6}\.\d{6}: logged by nobody\n$", LogDir.Current(dir));

        var usage = Bin.Run(Bin.Path("tinylog_run"), Array.Empty<string>(), env: env);
        Assert.Equal(1, usage.ExitCode);
        Assert.Matches(@"^tinylog_run\(\d+\): failure: ", usage.Stderr);
    }
}
