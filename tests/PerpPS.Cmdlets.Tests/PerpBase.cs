namespace PerpPS.Cmdlets.Tests;

/// <summary>A fresh base with the real perpd running on it; everything stopped by pid on dispose.</summary>
public sealed class PerpBase : IDisposable
{
    public PerpBase(Action<PerpBase>? setup = null, bool startDaemon = true)
    {
        Temp = new TempBase();
        setup?.Invoke(this);
        if (startDaemon) Daemon = DaemonProcess.Start(Temp.Path);
    }

    /// <summary>How long tests wait for a state: generous, the machine is shared and busy.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public TempBase Temp { get; }
    public DaemonProcess? Daemon { get; private set; }
    public string Path => Temp.Path;

    /// <summary>An rc.main that runs <paramref name="start"/> on start and exits 0 on reset.</summary>
    public static string Script(string start) => $"case \"$1\" in\nstart)\n{start}\n;;\nesac\nexit 0\n";

    /// <summary>A service running sleep.</summary>
    public string Sleeper(string name, bool active = true, bool down = false, bool once = false, string? rcLog = null) =>
        Temp.AddService(name, Script("exec sleep 1000"), rcLog, active, down, once);

    public void Dispose()
    {
        Daemon?.Dispose();
        Temp.Dispose();
    }
}

/// <summary>One PowerShell engine per test class (importing the module costs seconds).</summary>
public sealed class SessionFixture : IDisposable
{
    public PowerShellSession Session { get; } = new();
    public void Dispose() => Session.Dispose();
}
