using System.Runtime.InteropServices;
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

    /// <summary>Asks for a service's extended status (X; Q against perp 2.07's perpd).</summary>
    public ExtendedReply QueryExtended(ServiceId id) => Exchange(c => c.QueryExtended(id), r => r.Kind is not ReplyKind.BadType);

    /// <summary>The status of many services in the fewest round trips (L; one Q each against perp 2.07).</summary>
    public ExtendedReply[] QueryMany(ServiceId[] ids, ListFlags flags = ListFlags.None) => Exchange(c => c.QueryMany(ids, flags), _ => true);

    /// <summary>
    /// The same, each reply handed to <paramref name="sink"/> with its index as it is read (see
    /// <see cref="ControlClient.QueryMany(ReadOnlySpan{ServiceId}, ListFlags, ReplySink)"/>); a
    /// repeated exchange (after a reconnect) hands them over again.
    /// </summary>
    public void QueryMany(List<ServiceId> ids, ListFlags flags, ReplySink sink) =>
        Exchange(c =>
        {
            c.QueryMany(CollectionsMarshal.AsSpan(ids), flags, sink);
            return true;
        }, _ => true);

    /// <summary>Sends a control command.</summary>
    public Reply Command(ServiceId id, byte command, CommandFlags flags) => Exchange(c => c.Command(id, command, flags));

    /// <summary>The extension's O packet (see <see cref="ControlClient.SetOnce"/>); null when perpd lacks it.</summary>
    public Reply? SetOnce(ServiceId id, bool once) => Exchange(c => c.SetOnce(id, once), r => r is not { Kind: ReplyKind.BadType });

    private Reply Exchange(Func<ControlClient, Reply> exchange) => Exchange(exchange, r => r.Kind is not ReplyKind.BadType);

    private T Exchange<T>(Func<ControlClient, T> exchange, Func<T, bool> whole)
    {
        EnsureConnected();
        try
        {
            var reply = exchange(_client!);
            if (whole(reply)) return reply;
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
