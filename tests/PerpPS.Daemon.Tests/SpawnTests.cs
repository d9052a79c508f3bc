using PerpPS.Core.Protocol;

namespace PerpPS.Daemon.Tests;

/// <summary>What every runscript receives (spec §3.2–§3.3), recorded by the scripts themselves.</summary>
public sealed class SpawnTests
{
    /// <summary>A runscript that writes what it sees, one KEY=VALUE per line, into DIR/TARGET.PHASE.</summary>
    private static string Recorder(string scratch, string tail) => $$"""
        rec={{scratch}}/$1.$(basename $0)
        fds=$(for fd in /proc/$$/fd/*; do echo "fd$(basename $fd)=$(readlink $fd)"; done)
        {
          echo "argv0=$0"
          echo "argc=$#"
          i=1; for a in "$@"; do echo "arg$i=$a"; i=$((i+1)); done
          echo "pid=$$"
          echo "cwd=$(pwd -P)"
          echo "umask=$(umask)"
          ( s=$(cat /proc/$$/stat); s=${s##*) }; set -- $s; echo "ppid=$2"; echo "pgid=$3"; echo "sid=$4" )
          grep -E '^(SigBlk|SigIgn):' /proc/$$/status | tr -d '\t' | sed 's/:/=/'
          echo "$fds"
          env | sed 's/^/env:/'
        } > "$rec.tmp"
        mv "$rec.tmp" "$rec"
        {{tail}}
        """;

    private static Dictionary<string, string> Read(string path)
    {
        Wait.Until(() => File.Exists(path), "record " + path);
        var d = new Dictionary<string, string>();
        foreach (var line in File.ReadAllLines(path))
        {
            int eq = line.IndexOf('=');
            if (eq > 0) d[line[..eq]] = line[(eq + 1)..];
        }
        return d;
    }

    [Fact]
    public void Start_gets_perps_argv_environment_cwd_session_and_descriptors()
    {
        using var b = new TempBase();
        string dir = b.AddService("recorder",
            Recorder(b.Scratch, "case $1 in start) exec sleep 1000;; esac; exit 0"),
            rcLog: "#!/bin/sh\n" + Recorder(b.Scratch, "case $1 in start) exec cat > /dev/null;; esac; exit 0"));
        using var d = DaemonProcess.Start(b.Path, environment: new Dictionary<string, string?> { ["PERPPS_MARK"] = "kept", ["PERP_SVSECS"] = null });
        int mainPid = Perp.WaitMainUp(b.Path, "recorder");

        var main = Read(Path.Combine(b.Scratch, "start.rc.main"));
        Assert.Equal("./rc.main", main["argv0"]);
        Assert.Equal("2", main["argc"]);
        Assert.Equal("start", main["arg1"]);
        Assert.Equal("recorder", main["arg2"]);
        Assert.Equal(mainPid.ToString(), main["pid"]);
        Assert.Equal(Path.GetFullPath(dir), main["cwd"]);
        // pid = pgid = sid: a session of its own, child of perpd.
        Assert.Equal(main["pid"], main["pgid"]);
        Assert.Equal(main["pid"], main["sid"]);
        Assert.Equal(d.Pid.ToString(), main["ppid"]);
        Assert.Equal("0000000000000000", main["SigBlk"]);
        Assert.Equal("0000000000000000", main["SigIgn"]);
        // Environment: perpd's plus PERP_BASE and PERP_SVPID (its own pid); no SVSECS for a start.
        Assert.Equal(b.Path, main["env:PERP_BASE"]);
        Assert.Equal(main["pid"], main["env:PERP_SVPID"]);
        Assert.Equal("kept", main["env:PERPPS_MARK"]);
        Assert.False(main.ContainsKey("env:PERP_SVSECS"));
        // Descriptors: 0 /dev/null, 1 the log pipe, 2 perpd's stderr, and nothing else but
        // the one the recording shell itself holds open for its redirection (fd 255 or 3+).
        Assert.Equal("/dev/null", main["fd0"]);
        Assert.StartsWith("pipe:", main["fd1"]);
        Assert.Equal(ReadLink($"/proc/{d.Pid}/fd/2"), main["fd2"]);

        var log = Read(Path.Combine(b.Scratch, "start.rc.log"));
        Assert.Equal("./rc.log", log["argv0"]);
        Assert.Equal("recorder", log["arg2"]);
        Assert.Equal(main["fd1"], log["fd0"]); // the very same pipe
        Assert.Equal(ReadLink($"/proc/{d.Pid}/fd/1"), log["fd1"]);
        Assert.Equal(log["pid"], log["sid"]);

        // Only fds 0-2 are inherited: the live process (sleep, exec'd by rc.main) proves it,
        // once rc.main has got that far (its recording shell holds a descriptor of its own).
        Wait.Until(() => IsSleep(mainPid), "rc.main exec'd sleep");
        var fds = Directory.GetFiles($"/proc/{mainPid}/fd").Select(f => Path.GetFileName(f)!).OrderBy(x => x).ToArray();
        Assert.Equal(["0", "1", "2"], fds);
        int logPid = Perp.WaitLogUp(b.Path, "recorder");
        Wait.Until(() => File.ReadAllText($"/proc/{logPid}/cmdline").StartsWith("cat\0"), "rc.log exec'd cat");
        fds = Directory.GetFiles($"/proc/{logPid}/fd").Select(f => Path.GetFileName(f)!).OrderBy(x => x).ToArray();
        Assert.Equal(["0", "1", "2"], fds);
    }

