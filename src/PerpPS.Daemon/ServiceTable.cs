using PerpPS.Core.Protocol;

namespace PerpPS.Daemon;

/// <summary>
/// The services perpd supervises, found by identity (dev/ino) for the control protocol and
/// by pidfd for the event loop. No fixed cap: perp's 200-service limit is gone.
/// </summary>
internal sealed class ServiceTable
{
    private readonly Dictionary<ServiceId, Service> _byId = new();
    private Subservice?[] _byPidFd = new Subservice?[256];
    private readonly List<Service> _snapshot = new();

    public int Count => _byId.Count;

    public bool TryGet(ServiceId id, out Service service) => _byId.TryGetValue(id, out service!);

    public void Add(Service service) => _byId.Add(service.Id, service);

    public void Remove(Service service)
    {
        _byId.Remove(service.Id);
        service.Removed = true;
    }

    /// <summary>A stable copy of the current services, for walks that add or remove.</summary>
    public List<Service> Snapshot()
    {
        _snapshot.Clear();
        foreach (var s in _byId.Values) _snapshot.Add(s);
        return _snapshot;
    }

    public Dictionary<ServiceId, Service>.ValueCollection All => _byId.Values;

    public void MapPidFd(int fd, Subservice? sub)
    {
        if (fd < 0) return;
        if (fd >= _byPidFd.Length) Array.Resize(ref _byPidFd, Math.Max(fd + 1, _byPidFd.Length * 2));
        _byPidFd[fd] = sub;
    }

    public Subservice? ByPidFd(int fd) => fd >= 0 && fd < _byPidFd.Length ? _byPidFd[fd] : null;
}
