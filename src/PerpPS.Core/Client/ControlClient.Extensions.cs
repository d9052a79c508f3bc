using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpPS.Core.Client;

/// <summary>
/// The protocol extension (docs/protocol-extensions.md) on a control connection: extended
/// status (X), bulk status (L) and subscribing to events (W). Each call falls back cleanly
/// when perpd is perp 2.07's, which answers the new packet types E EPROTO and carries on
/// with the connection: the status calls then use Q and return records whose
/// <see cref="ExtendedStatus.HasExtension"/> is false; the bulk and subscribe calls return
/// false/null so the caller polls instead. <see cref="Extensions"/> remembers the answer so
/// a connection asks only once.
/// </summary>
public sealed partial class ControlClient
{
    /// <summary>What this connection has learnt about perpd's support for the extension.</summary>
    public ExtensionSupport Extensions { get; private set; }

    /// <summary>
    /// Extended status of one service (X). With <paramref name="fallback"/> (the default), a
    /// perpd without the extension is asked with Q instead and the answer has no extension.
    /// Unknown service: E ENOTDIR, as for Q.
    /// </summary>
    /// <exception cref="ControlException">Stage Write or Read, with the errno.</exception>
    public ExtendedReply QueryExtended(ServiceId id, bool fallback = true)
    {
        if (Extensions != ExtensionSupport.NotSupported)
        {
            int n = ExtensionPacket.WriteExtendedQuery(_buffer, id);
            var reply = ExchangeExtended(_buffer.AsSpan(0, n));
            if (!IsUnsupported(reply)) return reply;
        }
        if (!fallback) return new ExtendedReply(ReplyKind.Error, Errno.EPROTO, default);
        return ExtendedReply.FromV2(id, Query(id));
    }

    /// <summary>
    /// Sets or clears the run-once flag (O) without starting or stopping anything. Success is
    /// E 0; an unknown service E ENOENT, a service being deactivated E EBUSY (as for C). Null
    /// when perpd does not speak the extension (perp 2.07: only o and u change the flag, and
    /// both start a stopped service).
    /// </summary>
    /// <exception cref="ControlException">Stage Write or Read, with the errno.</exception>
    public Reply? SetOnce(ServiceId id, bool once, CommandFlags flags = CommandFlags.None)
    {
        if (Extensions == ExtensionSupport.NotSupported) return null;
        int n = ExtensionPacket.WriteSetOnce(_buffer, id, once, flags);
        var reply = Exchange(_buffer.AsSpan(0, n));
        if (reply.Kind == ReplyKind.Error && reply.Errno == Errno.EPROTO)
        {
            Extensions = ExtensionSupport.NotSupported;
            return null;
        }
        if (reply.Kind == ReplyKind.Error) Extensions = ExtensionSupport.Supported;
        return reply;
    }

    /// <summary>
    /// Bulk status of every service perpd supervises (one L request, one stream of replies),
    /// appended to <paramref name="results"/> in perpd's order. False, with nothing added,
    /// when perpd does not speak the extension. <paramref name="flags"/>: see <see cref="ListFlags"/>
    /// (<see cref="ListFlags.NoCgroupFigures"/>: records without the cgroup figures, much cheaper for perpd).
    /// </summary>
    /// <exception cref="ControlException">I/O failure, or a stream that breaks off (stage Read, EPROTO).</exception>
    public bool TryListAll(ICollection<ExtendedStatus> results, ListFlags flags = ListFlags.None)
    {
        if (Extensions == ExtensionSupport.NotSupported) return false;
        int n = ExtensionPacket.WriteList(_buffer, default, flags);
        return ReadList(_buffer.AsSpan(0, n), null, results.Add);
    }

    /// <summary>
    /// Bulk status of the given services (L requests of up to 15 each), one reply per id in
    /// order into <paramref name="results"/>: a status, or E with the errno Q would give
    /// (ENOTDIR for a service perpd does not know). False, with nothing added, when perpd
    /// does not speak the extension.
    /// </summary>
    public bool TryList(ReadOnlySpan<ServiceId> ids, ICollection<ExtendedReply> results, ListFlags flags = ListFlags.None)
    {
        if (Extensions == ExtensionSupport.NotSupported) return false;
        for (int start = 0; start < ids.Length; start += ExtensionPacket.MaxIds)
        {
            var chunk = ids.Slice(start, Math.Min(ExtensionPacket.MaxIds, ids.Length - start));
            int n = ExtensionPacket.WriteList(_buffer, chunk, flags);
            if (!ReadList(_buffer.AsSpan(0, n), results, null)) return false;
        }
        return true;
    }

