namespace PerpPS.Runtools.Tests;

/// <summary>The example services log through the real tinylog under the real perpd.</summary>
public sealed class ExamplesTests : IDisposable
{
    private readonly TempBase _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Hello_logs_with_timestamps_into_its_log_directory()
    {
        string src = Path.Combine(Repo.Root, "examples", "hello");
        string dir = Path.Combine(_temp.Path, "hello");
        Directory.CreateDirectory(dir);
        foreach (string f in new[] { "rc.main", "rc.log" })
        {
            File.Copy(Path.Combine(src, f), Path.Combine(dir, f));
            File.SetUnixFileMode(Path.Combine(dir, f), (UnixFileMode)0b111_101_101);
        }
        _temp.SetActive("hello", true);
        using var perpd = DaemonProcess.Start(_temp.Path, environment: new Dictionary<string, string?> { ["PATH"] = Bin.SearchPath });
        string current = Path.Combine(dir, "log", "current");
        Wait.Until(() => File.Exists(current) && File.ReadAllText(current).Contains("hello: tick 1"), "hello's output in log/current");
        Assert.Matches(@"^\d{8}T\d{6}\.\d{6}: hello: starting \(pid \d+\)\n", File.ReadAllText(current));
        // tinylog's start line goes to its stderr, which is perpd's.
        Wait.Until(() => perpd.Lines.Any(l => l.Contains("tinylog[") && l.Contains("starting for logging in ./log")),
            "tinylog's start message in perpd's log");
    }
}
