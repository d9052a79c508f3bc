using Xunit;

namespace PerpPS.TestSupport;

/// <summary>
/// What the machine lets the tests do. A test that needs a capability the machine lacks
/// calls <c>Require…</c>, which skips it (Xunit.SkippableFact: the test must be a
/// <c>[SkippableFact]</c>) with the reason, so a missing capability is never reported as a
/// failure nor as a pass.
/// </summary>
public static class Capabilities
{
    /// <summary>The effective uid is 0 (from /proc/self/status, not the user's name).</summary>
    public static bool IsRoot { get; } = File.ReadLines("/proc/self/status")
        .First(l => l.StartsWith("Uid:", StringComparison.Ordinal))
        .Split('\t', StringSplitOptions.RemoveEmptyEntries)[2] == "0";

    /// <summary>Skips the test unless it runs as root; <paramref name="why"/> says what needs it.</summary>
    public static void RequireRoot(string why) => Skip.IfNot(IsRoot, $"needs root ({why}); the suite runs as {Environment.UserName}");

    /// <summary>Skips the test unless <paramref name="program"/> exists and is executable.</summary>
    public static void RequireProgram(string program) =>
        Skip.IfNot(File.Exists(program) && (File.GetUnixFileMode(program) & UnixFileMode.UserExecute) != 0, $"{program} is not installed here");

    /// <summary>
    /// Skips the test when a private PID namespace cannot be had (unshare -pf --mount-proc:
    /// root, and a container that allows it); tried once, with /bin/true.
    /// </summary>
    public static void RequirePidNamespace()
    {
        RequireRoot("unshare -pf");
        string? error = PidNamespaceError.Value;
        Skip.If(error != null, "cannot make a PID namespace here (unshare -pf --mount-proc): " + error);
    }

    private static readonly Lazy<string?> PidNamespaceError = new(() =>
    {
        var r = ToolRunner.Run("/usr/bin/unshare", "-pf", "--mount-proc", "/bin/true");
        return r.ExitCode == 0 ? null : r.Stderr.Trim();
    });
}