    /// <summary>
    /// The status of each of <paramref name="ids"/> in as few round trips as perpd allows:
    /// with the extension, one bulk request (L for up to 15, else the whole table matched by
    /// dev/ino, ENOTDIR for those perpd does not know); without it, one Q per service. The
    /// answers are what a Q per service would have said (plus the extension when available).
    /// With <see cref="ListFlags.NoCgroupFigures"/> in <paramref name="flags"/> the records lack
    /// the cgroup figures (<see cref="ExtensionFields.Cgroup"/> clear; a perpd that does not
    /// know the bit may still send them): for callers that do not show them.
    /// </summary>
    /// <exception cref="ControlException">I/O failure; the caller may retry per service with <see cref="Query"/>.</exception>
    public ExtendedReply[] QueryMany(ReadOnlySpan<ServiceId> ids, ListFlags flags = ListFlags.None)
    {
        var results = new ExtendedReply[ids.Length];
        QueryMany(ids, flags, (int i, in ExtendedReply reply) => results[i] = reply);
        return results;
    }

    /// <summary>
    /// <see cref="QueryMany(ReadOnlySpan{ServiceId}, ListFlags)"/> without the array of replies:
    /// each reply goes to <paramref name="sink"/> with the index of its id as it is read (in
    /// perpd's order, not the ids'), so a caller that puts each onto its own object copies
    /// each 304-byte status once, into that object; at 10,000 services the array was 3 MB of
    /// large-object garbage per call (issue #13). Every index gets exactly one reply, unless an
    /// exception ends the call; after one some indices may have had theirs.
    /// </summary>
    /// <exception cref="ControlException">I/O failure; the caller may retry per service with <see cref="Query"/>.</exception>
    public void QueryMany(ReadOnlySpan<ServiceId> ids, ListFlags flags, ReplySink sink)
    {
        if (ids.IsEmpty) return;
        if (Extensions != ExtensionSupport.NotSupported)
        {
            if (ids.Length <= ExtensionPacket.MaxIds)
            {
                var list = new List<ExtendedReply>(ids.Length);
                if (TryList(ids, list, flags))
                {
                    for (int i = 0; i < list.Count; i++) sink(i, list[i]);
                    return;
                }
            }
            else if (TryListAllInto(ids, flags, sink))
            {
                return;
            }
        }
        for (int i = 0; i < ids.Length; i++) sink(i, ExtendedReply.FromV2(ids[i], Query(ids[i])));
    }

    // The slot map of the last whole-table read, kept for the next (cleared): at 10,000
    // services it is a third of a megabyte, which each call would otherwise allocate anew.
    private static Dictionary<ServiceId, int>? s_spareSlots;

    /// <summary>
    /// The whole table (one L), each status handed to <paramref name="sink"/> with the index
    /// of its id as it is read, ENOTDIR for the ids perpd does not know. False when perpd does
    /// not speak the extension.
    /// </summary>
    private bool TryListAllInto(ReadOnlySpan<ServiceId> ids, ListFlags flags, ReplySink sink)
    {
        if (Extensions == ExtensionSupport.NotSupported) return false;
        // Where each id goes (its first index; ~index once its status came); an id given
        // twice (two names of one directory) is in repeats, with its first index.
        var slot = Interlocked.Exchange(ref s_spareSlots, null) ?? new Dictionary<ServiceId, int>(ids.Length);
        slot.EnsureCapacity(ids.Length);
        List<(int First, int Index)>? repeats = null;
        for (int i = 0; i < ids.Length; i++)
            if (!slot.TryAdd(ids[i], i)) (repeats ??= new()).Add((slot[ids[i]], i));
        try
        {
            int n = ExtensionPacket.WriteList(_buffer, default, flags);
            if (!ReadList(_buffer.AsSpan(0, n), null, status =>
                {
                    ref int i = ref CollectionsMarshal.GetValueRefOrNullRef(slot, status.Id);
                    if (Unsafe.IsNullRef(ref i) || i < 0) return;
                    var reply = new ExtendedReply(ReplyKind.Status, 0, status);
                    sink(i, reply);
                    if (repeats != null)
                        foreach (var (first, index) in repeats)
                            if (first == i) sink(index, reply);
                    i = ~i;
                }))
                return false;
            var unknown = new ExtendedReply(ReplyKind.Error, Errno.ENOTDIR, default);
            foreach (var (_, i) in slot)
            {
                if (i < 0) continue;
                sink(i, unknown);
                if (repeats != null)
                    foreach (var (first, index) in repeats)
                        if (first == i) sink(index, unknown);
            }
            return true;
        }
        finally
        {
            slot.Clear();
            s_spareSlots = slot;
        }
    }

