using PerpPS.Core.Protocol;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>
/// perpd's main loop (spec §2.3), on one thread: every iteration logs changed counts,
/// scans when asked, arms the timer for the earliest deadline and waits in epoll for the
/// socket, clients, child pidfds, the timer and the signal eventfd.
/// <para>Decision: scan failures and fork failures pause with a deadline of 0.555 s
/// (perp's interval) instead of perp's blocking sleep, so clients are served meanwhile.</para>
/// </summary>
internal sealed class Daemon
{
    private const long Second = 1_000_000_000L;

    private readonly DaemonOptions _options;
    private readonly DaemonLog _log;
    private readonly EventLoop _loop;
    private readonly SignalBridge _signals;
    private readonly ServiceTable _table;
    private readonly DeadlineQueue _deadlines;
    private readonly Supervisor _supervisor;
    private readonly Scanner _scanner;
    private readonly ControlServer _server;

    private bool _rescan = true;
    private bool _terminating;
    private long _nextAutoscan = long.MaxValue;
    private long _scanRetryAt = long.MaxValue;
    private int _loggedServices = -1, _loggedClients = -1;

    public Daemon(DaemonOptions options, DaemonLog log, EventLoop loop, SignalBridge signals, int baseFd,
        int listenFd, Spawner spawner, Tai64N started, DescriptorBudget budget, Containment containment)
    {
        _options = options;
        _log = log;
        _loop = loop;
        _signals = signals;
        _table = new ServiceTable();
        _deadlines = new DeadlineQueue();
        _supervisor = new Supervisor(log, spawner, _table, _deadlines, loop, options.StopTimeoutSeconds, containment);
        _supervisor.WatchChildren = signals.WatchChildren;
        _supervisor.Budget = budget;
        _supervisor.BaseFd = baseFd;
        _supervisor.Wanted = new WantedState(options.BaseDirectory);
        _supervisor.Orphans = Handover.TryTake(options.BaseDirectory, log) ?? Adoption.Find(options.BaseDirectory, containment);
        if (_supervisor.Orphans.Count > 0 && !_supervisor.Orphans.FromHandover)
            log.Info().Add("found ").Count(_supervisor.Orphans.Count, " runscript", " runscripts").Add(" of a previous perpd: adopting").Line();
        _supervisor.SetPolicyDefaults(options.DefaultTimeoutKillMs, options.DefaultRestartBackoff);
        _scanner = new Scanner(baseFd, log, _table, _supervisor, budget);
        _server = new ControlServer(listenFd, options.MaxClients, log, loop, _table, _supervisor, started);
        var events = new EventStream(options.MaxSubscribers);
        _supervisor.Events = events;
        _server.Events = events;
        // Without cgroups, orphans come back to perpd (subreaper) to be reaped and contained. After
        // an upgrade, a child not handed over (a health check that was running) is reaped when it ends.
        if (options.Subreaper || log.Pid == 1 || !containment.UsesCgroups || _supervisor.Orphans.FromHandover) StartReaping();
        if (options.AutoscanSeconds > 0) _nextAutoscan = Native.MonotonicNanoseconds() + options.AutoscanSeconds * Second;
    }