    [Fact]
    public void Runscripts_inherit_the_callers_umask_and_no_extra_variables()
    {
        using var b = new TempBase();
        b.AddService("plain", Recorder(b.Scratch, "case $1 in start) exec sleep 1000;; esac; exit 0"));
        using var d = DaemonProcess.Start(b.Path);
        Perp.WaitMainUp(b.Path, "plain");
        var main = Read(Path.Combine(b.Scratch, "start.rc.main"));
        // perpd restores the umask it was started with after making .control (decision, §2.2 step 6).
        Assert.Equal(CurrentUmask(), main["umask"]);
        var perpVars = main.Keys.Where(k => k.StartsWith("env:PERP_")).OrderBy(k => k).ToArray();
        Assert.Equal(["env:PERP_BASE", "env:PERP_SVPID"], perpVars);
        // Without a log, fd 1 is perpd's stdout.
        Assert.Equal(ReadLink($"/proc/{d.Pid}/fd/1"), main["fd1"]);
    }

    [Fact]
    public void Start_and_reset_get_perpds_environment_exactly_and_clean_signals()
    {
        // The runscript's environment as the kernel handed it to exec (/proc/PID/environ):
        // perpd's own, entries a shell would drop (a-b=1) and perpd's PWD included, plus perp's
        // variables; signals 1-64 at their defaults (real-time 32 and 33 too) in start and reset.
        using var b = new TempBase();
        b.AddService("exact", $$"""
            rec={{b.Scratch}}/$1
            tr '\0' '\n' < /proc/$$/environ > "$rec.env"
            tr '\0' ' ' < /proc/$$/cmdline > "$rec.cmdline"
            grep -E '^(SigBlk|SigIgn):' /proc/$$/status | tr -d '\t' | sed 's/:/=/' > "$rec.sig"
            echo "$$" > "$rec.pid.tmp"; mv "$rec.pid.tmp" "$rec.pid"
            case $1 in start) exec sleep 1000;; esac; exit 0
            """);
        using var d = DaemonProcess.Start(b.Path, environment: new Dictionary<string, string?> { ["a-b"] = "1", ["PWD"] = "/perpd/own/pwd" });
        int pid = Perp.WaitMainUp(b.Path, "exact");
        string start = Path.Combine(b.Scratch, "start");
        Wait.Until(() => File.Exists(start + ".pid"), "start recorded");
        var env = File.ReadAllLines(start + ".env");
        Assert.Contains("a-b=1", env);
        Assert.Contains("PWD=/perpd/own/pwd", env);
        Assert.Contains("PERP_SVPID=" + pid, env);
        Assert.Equal(1, env.Count(e => e.StartsWith("PERP_SVPID=")));
        Assert.Equal("/bin/sh ./rc.main start exact ", File.ReadAllText(start + ".cmdline"));
        AssertCleanSignals(start + ".sig");

        Assert.Equal(0, Perp.Command(b.Path, "exact", 'd'));
        string reset = Path.Combine(b.Scratch, "reset");
        Wait.Until(() => File.Exists(reset + ".pid"), "reset recorded");
        env = File.ReadAllLines(reset + ".env");
        Assert.Contains("a-b=1", env);
        Assert.Contains("PERP_SVPID=" + pid, env);
        Assert.Equal("/bin/sh ./rc.main reset exact signal 15 SIGTERM ", File.ReadAllText(reset + ".cmdline"));
        AssertCleanSignals(reset + ".sig");
    }

    private static bool IsSleep(int pid) => File.ReadAllText($"/proc/{pid}/cmdline").StartsWith("sleep\0");

    private static void AssertCleanSignals(string path)
    {
        var sig = File.ReadAllLines(path).Select(l => l.Split('=')).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal("0000000000000000", sig["SigIgn"]);
        Assert.Equal("0000000000000000", sig["SigBlk"]);
    }

    private static string CurrentUmask()
    {
        var r = ToolRunner.Run("/bin/sh", "-c", "umask");
        return r.Stdout.Trim();
    }

    private static string ReadLink(string path) => new FileInfo(path).LinkTarget ?? "";
}
