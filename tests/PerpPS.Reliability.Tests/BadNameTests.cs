using System.Text;
using PerpPS.Core.Protocol;

namespace PerpPS.Reliability.Tests;

/// <summary>A base with two running services (one named with a space), a plain file and a directory outside the base.</summary>
public sealed class BadNameBase : IDisposable
{
    public BadNameBase()
    {
        Temp = new TempBase();
        Good = Perp.Id(Temp.AddService("good", Scripts.Forever));
        Spaced = Perp.Id(Temp.AddService("my service", Scripts.Forever));
        File.WriteAllText(Path.Combine(Temp.Path, "afile"), "not a service\n");
        // ../x: a real directory, outside the base, never activated.
        Directory.CreateDirectory(Path.Combine(Temp.Root, "x"));
        Daemon = DaemonProcess.Start(Temp.Path);
        Perp.WaitMainUp(Temp.Path, Good);
        Perp.WaitMainUp(Temp.Path, Spaced);
    }

    public TempBase Temp { get; }
    public DaemonProcess Daemon { get; }
    public ServiceId Good { get; }
    public ServiceId Spaced { get; }

    /// <summary>Everything a misdirected command could change: pids, flags, modes.</summary>
    public string Snapshot()
    {
        var sb = new StringBuilder();
        foreach (var (name, id) in new[] { ("good", Good), ("my service", Spaced) })
        {
            var s = Perp.Status(Temp.Path, id);
            sb.Append($"{name}: pid {s.Main.Pid} flags {s.Flags} main {s.Main.Flags}\n");
        }
        foreach (string entry in Directory.EnumerateFileSystemEntries(Temp.Path).Append(Path.Combine(Temp.Root, "x")).Order())
            sb.Append($"{entry}: {File.GetUnixFileMode(entry)}\n");
        return sb.ToString();
    }

    public void Dispose()
    {
        Daemon.Dispose();
        Temp.Dispose();
    }
}

/// <summary>
/// Every client tool given a bad service name (outside the base, missing, not a
/// directory, with spaces, not UTF-8, empty) answers with perp's clear message and exit
/// code (spec §6.3, §7.2, §8, §9), and nothing changes: no service restarted, stopped or
/// flagged, no mode touched.
/// </summary>
public sealed class BadNameTests(BadNameBase fixture) : IClassFixture<BadNameBase>
{
    public enum Kind { Outside, Missing, NotDirectory }

    /// <summary>Names as raw bytes (so non-UTF-8 ones reach argv unchanged), and what they are.</summary>
    public static readonly TheoryData<string, string, Kind> Cases = Build();

