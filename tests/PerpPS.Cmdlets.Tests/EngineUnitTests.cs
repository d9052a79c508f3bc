using PerpPS.Cmdlets.Engine;
using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets.Tests;

/// <summary>The module's pure logic, without processes: perpls's panel and status rules, rc.log parsing, quoting.</summary>
public class EngineUnitTests
{
    private static readonly Tai64N Now = Tai64N.FromUnix(1_800_000_000, 0);

    private static SubserviceStatus Sub(uint pid, double ageSeconds, SubserviceFlags flags = SubserviceFlags.None) =>
        new(pid, Now.AddNanoseconds(-(long)(ageSeconds * 1e9)), flags);

    [Theory]
    [InlineData(100u, 5.0, SubserviceFlags.None, "+++", "Up")]
    [InlineData(0u, 5.0, SubserviceFlags.WantDown, "...", "Down")]
    [InlineData(0u, 5.0, SubserviceFlags.None, "!..", "Starting")]
    [InlineData(100u, 0.4, SubserviceFlags.None, "!..", "Starting")]
    [InlineData(100u, 0.5, SubserviceFlags.None, "!..", "Starting")]
    [InlineData(100u, 0.6, SubserviceFlags.None, "+++", "Up")]
    [InlineData(100u, 5.0, SubserviceFlags.IsOnce, "+o+", "Up")]
    [InlineData(100u, 5.0, SubserviceFlags.IsOnce | SubserviceFlags.IsPaused, "+op", "Paused")]
    [InlineData(100u, 0.1, SubserviceFlags.IsReset, "++r", "Resetting")]
    [InlineData(100u, 5.0, SubserviceFlags.IsReset | SubserviceFlags.WantDown, "!+r", "Resetting")]
    [InlineData(100u, 5.0, SubserviceFlags.WantDown, "!++", "Stopping")]
    public void Panel_triplet_and_status_follow_perpls(uint pid, double age, SubserviceFlags flags, string triplet, string status)
    {
        // (The status is given by name: xunit discovers data before the module assembly can be resolved.)
        var view = SubserviceView.Of(Sub(pid, age, flags), Now);
        Assert.Equal(triplet, view.Triplet);
        Assert.Equal(status, view.Status.ToString());
    }

    [Fact]
    public void Service_panel_shows_cull_and_cycle_and_the_log_triplet()
    {
        var record = new StatusRecord(1, Now, Now, ServiceFlags.Active | ServiceFlags.HasLog | ServiceFlags.Cull | ServiceFlags.Cycle,
            Sub(100, 5, SubserviceFlags.IsReset | SubserviceFlags.WantDown), Sub(0, 5, SubserviceFlags.IsLog | SubserviceFlags.WantDown));
        var s = new PerpService { Name = "x" };
        ServiceReader.ApplyStatus(s, ExtendedStatus.FromV2(default, record), Now);
        Assert.Equal("[R !+r ...]", s.Panel);
        Assert.Equal(PerpServiceStatus.Reactivating, s.Status);
        Assert.Equal(PerpServiceStatus.Down, s.Log!.Status);
    }

    [Fact]
    public void Services_of_one_bulk_read_each_keep_their_own_row_of_the_shared_table()
    {
        ExtendedStatus Row(ulong ino, uint pid) => ExtendedStatus.FromV2(new ServiceId(1, ino),
            new StatusRecord(7, Now, Now, ServiceFlags.Active, Sub(pid, 5), default));
        var table = new StatusTable(3, "/nonexistent-base", usageLater: false);
        var services = new PerpService[3];
        for (int i = 0; i < 3; i++)
        {
            table.Set(i, Row(100 + (ulong)i, 0));
            services[i] = new PerpService { Name = $"s{i}" };
        }
        // A row read again (ReadServices asks again for a mount point) replaces only that row.
        table.Set(1, Row(201, 4242));
        for (int i = 0; i < 3; i++) ServiceReader.ApplyStatus(services[i], table, i, Now);

        Assert.Equal([100ul, 201ul, 102ul], services.Select(s => s.Extended!.Value.Id.Inode));
        Assert.Equal([0u, 4242u, 0u], services.Select(s => s.Record!.Value.Main.Pid));
        Assert.Equal(["[+ !.. ---]", "[+ +++ ---]", "[+ !.. ---]"], services.Select(s => s.Panel));

        // A status set on its own is the object's alone: the table changing leaves it be.
        services[0].Extended = table[1];
        table.Set(1, Row(301, 1));
        Assert.Equal(201ul, services[0].Extended!.Value.Id.Inode);
        Assert.Equal(301ul, services[1].Extended!.Value.Id.Inode);
    }

