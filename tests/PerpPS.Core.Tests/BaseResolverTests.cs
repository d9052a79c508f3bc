using PerpPS.Core.Client;

namespace PerpPS.Core.Tests;

[Collection("environment")]
public class BaseResolverTests
{
    private static T WithPerpBase<T>(string? value, Func<T> f)
    {
        string? old = Environment.GetEnvironmentVariable("PERP_BASE");
        Environment.SetEnvironmentVariable("PERP_BASE", value);
        try { return f(); }
        finally { Environment.SetEnvironmentVariable("PERP_BASE", old); }
    }

    [Fact]
    public void Daemon_side_defaults_to_etc_perp_and_skips_an_empty_PERP_BASE()
    {
        Assert.Equal("/etc/perp", WithPerpBase(null, () => BaseResolver.ForDaemon(null)));
        Assert.Equal("/etc/perp", WithPerpBase("", () => BaseResolver.ForDaemon(null)));
        Assert.Equal("/srv/b", WithPerpBase("/srv/b", () => BaseResolver.ForDaemon(null)));
        Assert.Equal("/x", WithPerpBase("/srv/b", () => BaseResolver.ForDaemon("/x")));
    }

    [Fact]
    public void Control_tools_default_to_the_current_directory()
    {
        Assert.Equal(".", WithPerpBase(null, () => BaseResolver.ForControlTool(null)));
        Assert.Equal(".", WithPerpBase("", () => BaseResolver.ForControlTool(null)));
        Assert.Equal("/srv/b", WithPerpBase("/srv/b", () => BaseResolver.ForControlTool(null)));
    }

    [Fact]
    public void Status_tools_keep_an_empty_PERP_BASE_as_perp_does()
    {
        Assert.Equal("", WithPerpBase("", () => BaseResolver.ForStatusTool(null)));
        Assert.Equal(".", WithPerpBase(null, () => BaseResolver.ForStatusTool(null)));
    }

    [Fact]
    public void Relative_bases_become_absolute_for_socket_paths()
    {
        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "perpbase"), BaseResolver.Absolute("perpbase"));
        Assert.Equal("/srv/perpbase/.control/perpd.sock", PerpPaths.ControlSocket("/srv/perpbase"));
        Assert.Equal("/srv/perpbase/.control/perpd.pid", PerpPaths.PidFile("/srv/perpbase/"));
    }
}
