using System.Text;

namespace PerpPS.Tools.Tests;

/// <summary>Awkward service names: spaces, non-UTF-8 bytes, paths leaving the base (spec §1.2, §6.3).</summary>
public class NamesEndToEndTests
{
    [Fact]
    public void Names_with_spaces_and_non_utf8_bytes_work_as_given()
    {
        using var perp = Perp.Create(b => b.AddService("my service", Perp.Sleeper));
        using var cleanup = new NonUtf8Cleanup(perp);
        // "caf\xe9": made by the shell, since .NET strings cannot hold the raw byte.
        var mk = ToolRunner.Run("/bin/sh", ["-c", "mkdir \"$(printf 'caf\\351')\" && printf '#!/bin/sh\\n[ \"$1\" = start ] && exec sleep 100000\\nexit 0\\n' > \"$(printf 'caf\\351')/rc.main\" && chmod 755 \"$(printf 'caf\\351')/rc.main\" && chmod +t \"$(printf 'caf\\351')\""], perp.Path);
        Assert.Equal(0, mk.ExitCode);
        perp.Start();
        perp.WaitLs("my service", @"^\[\+ \+\+\+ ---\]  my service  uptime: \d+s/-s  pids: \d+/-$");

        var d = perp.Run("perpctl", "d", "my service");
        Assert.Equal((0, "my service: ok\n"), (d.ExitCode, d.Stderr));
        perp.WaitLs("my service", @"^\[\+ \.\.\. ---\]");

        byte[] cafe = [0x63, 0x61, 0x66, 0xe9];
        (int, byte[], byte[]) listing = (0, [], []);
        Wait.Until(() => (listing = Tools.RunRaw("perpls", perp.Path, "\"$(printf 'caf\\351')\"")).Item2.AsSpan().IndexOf("+++"u8) > 0,
            "the non-UTF-8 service up");
        Assert.Equal(0, listing.Item1);
        byte[] prefix = [.. "[+ +++ ---]  "u8, .. cafe, .. "  uptime: "u8];
        Assert.Equal(prefix, listing.Item2[..prefix.Length]);

        var ctl = Tools.RunRaw("perpctl", perp.Path, "d \"$(printf 'caf\\351')\"");
        Assert.Equal(0, ctl.ExitCode);
        Assert.Equal(cafe.Concat(": ok\n"u8.ToArray()).ToArray(), ctl.Stderr);

        var stat = Tools.RunRaw("perpstat", perp.Path, "\"$(printf 'caf\\351')\"");
        Assert.Equal(cafe.Concat(": activated "u8.ToArray()).ToArray(), stat.Stdout[..16]);

        // The whole-base listing prints the raw name too, names sorted byte-wise.
        var all = Tools.RunRaw("perpls", perp.Path, "");
        string text = Encoding.Latin1.GetString(all.Stdout);
        Assert.Equal("[+ ... ---]  caf\u00e9        uptime: -s/-s  pids: -/-\n[+ ... ---]  my service  uptime: -s/-s  pids: -/-\n", text);
    }

    [Fact]
    public void Bad_names_give_perp_errors_and_change_nothing()
    {
        using var perp = Perp.Create(b =>
        {
            b.AddService("sv", Perp.Sleeper);
            Directory.CreateDirectory(Path.Combine(b.Root, "outside"));
        }).Start();
        string before = perp.WaitLs("sv", @"^\[\+ \+\+\+ ---\]  sv  uptime: [1-9]");
        var r = perp.Run("perpctl", "d", "../outside", "../x", "sv/rc.main", "rc.main", "s v", "");
        Assert.Equal(111, r.ExitCode);
        Assert.Equal(
            "error: ../outside: service directory not activated\n" +
            "error: ../x: service directory not found\n" +
            "error: sv/rc.main: not a directory\n" +
            "error: rc.main: service directory not found\n" +
            "error: s v: service directory not found\n" +
            "error: : service directory not found\n", r.Stderr);
        // A sticky directory outside the base is no service of this perpd.
        File.SetUnixFileMode(Path.Combine(perp.Base.Root, "outside"), (UnixFileMode)0b1_111_101_101);
        var outside = perp.Run("perpctl", "d", "../outside");
        Assert.Equal((111, "error: ../outside: error reported in reply: file does not exist (ENOENT)\n"), (outside.ExitCode, outside.Stderr));

        string after = perp.Ls("sv");
        Assert.Equal(Perp.MainPid(before), Perp.MainPid(after));
        Assert.StartsWith("[+ +++ ---]", after);
    }

    [Fact]
    public void A_symlink_to_a_service_is_the_same_service()
    {
        // Edge case 5: stat follows the link, so both names carry the same dev/ino.
        using var perp = Perp.Create(b =>
        {
            b.AddService("sleeper", Perp.Sleeper);
            File.CreateSymbolicLink(Path.Combine(b.Path, "alias"), "sleeper");
        }).Start();
        string line = perp.WaitLs("sleeper", @"^\[\+ \+\+\+ ---\]");
        var all = perp.Run("perpls").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, all.Length);
        Assert.StartsWith("[+ +++ ---]  alias    uptime: ", all[0]);
        Assert.Equal(Perp.MainPid(line), Perp.MainPid(all[0]));
        Assert.Equal(Perp.MainPid(line), Perp.MainPid(all[1]));
        var d = perp.Run("perpctl", "d", "alias");
        Assert.Equal((0, "alias: ok\n"), (d.ExitCode, d.Stderr));
        perp.WaitLs("sleeper", @"^\[\+ \.\.\. ---\]");
    }

    /// <summary>
    /// Removes the non-UTF-8 directory with the shell before the base is deleted: .NET sees
    /// its name with U+FFFD and could not remove it (nor, then, the temp directory).
    /// </summary>
    private sealed class NonUtf8Cleanup(Perp perp) : IDisposable
    {
        public void Dispose()
        {
            perp.StopDaemon();
            ToolRunner.Run("/bin/sh", ["-c", "rm -rf \"$(printf 'caf\\351')\""], perp.Path);
        }
    }
}
