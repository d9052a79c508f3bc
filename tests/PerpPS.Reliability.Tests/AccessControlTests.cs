using PerpPS.Core.Client;
using PerpPS.Core.Posix;

namespace PerpPS.Reliability.Tests;

/// <summary>
/// Who may use the control socket (spec §1.4, §2.1 -g): by default only perpd's own uid
/// (socket mode 0700); with <c>-g GROUP</c> the socket is GROUP's with mode 0770, so the
/// group's members may, and nobody else. The test makes two accounts and runs the real
/// clients as them (TestAccounts: removed again at the end). (The control directory itself is made 0750 root:GROUP beforehand,
/// as an administrator does when they share the socket: perpd makes it 0700 otherwise.)
/// </summary>
public sealed class AccessControlTests
{
    private const string Group = "perpps-rel";
    private const string Member = "perpps-rel-in";
    private const string Outsider = "perpps-rel-out";

    [SkippableFact]
    public void Second_uid_cannot_use_the_socket_unless_perpd_was_started_with_its_group()
    {
        using var accounts = new TestAccounts();
        int gid = accounts.AddGroup(Group);
        accounts.AddUser(Member, null, Group);
        accounts.AddUser(Outsider);
        using var tb = new TempBase();
        // The clients must reach the base at all: the temp root is 0700.
        File.SetUnixFileMode(tb.Root, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(tb.Path, (UnixFileMode)0b111_101_101);
        string control = Path.Combine(tb.Path, ".control");
        Directory.CreateDirectory(control);
        Assert.Equal(0, ToolRunner.Run("/bin/chown", "root:" + Group, control).ExitCode);
        File.SetUnixFileMode(control, (UnixFileMode)0b111_101_000);
        var id = Perp.Id(tb.AddService("svc", Scripts.Forever));

        uint pid;
        using (var daemon = DaemonProcess.Start(tb.Path))
        {
            pid = Perp.WaitMainUp(tb.Path, id);
            foreach (string user in new[] { Member, Outsider })
            {
                var ls = TestAccounts.RunAs(user, "perpls", "-b", tb.Path, "svc");
                Assert.True(ls.ExitCode == 111, $"perpls as {user} without -g: {ls}");
                Assert.Contains("access denied (EACCES)", ls.Stderr);
                var ctl = TestAccounts.RunAs(user, "perpctl", "-b", tb.Path, "d", "svc");
                Assert.True(ctl.ExitCode == 111, $"perpctl as {user} without -g: {ctl}");
                Assert.Contains("access denied (EACCES)", ctl.Stderr);
            }
            // Nothing changed: the service still runs with the same pid.
            Assert.Equal(pid, Perp.Status(tb.Path, id).Main.Pid);
            Assert.Equal(0, ToolRunner.Run("perpls", "-b", tb.Path, "svc").ExitCode);
        }

        using (var daemon = DaemonProcess.Start(tb.Path, ["-g", Group]))
        {
            pid = Perp.WaitMainUp(tb.Path, id);
            var socket = FileStatus.Stat(PerpPaths.ControlSocket(tb.Path));
            Assert.Equal(0b111_111_000u, socket.Mode & 0x1ff);
            Assert.Equal((uint)gid, socket.Gid);

            var ls = TestAccounts.RunAs(Member, "perpls", "-b", tb.Path, "svc");
            Assert.True(ls.ExitCode == 0, $"perpls as a member of the -g group: {ls}");
            // perpls shows a main younger than half a second as "want up": ask until it is older.
            Wait.Until(() => TestAccounts.RunAs(Member, "perpls", "-b", tb.Path, "svc").Stdout.Contains($"pids: {pid}/-"),
                "the member's perpls to show the service's pid");
            var ctl = TestAccounts.RunAs(Member, "perpctl", "-b", tb.Path, "c", "svc");
            Assert.True(ctl.ExitCode == 0, $"perpctl as a member of the -g group: {ctl}");
            Assert.Contains("svc: ok", ctl.Stderr);

            var outsider = TestAccounts.RunAs(Outsider, "perpctl", "-b", tb.Path, "d", "svc");
            Assert.True(outsider.ExitCode == 111, $"perpctl as a non-member with -g: {outsider}");
            Assert.Contains("access denied (EACCES)", outsider.Stderr);
            Assert.Equal(pid, Perp.Status(tb.Path, id).Main.Pid);
        }
    }
}
