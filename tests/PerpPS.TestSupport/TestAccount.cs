namespace PerpPS.TestSupport;

/// <summary>
/// A system account of its own for one test (services run as it through runuid): made with
/// useradd (no home, no login shell, primary group nogroup) under a fresh name, removed with
/// userdel on Dispose. The suite runs as root, as perpd usually does; not root is an error
/// that says so, never a silent pass.
/// </summary>
public sealed class TestAccount : IDisposable
{
    private TestAccount(string name, int uid)
    {
        Name = name;
        Uid = uid;
    }

    public string Name { get; }

    public int Uid { get; }

    /// <summary>A new account named <paramref name="prefix"/> and a few random letters (at most 32 in all).</summary>
    public static TestAccount Create(string prefix)
    {
        if (Environment.UserName != "root")
            throw new InvalidOperationException("this test runs a service as another user (runuid): run the suite as root");
        string name = prefix + Guid.NewGuid().ToString("N")[..6];
        var made = ToolRunner.Run("/usr/sbin/useradd", ["-M", "-N", "-g", "nogroup", "-s", "/usr/sbin/nologin", name]);
        if (made.ExitCode != 0) throw new InvalidOperationException($"useradd {name} failed: {made}");
        var id = ToolRunner.Run("/usr/bin/id", ["-u", name]);
        return new TestAccount(name, int.Parse(id.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture));
    }

    public void Dispose()
    {
        var r = ToolRunner.Run("/usr/sbin/userdel", [Name]);
        if (r.ExitCode != 0 && r.ExitCode != 6) // 6: no such user (already gone)
            throw new InvalidOperationException($"userdel {Name} failed: {r}");
    }
}
