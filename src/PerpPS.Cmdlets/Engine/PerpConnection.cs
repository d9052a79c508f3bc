using PerpPS.Core.Client;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets.Engine;

/// <summary>
/// A lazily opened control connection to perpd on one base. perpd closes a connection that
/// has been idle for 8 s (spec §5.6), and a pipeline can easily pause that long between
/// records, so a write/read failure or a reply cut short by EOF reconnects once and repeats
/// the exchange (queries and perp's commands are idempotent enough for one retry).
/// </summary>
internal sealed class PerpConnection : IDisposable
{
    private static readonly TimeSpan IoTimeout = TimeSpan.FromSeconds(10);
    private ControlClient? _client;

    public PerpConnection(string baseDirectory) => Base = baseDirectory;

    public string Base { get; }

    /// <summary>Connects now if not connected (throws <see cref="ControlException"/> at stage Connect).</summary>
    public void EnsureConnected() => _client ??= ControlClient.ConnectToBase(Base, IoTimeout);

    /// <summary>Asks for a service's status.</summary>
    public Reply Query(ServiceId id) => Exchange(c => c.Query(id));

    /// <summary>Sends a control command.</summary>
    public Reply Command(ServiceId id, byte command, CommandFlags flags) => Exchange(c => c.Command(id, command, flags));

    private Reply Exchange(Func<ControlClient, Reply> exchange)
    {
        EnsureConnected();
        try
        {
            var reply = exchange(_client!);
            if (reply.Kind is not ReplyKind.BadType) return reply;
        }
        catch (ControlException e) when (e.Stage != ControlStage.Connect && e.Errno is Errno.EPIPE or Errno.ECONNRESET)
        {
        }
        Reconnect();
        return exchange(_client!);
    }

    private void Reconnect()
    {
        _client?.Dispose();
        _client = null;
        EnsureConnected();
    }

    public void Dispose()
    {
        _client?.Dispose();
        _client = null;
    }
}
