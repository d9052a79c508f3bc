namespace PerpPS.Reliability.Tests.Support;

/// <summary>
/// Two system accounts the access-control test runs clients as: one in the test group,
/// one outside it. Made with groupadd/useradd (no home, no login shell) when missing;
/// the suite runs as root, as perpd itself usually does.
/// </summary>
public static class TestUsers
{
    public const string Group = "perpps-rel";
    public const string Member = "perpps-rel-in";
    public const string Outsider = "perpps-rel-out";

    private static readonly object Gate = new();

    public static void Ensure()
    {
        lock (Gate)
        {
            if (Environment.UserName != "root" && !IsRoot())
                throw new InvalidOperationException("the access-control test makes users and needs root");
            if (GroupId(Group) < 0) Must("groupadd", "-r", Group);
            if (!UserExists(Member)) Must("useradd", "-r", "-M", "-N", "-s", "/usr/sbin/nologin", "-G", Group, Member);
            if (!UserExists(Outsider)) Must("useradd", "-r", "-M", "-N", "-s", "/usr/sbin/nologin", Outsider);
        }
    }

    /// <summary>The gid of a group from /etc/group, or -1.</summary>
    public static int GroupId(string name)
    {
        foreach (string line in File.ReadLines("/etc/group"))
        {
            var f = line.Split(':');
            if (f.Length > 2 && f[0] == name) return int.Parse(f[2]);
        }
        return -1;
    }

    /// <summary>Runs a program as <paramref name="user"/> (runuser sets its uid, gid and groups).</summary>
    public static ToolResult RunAs(string user, string program, params string[] args)
    {
        var all = new List<string> { "-u", user, "--", RepoPaths.Program(program) };
        all.AddRange(args);
        return ToolRunner.Run("/usr/sbin/runuser", all, workingDirectory: "/");
    }

    private static bool UserExists(string name) =>
        File.ReadLines("/etc/passwd").Any(l => l.StartsWith(name + ":", StringComparison.Ordinal));

    private static bool IsRoot() => File.ReadLines("/proc/self/status")
        .First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[2] == "0";

    private static void Must(string program, params string[] args)
    {
        var r = ToolRunner.Run("/usr/sbin/" + program, args);
        if (r.ExitCode != 0 && r.ExitCode != 9) // 9: already exists (a parallel run made it)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed: {r}");
    }
}
