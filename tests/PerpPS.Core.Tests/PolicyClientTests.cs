using PerpPS.Core.Client;
using PerpPS.Core.Policy;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using Xunit;

namespace PerpPS.Core.Tests;

/// <summary>
/// What clients take from the policy rules: PolicyValue (New-/Set-PerpService refuse what
/// perpd would ignore) and DependencyWait (which dependency a waiting service waits for),
/// over real directories and status replies as perpd would send them.
/// </summary>
public sealed class PolicyClientTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("perpps-policy-").FullName;

    public void Dispose() => Directory.Delete(_base, recursive: true);

    [Theory]
    [InlineData("notification-fd", "3", true)]
    [InlineData("notification-fd", "2", false)]
    [InlineData("notification-fd", "-1", false)]
    [InlineData("timeout-kill", "2500", true)]
    [InlineData("timeout-kill", "soon", false)]
    [InlineData("down-signal", "SIGINT", true)]
    [InlineData("down-signal", "KILL", false)]
    [InlineData("give-up", "5 60", true)]
    [InlineData("give-up", "5", false)]
    [InlineData("restart-backoff", "86401", false)]
    public void PolicyValue_judges_as_perpd_reads(string file, string text, bool usable)
    {
        string? problem = PolicyValue.Problem(file, text);
        Assert.Equal(usable, problem == null);
        if (problem != null) Assert.DoesNotContain("ignored", problem, StringComparison.Ordinal);
    }

    private void Service(string name, params string[] dependencies)
    {
        Directory.CreateDirectory(Path.Combine(_base, name));
        if (dependencies.Length > 0) File.WriteAllText(Path.Combine(_base, name, "dependencies"), string.Join('\n', dependencies) + "\n");
    }

    private static ExtendedReply Reply(bool running, bool ready) => new(ReplyKind.Status, 0, new ExtendedStatus(default,
        new StatusRecord(1, default, default, ServiceFlags.None, new SubserviceStatus(running ? 42u : 0u, default, SubserviceFlags.None), default),
        1, 0, default(SubserviceExtension) with { Policy = ready ? PolicyFlags.Ready : PolicyFlags.None, Present = ExtensionFields.Policy }, default));

    [Fact]
    public void DependencyWait_names_the_first_dependency_not_up_and_ready()
    {
        Service("web", "db", "cache");
        Service("db");
        Service("cache");
        var ids = new Dictionary<ServiceId, string>
        {
            [FileStatus.Stat(Path.Combine(_base, "db")).Id] = "db",
            [FileStatus.Stat(Path.Combine(_base, "cache")).Id] = "cache",
        };
        var ready = new HashSet<string> { "db" };
        ExtendedReply Query(ServiceId id) => Reply(running: true, ready: ready.Contains(ids[id]));
        var wait = DependencyWait.Find(_base, "web", Query);
        Assert.Equal(new DependencyWaitReason("cache", DependencyWaitKind.NotReady, null), wait);
        Assert.Equal("cache", wait!.ToString());
        ready.Add("cache");
        Assert.Null(DependencyWait.Find(_base, "web", Query));
    }

    [Fact]
    public void DependencyWait_reports_a_missing_service_and_a_cycle()
    {
        Service("needy", "absent");
        Service("a", "b");
        Service("b", "a");
        ExtendedReply NotKnown(ServiceId id) => new(ReplyKind.Error, Errno.ENOTDIR, default);
        Assert.Equal("absent (not an active service)", DependencyWait.Find(_base, "needy", NotKnown)!.ToString());
        var cycle = DependencyWait.Find(_base, "a", _ => Reply(true, true))!;
        Assert.Equal(DependencyWaitKind.Cycle, cycle.Kind);
        Assert.Equal("b", cycle.Dependency);
        Assert.Equal("dependency cycle: a -> b -> a", cycle.ToString());
        Assert.Null(DependencyWait.Find(_base, "b-less", NotKnown));
    }
}