    [Theory]
    [InlineData("exec tinylog ./log", "./log")]
    [InlineData("exec /usr/bin/tinylog -k 3 -s 2000 -t /var/log/web", "/var/log/web")]
    [InlineData("exec tinylog -t -k5 \"my logs\"", "my logs")]
    [InlineData("    exec '/opt/bin/tinylog' -rt -- -odd", "-odd")]
    [InlineData("# exec tinylog commented", null)]
    [InlineData("exec sissylog web", null)]
    [InlineData("exec runuid nobody tinylog -s 5000 logdir", "logdir")]
    public void Log_directory_is_the_operand_of_tinylog_in_rc_log(string line, string? dir) =>
        Assert.Equal(dir, LogDirectoryLocator.FromLine(line));

    [Theory]
    [InlineData("/usr/bin/tinylog", "/usr/bin/tinylog")]
    [InlineData("my logs", "'my logs'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("", "''")]
    public void Shell_words_are_quoted_only_when_needed(string word, string quoted) =>
        Assert.Equal(quoted, RunscriptWriter.ShellQuote(word));

    [Theory]
    [InlineData("sleep 9", "exec sleep 9")]
    [InlineData("  /opt/web/bin/serve --port 80  ", "exec /opt/web/bin/serve --port 80")]
    [InlineData("sh -c \"echo hi; exec sleep 9\"", "exec sh -c \"echo hi; exec sleep 9\"")]
    [InlineData("exec sleep 9", "exec sleep 9")]
    [InlineData("echo hi; exec sleep 9", "echo hi; exec sleep 9")]
    [InlineData("true && exec sleep 9", "true && exec sleep 9")]
    [InlineData("sleep 9 | cat", "sleep 9 | cat")]
    [InlineData("serve >/tmp/out", "serve >/tmp/out")]
    [InlineData("PORT=80 serve", "PORT=80 serve")]
    [InlineData("cd /srv\nexec serve", "cd /srv\nexec serve")]
    [InlineData("exit 3", "exit 3")]
    [InlineData("wait", "wait")]
    [InlineData(": placeholder", ": placeholder")]
    [InlineData("exiting --now", "exec exiting --now")]
    public void Rc_main_execs_one_simple_command_and_runs_anything_else_as_written(string command, string lastLine)
    {
        string script = RunscriptWriter.Main(command);
        Assert.EndsWith("\n[ \"$1\" = start ] || exit 0\n" + lastLine + "\n", script);
    }

    [Fact]
    public void Once_start_counts_when_a_run_began_after_the_command()
    {
        var since = Now.AddNanoseconds(-1_000_000_000);
        PerpService With(SubserviceStatus main, PerpServiceStatus status) =>
            new() { Status = status, Extended = ExtendedStatus.FromV2(default, new StatusRecord(1, Now, Now, ServiceFlags.Active, main, default)) };
        // Ran and finished after the command: started.
        Assert.True(PerpServiceActionCmdlet.StartedSince(With(Sub(0, 0.2, SubserviceFlags.WantDown | SubserviceFlags.IsOnce), PerpServiceStatus.Down), since, once: true));
        // The reset of an earlier run is not a start.
        Assert.False(PerpServiceActionCmdlet.StartedSince(With(Sub(100, 0.2, SubserviceFlags.IsReset), PerpServiceStatus.Resetting), since, once: true));
        // Down since before the command: not started.
        Assert.False(PerpServiceActionCmdlet.StartedSince(With(Sub(0, 5, SubserviceFlags.WantDown), PerpServiceStatus.Down), since, once: true));
        // A restarting service must be Up on a run younger than the command.
        Assert.False(PerpServiceActionCmdlet.StartedSince(With(Sub(100, 5), PerpServiceStatus.Up), since, once: false));
        Assert.True(PerpServiceActionCmdlet.StartedSince(With(Sub(100, 0.8), PerpServiceStatus.Up), since, once: false));
    }
}