    private static TheoryData<string, string, Kind> Build()
    {
        var names = new (string Bytes, Kind Kind)[]
        {
            ("../x", Kind.Outside),
            ("../nosuch", Kind.Missing),
            ("nosuch", Kind.Missing),
            ("no such service", Kind.Missing),
            ("bad\\377name", Kind.Missing),
            ("caf\\303", Kind.Missing),
            ("", Kind.Missing),
            ("afile", Kind.NotDirectory),
        };
        var data = new TheoryData<string, string, Kind>();
        foreach (string tool in new[] { "perpctl u", "perpctl d", "perpctl t", "perpctl X", "perpls", "perpstat", "perpok -v" })
            foreach (var (bytes, kind) in names)
            {
                // perpctl X on ../x would clear a sticky bit that is already clear: skip the no-op.
                if (tool == "perpctl X" && kind == Kind.Outside) continue;
                data.Add(tool, bytes, kind);
            }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Tool_given_a_bad_name_answers_clearly_and_changes_nothing(string tool, string nameBytes, Kind kind)
    {
        string before = fixture.Snapshot();
        var words = tool.Split(' ');
        var r = RunWithRawName(words[0], words.Skip(1).ToArray(), nameBytes);
        // How the name reads back in the tool's output (bytes that are not UTF-8 decode as U+FFFD).
        string n = Encoding.UTF8.GetString(RawBytes(nameBytes));
        string program = words[0];

        Assert.DoesNotContain("Unhandled exception", r.Stderr);
        (int exit, string stream, string text) expected = (program, kind) switch
        {
            ("perpctl", Kind.Outside) => (111, "err", $"error: {n}: service directory not activated"),
            ("perpctl", Kind.Missing) => (111, "err", $"error: {n}: service directory not found"),
            ("perpctl", Kind.NotDirectory) => (111, "err", $"error: {n}: not a directory"),
            ("perpls", Kind.Outside) => (0, "out", $"[- --- ---]  {n}  (service not activated)"),
            ("perpls", Kind.Missing) => (0, "out", $"[E --- ---]  {n}  error: failure stat() on service directory [ENOENT]"),
            ("perpls", Kind.NotDirectory) => (0, "out", $"[E --- ---]  {n}  error: not a directory [ENOTDIR]"),
            ("perpstat", Kind.Outside) => (0, "out", $"{n}: not activated"),
            ("perpstat", Kind.Missing) => (0, "err", $"{n}: error: service directory not found"),
            ("perpstat", Kind.NotDirectory) => (0, "err", $"{n}: error: not a directory"),
            ("perpok", Kind.Outside) => (1, "err", $"perpok: {n}: fail: service directory {n} not activated"),
            ("perpok", Kind.Missing) => (111, "err", $"perpok fatal: failure stat() on service directory {n}: file does not exist (ENOENT)"),
            ("perpok", Kind.NotDirectory) => (100, "err", $"perpok usage error: argument not a directory: {n}"),
            _ => throw new InvalidOperationException(program),
        };
        Assert.True(r.ExitCode == expected.exit, $"expected exit {expected.exit}: {r}");
        Assert.True((expected.stream == "out" ? r.Stdout : r.Stderr).Contains(expected.text, StringComparison.Ordinal),
            $"expected \"{expected.text}\" on std{expected.stream}: {r}");
        if (program == "perpctl")
            Assert.DoesNotContain(": ok", r.Stderr);
        Assert.Equal(before, fixture.Snapshot());
        Assert.False(fixture.Daemon.HasExited);
    }

    [Fact]
    public void Tools_reach_services_whose_names_have_spaces_or_are_not_UTF8()
    {
        // A real service named with bytes that are not UTF-8: perpd supervises it, and the
        // tools, handed the same bytes, address it (and not some re-encoded other name).
        var r = ToolRunner.Run("/bin/sh", ["-c", """
            d="$1/$(printf 'ok\377svc')"; mkdir "$d" && printf '#!/bin/sh\n[ "$1" = start ] || exit 0\nexec sleep 100000\n' >"$d/rc.main" &&
            chmod 0755 "$d/rc.main" && chmod +t "$d" && kill -HUP "$2"
            """, "sh", fixture.Temp.Path, fixture.Daemon.Pid.ToString()]);
        Assert.Equal(0, r.ExitCode);
        Wait.Until(() => RunWithRawName("perpstat", [], "ok\\377svc").Stdout.Contains("main: up"), "the non-UTF-8 service to run");
        var ctl = RunWithRawName("perpctl", ["c"], "ok\\377svc");
        Assert.True(ctl.ExitCode == 0, ctl.ToString());
        Assert.Contains("ok\uFFFDsvc: ok", ctl.Stderr);
        Assert.Equal(0, RunWithRawName("perpok", ["-u", "0"], "ok\\377svc").ExitCode);

        var spaced = ToolRunner.Run("perpctl", ["-b", fixture.Temp.Path, "c", "my service"]);
        Assert.True(spaced.ExitCode == 0, spaced.ToString());
        Assert.Contains("my service: ok", spaced.Stderr);
    }

    /// <summary>
    /// Runs a tool from inside the base with <c>-b base</c>, the options, then the name made
    /// by printf from <paramref name="nameBytes"/> (octal escapes allowed), so bytes that are
    /// not UTF-8 reach argv exactly.
    /// </summary>
    private ToolResult RunWithRawName(string program, string[] options, string nameBytes)
    {
        var args = new List<string> { "-c", "p=$1; shift; exec \"$p\" \"$@\" \"$(printf \"$NAME_FMT\")\"", "sh", RepoPaths.Program(program), "-b", fixture.Temp.Path };
        args.AddRange(options);
        return ToolRunner.Run("/bin/sh", args, workingDirectory: fixture.Temp.Path,
            environment: new Dictionary<string, string?> { ["NAME_FMT"] = nameBytes.Replace("%", "%%") });
    }

    /// <summary>The bytes printf makes of a name with \ooo escapes.</summary>
    private static byte[] RawBytes(string nameBytes)
    {
        var bytes = new List<byte>();
        for (int i = 0; i < nameBytes.Length; i++)
        {
            if (nameBytes[i] == '\\' && i + 3 < nameBytes.Length && char.IsDigit(nameBytes[i + 1]))
            {
                bytes.Add(Convert.ToByte(nameBytes.Substring(i + 1, 3), 8));
                i += 3;
            }
            else bytes.AddRange(Encoding.UTF8.GetBytes(nameBytes[i].ToString()));
        }
        return bytes.ToArray();
    }
}
