namespace PerpPS.TestSupport;

/// <summary>
/// System groups and users a test runs things as, made with groupadd/useradd (system
/// accounts, no home, no login shell) and removed again by <see cref="Dispose"/>: use it with
/// <c>using</c> in a test or as a class fixture, so they go at the end even when the test
/// fails. Names must start with "perpps" (so a removal can never hit a real account); one
/// left behind by a killed run is taken over and removed too. Not root: the test is skipped.
/// </summary>
public sealed class TestAccounts : IDisposable
{
    private readonly List<string> _users = new(), _groups = new();

    public TestAccounts() => Capabilities.RequireRoot("making system users and groups");

    /// <summary>Makes (or takes over) group <paramref name="name"/>; returns its gid.</summary>
    public int AddGroup(string name)
    {
        Check(name);
        if (GroupId(name) < 0) Must("groupadd", "-r", name);
        _groups.Add(name);
        return GroupId(name);
    }

    /// <summary>
    /// Makes (or takes over) user <paramref name="name"/> with primary group
    /// <paramref name="group"/> (null: the system's default) and the supplementary
    /// <paramref name="groups"/>; returns its uid.
    /// </summary>
    public int AddUser(string name, string? group = null, params string[] groups)
    {
        Check(name);
        if (UserId(name) < 0)
        {
            var args = new List<string> { "-r", "-M", "-N", "-s", "/usr/sbin/nologin" };
            if (group != null) args.AddRange(["-g", group]);
            if (groups.Length > 0) args.AddRange(["-G", string.Join(',', groups)]);
            args.Add(name);
            Must("useradd", [.. args]);
        }
        _users.Add(name);
        return UserId(name);
    }

    /// <summary>The gid of a group from /etc/group, or -1.</summary>
    public static int GroupId(string name) => Field("/etc/group", name);

    /// <summary>The uid of a user from /etc/passwd, or -1.</summary>
    public static int UserId(string name) => Field("/etc/passwd", name);

    /// <summary>Runs a program as <paramref name="user"/> (runuser sets its uid, gid and groups).</summary>
    public static ToolResult RunAs(string user, string program, params string[] args)
    {
        var all = new List<string> { "-u", user, "--", program.Contains('/') ? program : RepoPaths.Program(program) };
        all.AddRange(args);
        return ToolRunner.Run("/usr/sbin/runuser", all, workingDirectory: "/");
    }

    /// <summary>Removes the users, then the groups (a group that is a user's primary one cannot go first).</summary>
    public void Dispose()
    {
        foreach (string user in Enumerable.Reverse(_users).Distinct())
            if (UserId(user) >= 0) ToolRunner.Run("/usr/sbin/userdel", user);
        foreach (string group in Enumerable.Reverse(_groups).Distinct())
            if (GroupId(group) >= 0) ToolRunner.Run("/usr/sbin/groupdel", group);
        _users.Clear();
        _groups.Clear();
    }

    private static void Check(string name)
    {
        if (!name.StartsWith("perpps", StringComparison.Ordinal))
            throw new ArgumentException($"test accounts are named perpps…, not {name}", nameof(name));
    }

    private static int Field(string file, string name)
    {
        foreach (string line in File.ReadLines(file))
        {
            var f = line.Split(':');
            if (f.Length > 2 && f[0] == name) return int.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture);
        }
        return -1;
    }

    private static void Must(string program, params string[] args)
    {
        var r = ToolRunner.Run("/usr/sbin/" + program, args);
        if (r.ExitCode != 0 && r.ExitCode != 9) // 9: it exists already (made in between)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed: {r}");
    }
}

/// <summary>
/// Accounts shared by the tests of one class (<c>IClassFixture&lt;TestAccountsFixture&gt;</c>):
/// made by the first test that asks (inside the test, so a machine without root skips it),
/// removed when the class is done.
/// </summary>
public sealed class TestAccountsFixture : IDisposable
{
    private readonly object _gate = new();
    private TestAccounts? _accounts;

    /// <summary>The class's accounts; <paramref name="make"/> adds them the first time.</summary>
    public TestAccounts Get(Action<TestAccounts> make)
    {
        lock (_gate)
        {
            if (_accounts != null) return _accounts;
            var accounts = new TestAccounts();
            try
            {
                make(accounts);
            }
            catch
            {
                accounts.Dispose();
                throw;
            }
            return _accounts = accounts;
        }
    }

    public void Dispose() => _accounts?.Dispose();
}
