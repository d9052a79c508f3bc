namespace PerpPS.Cmdlets.Tests;

/// <summary>
/// PerpCmdlet.ResolveBase skips the provider for an absolute path already in normal form:
/// exactly the paths the FileSystem provider returns unchanged (checked against it here).
/// </summary>
public sealed class ResolveBaseTests : IDisposable
{
    private readonly PowerShellSession _ps = new();

    public void Dispose() => _ps.Dispose();

    [Theory]
    [InlineData("/tmp/a", true)]
    [InlineData("/", true)]
    [InlineData("/tmp/a/", true)]
    [InlineData("/tmp/a b/c[1]*", true)]
    [InlineData("/tmp/a:b/~x/.b/..b/b.", true)]
    [InlineData("/tmp/a/../b", false)]
    [InlineData("/tmp/a/..", false)]
    [InlineData("/tmp/./a", false)]
    [InlineData("/tmp/a/.", false)]
    [InlineData("/tmp//a", false)]
    [InlineData("/tmp/a\\b", false)]
    [InlineData("relative/a", false)]
    [InlineData("~/a", false)]
    [InlineData("", false)]
    public void A_normal_absolute_path_is_what_the_provider_returns(string path, bool normal)
    {
        Assert.Equal(normal, PerpCmdlet.IsNormalAbsolute(path));
        if (!normal || path.Length == 0) return;
        string provider = (string)_ps.Invoke("$ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($args[0])", path)
            .ThrowOnError().Output.Single().BaseObject;
        Assert.Equal(provider, path);
    }
}