    /// <summary>
    /// PID 1 or -r: orphans are re-parented to perpd and reaped on SIGCHLD. A subreaper is
    /// asked for with prctl; PID 1 is one already.
    /// </summary>
    private void StartReaping()
    {
        if (_log.Pid != 1 && Native.Prctl(Native.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
        {
            _log.Warning().Add("failure prctl(PR_SET_CHILD_SUBREAPER): ").Errno(Native.Errno).Add("; orphans are not reaped").Line();
            return;
        }
        _supervisor.ReapsOrphans = true;
        _signals.WatchChildren();
        _log.Info().Add(_log.Pid == 1 ? "running as PID 1: reaping orphans" : "child subreaper: reaping orphans").Line();
    }

    /// <summary>Runs until termination is complete; returns the exit code.</summary>
    public int Run()
    {
        _log.Info().Add("starting on ").Add(_options.BaseDirectory).Add(" ...").Line();
        _log.Info().Add("containment: ").Add(_supervisor.Containment.Description).Line();
        if (!_supervisor.Containment.UsesCgroups) _signals.WatchChildren(); // orphans come back to perpd: reap them
        while (true)
        {
            if (_terminating && _table.Count == 0)
            {
                _supervisor.Containment.Shutdown();
                _log.Info().Add("termination complete").Line();
                return 0;
            }
            LogCounts();
            if (_supervisor.RescanWanted)
            {
                _supervisor.RescanWanted = false;
                _rescan = true;
            }
            if (_rescan && !_terminating)
            {
                _rescan = false;
                _scanRetryAt = _scanner.Scan() ? long.MaxValue : Native.MonotonicNanoseconds() + Supervisor.FailurePause;
                _supervisor.ForgetOrphans(); // adoption happens in the first scan only
                continue;
            }
            _loop.ArmTimer(NextDeadline());
            int n = _loop.Wait();
            for (int i = 0; i < n; i++)
            {
                var (source, fd, events) = _loop.Event(i);
                switch (source)
                {
                    case EventSource.Wakeup:
                        _loop.AcknowledgeWakeup();
                        OnSignals(_signals.Take());
                        break;
                    case EventSource.Timer:
                        _loop.AcknowledgeTimer();
                        break;
                    case EventSource.Listener:
                        if (!_terminating) _server.OnListenerReadable();
                        break;
                    case EventSource.Client:
                        _server.OnClientEvent(fd, events);
                        break;
                    case EventSource.Child:
                        _supervisor.OnChildReadable(fd);
                        break;
                    case EventSource.Readiness:
                        _supervisor.OnReadinessReadable(fd);
                        break;
                    case EventSource.Cgroup:
                        _supervisor.OnCgroupEvents();
                        break;
                }
            }
            RunDueDeadlines();
        }
    }

    private void LogCounts()
    {
        if (_table.Count != _loggedServices)
        {
            _loggedServices = _table.Count;
            _log.Info().Add("supervising ").Count(_loggedServices, " active service", " active services").Line();
        }
        if (_server.ClientCount != _loggedClients)
        {
            _loggedClients = _server.ClientCount;
            _log.Info().Add("monitoring ").Count(_loggedClients, " client connection", " client connections").Line();
        }
    }

    private void OnSignals(int pending)
    {
        if ((pending & SignalBridge.Child) != 0)
        {
            _supervisor.ReapUnwatched();
            _supervisor.ReapOrphans();
        }
        if (_terminating) return; // further TERM/INT/HUP are ignored (spec §2.4)
        if ((pending & SignalBridge.Terminate) != 0)
        {
            BeginTermination();
            return;
        }
        if ((pending & SignalBridge.Hangup) != 0) _rescan = true;
        if ((pending & SignalBridge.Upgrade) != 0) Handover.Exec(_options.BaseDirectory, _table, _log); // returns only on failure
    }

    /// <summary>Spec §2.5, with the stop timeout as the one deliberate addition.</summary>
    private void BeginTermination()
    {
        _log.Info().Add("initiating termination...").Line();
        _terminating = true;
        _supervisor.Terminating = true;
        _nextAutoscan = _scanRetryAt = long.MaxValue;
        _server.Shutdown();
        var cull = new List<Service>();
        foreach (var svc in _table.Snapshot())
        {
            if (svc.Removed) continue;
            svc.Flags &= ~ServiceFlags.Cycle;
            if (svc.IsCulling) _supervisor.ArmStopTimeouts(svc);
            else cull.Add(svc);
        }
        _supervisor.CullInOrder(cull); // dependants first
    }

    private long NextDeadline()
    {
        long next = Math.Min(_deadlines.Next(), Math.Min(_nextAutoscan, _scanRetryAt));
        return Math.Min(next, _server.NextDeadline());
    }

    private void RunDueDeadlines()
    {
        if (NextDeadline() == long.MaxValue) return;
        long now = Native.MonotonicNanoseconds();
        while (_deadlines.TryTakeDue(now, out var d)) _supervisor.OnDeadline(d);
        if (now >= _scanRetryAt)
        {
            _scanRetryAt = long.MaxValue;
            _rescan = true;
        }
        if (now >= _nextAutoscan)
        {
            // A SIGHUP does not move the autoscan schedule (spec §2.3).
            _nextAutoscan = now + _options.AutoscanSeconds * Second;
            _rescan = true;
        }
        _server.CloseStale(now);
    }
}
