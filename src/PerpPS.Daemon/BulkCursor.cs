using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpPS.Daemon;

/// <summary>
/// An L reply in progress: which services are still to be written. The reply is streamed in
/// chunks of <see cref="ChunkRecords"/> records as the socket drains, so 10,000 services
/// need one chunk buffer, not a 2 MiB reply. The list of services is taken when the request
/// arrives (services removed meanwhile are skipped; each record is current when its chunk
/// is written). Buffers belong to the connection and are reused by its next L. The request's
/// <see cref="ListFlags.NoCgroupFigures"/> leaves the cgroup figures out of every record.
/// </summary>
internal sealed class BulkCursor
{
    public const int ChunkRecords = 16;
    public const int ChunkSize = ChunkRecords * ExtensionPacket.ExtendedSize + Packet.ErrorSize;

    public readonly byte[] Chunk = new byte[ChunkSize];
    private readonly List<Service> _services = new();
    private readonly ServiceId[] _ids = new ServiceId[ExtensionPacket.MaxIds];
    private int _idCount, _index;
    private bool _byIds;
    private bool _usage;

    /// <summary>True while records (or the closing E 0) remain to be written.</summary>
    public bool Active { get; private set; }

    public void StartAll(ServiceTable table, ListFlags flags)
    {
        _usage = (flags & ListFlags.NoCgroupFigures) == 0;
        _services.Clear();
        foreach (var s in table.All) _services.Add(s);
        _byIds = false;
        _index = 0;
        Active = true;
    }

    public void StartIds(ReadOnlySpan<byte> payload, int count, ListFlags flags)
    {
        _usage = (flags & ListFlags.NoCgroupFigures) == 0;
        for (int i = 0; i < count; i++) _ids[i] = ExtensionPacket.IdAt(payload, i);
        _idCount = count;
        _byIds = true;
        _index = 0;
        Active = true;
    }

    /// <summary>Writes the next chunk into <see cref="Chunk"/>; returns its length (the last one ends with E 0).</summary>
    public int Fill(ServiceTable table, Containment containment, uint daemonPid, Tai64N daemonStarted, ulong sequence)
    {
        int n = 0;
        int written = 0;
        var d = Chunk.AsSpan();
        int total = _byIds ? _idCount : _services.Count;
        while (_index < total && written < ChunkRecords)
        {
            if (_byIds)
            {
                var id = _ids[_index++];
                n += table.TryGet(id, out var svc)
                    ? ExtensionPacket.WriteExtended(d[n..], svc.ToExtended(daemonPid, daemonStarted, sequence, containment, _usage))
                    : ExtensionPacket.WriteNoService(d[n..], id, Errno.ENOTDIR);
                written++;
            }
            else
            {
                var svc = _services[_index++];
                if (svc.Removed) continue;
                n += ExtensionPacket.WriteExtended(d[n..], svc.ToExtended(daemonPid, daemonStarted, sequence, containment, _usage));
                written++;
            }
        }
        if (_index >= total)
        {
            n += Packet.WriteError(d[n..], 0);
            Active = false;
            _services.Clear();
        }
        return n;
    }
}
