namespace PerpPS.Runtools.Tests;

/// <summary>
/// runuid (and runtool -u): the real identity of the exec'd program, from /proc/self/status.
/// Needs root (skipped otherwise); the test account and group are removed after the class.
/// </summary>
public sealed class RunUidTests(TestAccountsFixture accounts) : IClassFixture<TestAccountsFixture>
{
    /// <summary>Uid, Gid and Groups rows of the exec'd program's /proc/self/status.</summary>
    private static (string Uid, string Gid, string Groups) Identity(string stdout)
    {
        string uid = "", gid = "", groups = "";
        foreach (string line in stdout.Split('\n'))
        {
            var cols = line.Split('\t', StringSplitOptions.RemoveEmptyEntries);
            if (line.StartsWith("Uid:")) uid = cols[1];
            else if (line.StartsWith("Gid:")) gid = cols[1];
            else if (line.StartsWith("Groups:")) groups = string.Join(' ', cols.Skip(1)).Trim();
        }
        return (uid, gid, groups);
    }

    private void EnsureTestAccount() => accounts.Get(a =>
    {
        a.AddGroup("perppsextra");
        a.AddUser("perppstest", "nogroup", "perppsextra");
    });

    private static string Gid(string group) => ToolRunner.Run("/usr/bin/getent", "group", group).Stdout.Split(':')[2];
    private static string Uid(string user) => ToolRunner.Run("/usr/bin/id", "-u", user).Stdout.Trim();

    [SkippableFact]
    public void Takes_the_accounts_uid_gid_and_only_its_base_group()
    {
        EnsureTestAccount();
        var r = Bin.Run("runuid", "perppstest", "/bin/cat", "/proc/self/status");
        Assert.Equal(0, r.ExitCode);
        var (uid, gid, groups) = Identity(r.Stdout);
        Assert.Equal(Uid("perppstest"), uid);
        Assert.Equal("65534", gid);
        Assert.Equal("65534", groups);
    }

    [SkippableFact]
    public void S_adds_the_database_groups_and_capital_S_an_explicit_list()
    {
        EnsureTestAccount();
        var s = Bin.Run("runuid", "-s", "perppstest", "/bin/cat", "/proc/self/status");
        Assert.Equal(0, s.ExitCode);
        var groups = Identity(s.Stdout).Groups.Split(' ').OrderBy(g => g).ToArray();
        Assert.Equal(new[] { "65534", Gid("perppsextra") }.OrderBy(g => g).ToArray(), groups);

        var list = Bin.Run("runuid", "-S", "perppsextra:daemon", "-g", "daemon", "perppstest", "/bin/cat", "/proc/self/status");
        Assert.Equal(0, list.ExitCode);
        var id = Identity(list.Stdout);
        Assert.Equal(Gid("daemon"), id.Gid);
        Assert.Equal(new[] { Gid("perppsextra"), Gid("daemon") }.OrderBy(g => g).ToArray(), id.Groups.Split(' ').OrderBy(g => g).ToArray());
    }

    [SkippableFact]
    public void Errors_unknown_account_group_conflicting_options_and_not_root()
    {
        Capabilities.RequireRoot("runuid changes to another uid");
        var acct = Bin.Run("runuid", "no-such-account-x", "/bin/true");
        Assert.Equal(111, acct.ExitCode);
        Assert.StartsWith("runuid: fatal: ", acct.Stderr);
        var grp = Bin.Run("runuid", "-g", "no-such-group-x", "nobody", "/bin/true");
        Assert.Equal(111, grp.ExitCode);
        var both = Bin.Run("runuid", "-s", "-S", "daemon", "nobody", "/bin/true");
        Assert.Equal(100, both.ExitCode);
        Assert.StartsWith("runuid: usage error: ", both.Stderr);
        // The second runuid runs as nobody: not the super user.
        var notRoot = Bin.Run("runuid", "nobody", Bin.Path("runuid"), "nobody", "/bin/true");
        Assert.Equal(100, notRoot.ExitCode);
        Assert.StartsWith("runuid: usage error: not running as super user\nusage: runuid ", notRoot.Stderr);
        var toolNotRoot = Bin.Run("runuid", "nobody", Bin.Path("runtool"), "-u", "nobody", "/bin/true");
        Assert.Equal(100, toolNotRoot.ExitCode);
        Assert.StartsWith("runtool: usage error: ", toolNotRoot.Stderr);
    }
}