    /// <summary>
    /// Turns this connection into an event stream (W): events of <paramref name="ids"/>, or of
    /// every service when empty (more than 15 ids: every service, filtered here). On success
    /// the connection belongs to the returned subscription and this client is disposed; null
    /// when perpd does not speak the extension (the client stays usable for Q and C).
    /// </summary>
    /// <exception cref="ControlException">I/O failure; stage Subscribe when perpd refused (EUSERS: too many subscribers).</exception>
    public EventSubscription? Subscribe(ReadOnlySpan<ServiceId> ids = default)
    {
        ObjectDisposedException.ThrowIf(_fd < 0, this);
        if (Extensions == ExtensionSupport.NotSupported) return null;
        bool filterHere = ids.Length > ExtensionPacket.MaxIds;
        int n = ExtensionPacket.WriteSubscribe(_buffer, filterHere ? default : ids);
        WriteAll(_buffer.AsSpan(0, n));
        int got = ReadPacket(out bool cut);
        if (cut) throw new ControlException(ControlStage.Read, Errno.EPROTO, SocketPath);
        var p = _buffer.AsSpan(0, got);
        if (p[0] == Packet.Version && p[1] == PacketType.Subscribed && p[2] >= SubscriptionInfo.Size)
        {
            Extensions = ExtensionSupport.Supported;
            var info = SubscriptionInfo.Read(p[Packet.HeaderSize..]);
            int fd = _fd;
            _fd = -1;
            return new EventSubscription(fd, SocketPath, info, filterHere ? new HashSet<ServiceId>(ids.ToArray()) : null);
        }
        var reply = Reply.Parse(p);
        if (reply.Kind == ReplyKind.Error && reply.Errno == Errno.EPROTO)
        {
            Extensions = ExtensionSupport.NotSupported;
            return null;
        }
        throw new ControlException(reply.Kind == ReplyKind.Error ? ControlStage.Subscribe : ControlStage.Read,
            reply.Kind == ReplyKind.Error ? reply.Errno : Errno.EPROTO, SocketPath);
    }

    private bool IsUnsupported(ExtendedReply reply)
    {
        if (reply.Kind == ReplyKind.Error && reply.Errno == Errno.EPROTO)
        {
            Extensions = ExtensionSupport.NotSupported;
            return true;
        }
        if (reply.Kind is ReplyKind.Status or ReplyKind.Error) Extensions = ExtensionSupport.Supported;
        return false;
    }

    private ExtendedReply ExchangeExtended(ReadOnlySpan<byte> request)
    {
        ObjectDisposedException.ThrowIf(_fd < 0, this);
        WriteAll(request);
        int got = ReadPacket(out bool cut);
        if (cut)
            return new ExtendedReply(got >= 1 && _buffer[0] != Packet.Version ? ReplyKind.BadProtocol : ReplyKind.BadType, 0, default);
        return ParseExtended(_buffer.AsSpan(0, got));
    }

    private static ExtendedReply ParseExtended(ReadOnlySpan<byte> p)
    {
        if (p[0] == Packet.Version && p[1] == PacketType.Extended && ExtendedStatus.TryRead(p[Packet.HeaderSize..], out var status))
            return new ExtendedReply(ReplyKind.Status, 0, status);
        var reply = Reply.Parse(p);
        // An S in answer to X would be a confused server: classify it as perp's clients would.
        return reply.Kind == ReplyKind.Status ? new ExtendedReply(ReplyKind.BadType, 0, default) : new ExtendedReply(reply.Kind, reply.Errno, default);
    }

    /// <summary>Sends one L and reads its stream to the closing E 0. False when perpd answered EPROTO at once.</summary>
    private bool ReadList(ReadOnlySpan<byte> request, ICollection<ExtendedReply>? replies, Action<ExtendedStatus>? statuses)
    {
        ObjectDisposedException.ThrowIf(_fd < 0, this);
        WriteAll(request);
        for (bool first = true; ; first = false)
        {
            int got = ReadPacket(out bool cut, stream: true);
            if (cut) throw new ControlException(ControlStage.Read, Errno.EPROTO, SocketPath);
            var p = _buffer.AsSpan(0, got);
            if (p[0] != Packet.Version) throw new ControlException(ControlStage.Read, Errno.EPROTO, SocketPath);
            switch (p[1])
            {
                case PacketType.Extended when ExtendedStatus.TryRead(p[Packet.HeaderSize..], out var status):
                    replies?.Add(new ExtendedReply(ReplyKind.Status, 0, status));
                    statuses?.Invoke(status);
                    break;
                case PacketType.NoService when p[2] >= ServiceId.Size + 4:
                    replies?.Add(new ExtendedReply(ReplyKind.Error,
                        (int)BinaryPrimitives.ReadUInt32LittleEndian(p[(Packet.HeaderSize + ServiceId.Size)..]), default));
                    break;
                case PacketType.Error when p[2] == 4:
                    int errno = (int)BinaryPrimitives.ReadUInt32LittleEndian(p[Packet.HeaderSize..]);
                    if (errno == 0)
                    {
                        Extensions = ExtensionSupport.Supported;
                        return true;
                    }
                    if (first && errno == Errno.EPROTO)
                    {
                        Extensions = ExtensionSupport.NotSupported;
                        return false;
                    }
                    throw new ControlException(ControlStage.Read, errno, SocketPath);
                default:
                    throw new ControlException(ControlStage.Read, Errno.EPROTO, SocketPath);
            }
        }
    }
}
