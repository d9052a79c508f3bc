using System.Text;
using System.Text.RegularExpressions;

namespace PerpPS.Runtools.Tests;

/// <summary>tinylog (spec §12.1, edge case 29) against real files.</summary>
public sealed class TinylogTests : IDisposable
{
    private readonly TempBase _temp = new();
    private string Dir => Path.Combine(_temp.Scratch, "log");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Stores_stamped_cleaned_lines_and_marks_current_clean_at_eof()
    {
        byte[] input = Encoding.UTF8.GetBytes(
            "hello\n\nctl:\u0001\u001bx tab:\there\nutf8: café ünïcødé 日本 del:\u007f\n" + new string('A', 1100) + "\nlast-no-newline");
        var r = Bin.RunBytes("tinylog", new[] { "-t", Dir }, input);

        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"^tinylog\[\d+\]: starting for logging in .*/log \.\.\.", r.Stderr);
        string[] lines = LogDir.Current(Dir).Split('\n');
        Assert.Equal(6, lines.Length); // five lines and the empty rest after the last '\n'
        Assert.Equal("", lines[5]);
        var stamp = new Regex(@"^\d{8}T\d{6}\.\d{6}: ");
        foreach (string l in lines[..5]) Assert.Matches(stamp, l);
        Assert.Equal("hello", lines[0][24..]);
        Assert.Equal("ctl:??x tab:\there", lines[1][24..]);
        // Deliberate fix: UTF-8 passes through intact (perp wrote '?' per byte).
        Assert.Equal("utf8: café ünïcødé 日本 del:\u007f", lines[2][24..]);
        Assert.Equal(1000, Encoding.UTF8.GetByteCount(lines[3]));
        Assert.Equal(new string('A', 976), lines[3][24..]);
        Assert.Equal("last-no-newline", lines[4][24..]);
        Assert.Equal((UnixFileMode)0b111_100_100, LogDir.Mode(Path.Combine(Dir, "current")));
        Assert.Equal(r.Stderr.Length > 0 ? File.ReadAllText(Path.Combine(Dir, "tinylog.pid")).Trim() : "", PidOf(r.Stderr));
    }

    [Fact]
    public void Without_stamps_lines_are_stored_as_they_came()
    {
        var r = Bin.Run("tinylog", new[] { Dir }, stdin: "one\ntwo\n\nthree\n");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("one\ntwo\nthree\n", LogDir.Current(Dir));
    }

    [Fact]
    public void A_line_cut_at_the_limit_keeps_whole_utf8_characters()
    {
        // 999 ASCII bytes then a 2-byte character: the cut at 1000 would split it.
        var r = Bin.Run("tinylog", new[] { Dir }, stdin: new string('x', 999) + "é tail\n");
        Assert.Equal(0, r.ExitCode);
        string stored = LogDir.Current(Dir);
        Assert.Equal(new string('x', 999) + "\n", stored);
    }

    [Fact]
    public void Rotates_before_the_size_limit_and_keeps_numkeep_archives()
    {
        var r = Bin.Run("tinylog", new[] { "-k", "2", "-s", "1", Dir }, stdin: LogDir.FiftyByteLines(300));
        Assert.Equal(0, r.ExitCode);

        var archives = LogDir.Archives(Dir);
        Assert.Equal(2, archives.Count);
        foreach (string a in archives)
        {
            Assert.True(LogDir.IsArchiveName(a), a);
            Assert.EndsWith(".s", a);
            // -s 1 becomes 2000; a file never reaches the limit: 39 lines of 50 bytes.
            Assert.Equal(1950, new FileInfo(Path.Combine(Dir, a)).Length);
            Assert.Equal((UnixFileMode)0b110_100_100, LogDir.Mode(Path.Combine(Dir, a)));
        }
        // 300 = 7 × 39 + 27: the last archive ends with line 273, current holds 274..300.
        string last = File.ReadAllText(Path.Combine(Dir, archives[1]));
        Assert.EndsWith(273.ToString("D49") + "\n", last);
        Assert.Equal(LogDir.FiftyByteLines(27, 274), LogDir.Current(Dir));
    }

    [Fact]
    public void Prunes_every_excess_archive_in_one_rotation()
    {
        Assert.Equal(0, Bin.Run("tinylog", new[] { "-k", "9", "-s", "2000", Dir }, stdin: LogDir.FiftyByteLines(250)).ExitCode);
        Assert.Equal(6, LogDir.Archives(Dir).Count);
        var newest = LogDir.Archives(Dir)[^1];

        // Lowering -k to 1: perp crashed here (double free); PerpPS removes all five extra.
        var r = Bin.Run("tinylog", new[] { "-k", "1", "-s", "2000", Dir }, stdin: LogDir.FiftyByteLines(40));
        Assert.Equal(0, r.ExitCode);
        var left = LogDir.Archives(Dir);
        Assert.Single(left);
        Assert.True(string.CompareOrdinal(left[0], newest) > 0, "the one kept is the newest");
        Assert.True(File.Exists(Path.Combine(Dir, "current")));
    }

    [Fact]
    public void Numkeep_zero_keeps_no_archive()
    {
        var r = Bin.Run("tinylog", new[] { "-k", "0", "-s", "2000", Dir }, stdin: LogDir.FiftyByteLines(100));
        Assert.Equal(0, r.ExitCode);
        Assert.Empty(LogDir.Archives(Dir));
        Assert.Equal(LogDir.FiftyByteLines(100 - 78, 79), LogDir.Current(Dir));
    }

    [Fact]
    public void Compresses_archives_with_gzip()
    {
        var r = Bin.Run("tinylog", new[] { "-z", "-k", "5", "-s", "2000", Dir }, stdin: LogDir.FiftyByteLines(100));
        Assert.Equal(0, r.ExitCode);
        var archives = LogDir.Archives(Dir);
        Assert.Equal(2, archives.Count);
        var text = new StringBuilder();
        foreach (string a in archives)
        {
            Assert.EndsWith(".s.Z", a);
            Assert.Equal((UnixFileMode)0b110_100_100, LogDir.Mode(Path.Combine(Dir, a)));
            using var gz = new System.IO.Compression.GZipStream(File.OpenRead(Path.Combine(Dir, a)), System.IO.Compression.CompressionMode.Decompress);
            using var reader = new StreamReader(gz);
            text.Append(reader.ReadToEnd());
        }
        text.Append(LogDir.Current(Dir));
        Assert.Equal(LogDir.FiftyByteLines(100), text.ToString());
        Assert.False(File.Exists(Path.Combine(Dir, "zipped")));
    }

    [Fact]
    public void Compressor_comes_from_TINYLOG_ZIP()
    {
        string zip = Path.Combine(_temp.Scratch, "fakezip");
        TempBase.WriteScript(zip, "echo compressed-by-fakezip; cat\n");
        var env = new Dictionary<string, string?> { ["TINYLOG_ZIP"] = zip };
        var r = Bin.Run("tinylog", new[] { "-z", "-s", "2000", Dir }, env: env, stdin: LogDir.FiftyByteLines(50));
        Assert.Equal(0, r.ExitCode);
        string archive = Assert.Single(LogDir.Archives(Dir));
        Assert.StartsWith("compressed-by-fakezip\n", File.ReadAllText(Path.Combine(Dir, archive)));
    }

    [Fact]
    public void An_unclean_current_is_archived_as_u_and_a_clean_one_appended_to()
    {
        Directory.CreateDirectory(Dir);
        string current = Path.Combine(Dir, "current");
        File.WriteAllText(current, "left active\n");
        File.SetUnixFileMode(current, (UnixFileMode)0b110_100_100);
        Assert.Equal(0, Bin.Run("tinylog", new[] { Dir }, stdin: "first\n").ExitCode);
        string u = Assert.Single(LogDir.Archives(Dir));
        Assert.EndsWith(".u", u);
        Assert.Equal("left active\n", File.ReadAllText(Path.Combine(Dir, u)));

        Assert.Equal(0, Bin.Run("tinylog", new[] { Dir }, stdin: "second\n").ExitCode);
        Assert.Equal("first\nsecond\n", LogDir.Current(Dir));
        Assert.Single(LogDir.Archives(Dir));

        // -r archives the cleanly closed current as .s, keeping its 0744 mode.
        Assert.Equal(0, Bin.Run("tinylog", new[] { "-r", Dir }, stdin: "third\n").ExitCode);
        var archives = LogDir.Archives(Dir);
        Assert.Equal(2, archives.Count);
        Assert.EndsWith(".s", archives[1]);
        Assert.Equal("first\nsecond\n", File.ReadAllText(Path.Combine(Dir, archives[1])));
        Assert.Equal((UnixFileMode)0b111_100_100, LogDir.Mode(Path.Combine(Dir, archives[1])));
        Assert.Equal("third\n", LogDir.Current(Dir));
    }

    [Fact]
    public void Sigterm_ends_like_eof_and_sighup_rotates_at_the_next_line()
    {
        using var p = Proc.Start("tinylog", new[] { Dir });
        p.Write("before hup\n");
        Wait.Until(() => File.Exists(Path.Combine(Dir, "current")) && LogDir.Current(Dir) == "before hup\n", "first line stored");
        Assert.Equal((UnixFileMode)0b110_100_100, LogDir.Mode(Path.Combine(Dir, "current")));

        p.Signal(1);
        Thread.Sleep(300); // deferred: nothing may happen until the next line arrives
        Assert.Empty(LogDir.Archives(Dir));
        p.Write("after hup\n");
        Wait.Until(() => LogDir.Archives(Dir).Count == 1 && LogDir.Current(Dir) == "after hup\n", "rotation on the next line");
        Assert.Equal("before hup\n", File.ReadAllText(Path.Combine(Dir, LogDir.Archives(Dir)[0])));

        p.Signal(15);
        Assert.Equal(0, p.WaitExit());
        Assert.Equal((UnixFileMode)0b111_100_100, LogDir.Mode(Path.Combine(Dir, "current")));
        Assert.Equal("after hup\n", LogDir.Current(Dir));
    }

    [Fact]
    public void A_second_tinylog_on_the_same_directory_is_refused()
    {
        using var first = Proc.Start("tinylog", new[] { Dir });
        first.Write("x\n");
        Wait.Until(() => File.Exists(Path.Combine(Dir, "current")) && LogDir.Current(Dir) == "x\n", "first logger running");
        var second = Bin.Run("tinylog", new[] { Dir }, stdin: "y\n");
        Assert.Equal(111, second.ExitCode);
        Assert.Matches(@"error: tinylog\[\d+\]: fatal: failure on lock file tinylog.pid: temporary i/o failure \(EAGAIN\)", second.Stderr);
        Assert.Equal(first.Pid.ToString(), File.ReadAllText(Path.Combine(Dir, "tinylog.pid")).Trim());
        first.CloseStdin();
        Assert.Equal(0, first.WaitExit());
    }

    [Theory]
    [InlineData(new[] { "-x", "d" }, "usage error: invalid option -x")]
    [InlineData(new[] { "-k" }, "usage error: missing argument for option -k")]
    [InlineData(new[] { "-s", "big", "d" }, "usage error: bad numeric argument for -s: big")]
    public void Usage_errors_exit_100(string[] args, string message)
    {
        var r = Bin.Run("tinylog", args, cwd: _temp.Scratch);
        Assert.Equal(100, r.ExitCode);
        Assert.Matches(@"^error: tinylog\[\d+\]: " + Regex.Escape(message) + "\n", r.Stderr);
        Assert.Contains("usage: tinylog [-hV] [-k numkeep] [-r] [-s logsize] [-t] [-z] dir\n", r.Stderr);
    }

    [Fact]
    public void Version_and_help()
    {
        var v = Bin.Run("tinylog", "-V");
        Assert.Equal(0, v.ExitCode);
        Assert.Equal("tinylog: version: 2.07\n", v.Stderr);
        var h = Bin.Run("tinylog", "-h");
        Assert.Equal(0, h.ExitCode);
        Assert.StartsWith("usage: tinylog", h.Stderr);
    }

    [Fact]
    public void An_unusable_directory_is_fatal()
    {
        string file = Path.Combine(_temp.Scratch, "plainfile");
        File.WriteAllText(file, "");
        var r = Bin.Run("tinylog", new[] { file }, stdin: "x\n");
        Assert.Equal(111, r.ExitCode);
        Assert.Contains("fatal: failure chdir() to " + file + ": not a directory (ENOTDIR)", r.Stderr);
    }

    private static string PidOf(string stderr) => Regex.Match(stderr, @"tinylog\[(\d+)\]").Groups[1].Value;
}
