using System.Text;

namespace PerpPS.Daemon.Tests;

/// <summary>Service names are bytes (spec §1.2, edge case 4).</summary>
public sealed class NameTests
{
    [Fact]
    public void Names_with_spaces_and_non_utf8_bytes_reach_argv_byte_for_byte()
    {
        using var b = new TempBase();
        string argvFile = Path.Combine(b.Scratch, "argv");
        // mkdir through the shell: .NET strings cannot name a directory "caf\xe9 =x".
        var r = ToolRunner.Run("/bin/sh", "-c", $$"""
            cd {{b.Path}} && d="$(printf 'caf\351 =x')" && mkdir "$d" && cat > "$d/rc.main" <<'SH'
            #!/bin/sh
            case $1 in start) printf '%s' "$2" > {{argvFile}}; exec sleep 100000 ;; esac
            exit 0
            SH
            chmod +x "$d/rc.main" && chmod +t "$d"
            """);
        Assert.Equal(0, r.ExitCode);
        using var d = DaemonProcess.Start(b.Path);
        Wait.Until(() => File.Exists(argvFile) && new FileInfo(argvFile).Length > 0, "argv recorded");
        Assert.Equal(new byte[] { (byte)'c', (byte)'a', (byte)'f', 0xE9, (byte)' ', (byte)'=', (byte)'x' }, File.ReadAllBytes(argvFile));
        d.WaitForLine("supervising 1 active service");
    }

    [Fact]
    public void Name_longer_than_240_bytes_is_refused_and_retried()
    {
        using var b = new TempBase();
        string name = new('n', 241);
        b.AddService(name, Scripts.Forever);
        using var d = DaemonProcess.Start(b.Path);
        d.WaitForLine($"warning: perpd[{d.Pid}]: service definition directory name error: {name}: file name too long (ENAMETOOLONG)");
        d.WaitForLine($"warning: perpd[{d.Pid}]: pausing on service activation failure...");
        // The pause is followed by another scan and the same warning (perp's ~1.8 Hz loop).
        Wait.Until(() => d.Lines.Count(l => l.Contains("file name too long")) >= 2, "a second attempt");
        // The daemon still serves meanwhile.
        Assert.True(d.IsAnswering());
    }
}
