using PerpPS.Core.Interop;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using PerpPS.Core.Posix;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>What a ready descriptor is, packed with its fd into epoll's 64-bit user data.</summary>
internal enum EventSource : byte
{
    Wakeup = 1,
    Timer = 2,
    Listener = 3,
    Client = 4,
    Child = 5,
    /// <summary>The read end of a service's readiness pipe (notification-fd).</summary>
    Readiness = 6,
    /// <summary>The inotify descriptor watching cgroup.events of services whose removal waits for their cgroups to empty.</summary>
    Cgroup = 7,
}

/// <summary>
/// epoll over everything perpd waits for, one timerfd set to the earliest deadline (armed
/// only while a deadline exists) and one eventfd that signal handlers poke. Waiting is the
/// only blocking point of the daemon; with nothing due it blocks without a timeout, so an
/// idle perpd makes no system calls.
/// </summary>
internal sealed unsafe class EventLoop : IDisposable
{
    private const int MaxEvents = 256;
    // struct epoll_event is packed on x86_64 (12 bytes) and naturally aligned elsewhere.
    private static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    private readonly int _epoll, _timer, _wakeup;
    private readonly byte* _events;
    private long _armedAt = long.MaxValue;

    public EventLoop()
    {
        _epoll = Check(Native.EpollCreate1(Native.EPOLL_CLOEXEC), "epoll_create1()");
        _timer = Check(Native.TimerfdCreate(Native.CLOCK_MONOTONIC, Native.TFD_CLOEXEC | Native.TFD_NONBLOCK), "timerfd_create()");
        _wakeup = Check(Libc.EventFd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK), "eventfd()");
        _events = (byte*)NativeMemory.AllocZeroed((nuint)(MaxEvents * EventSize));
        Add(_wakeup, EventSource.Wakeup, Native.EPOLLIN);
        Add(_timer, EventSource.Timer, Native.EPOLLIN);
    }

    /// <summary>The eventfd signal handlers write to.</summary>
    public int WakeupFd => _wakeup;

    /// <summary>Adds a descriptor perpd cannot run without (at start-up): a failure is fatal.</summary>
    public void Add(int fd, EventSource source, uint events)
    {
        int errno = TryAdd(fd, source, events);
        if (errno != 0) throw new PosixException(errno, "failure epoll_ctl()");
    }

    /// <summary>
    /// Adds a descriptor; returns 0 or the errno (ENOMEM, ENOSPC past fs.epoll.max_user_watches).
    /// Callers in the loop handle a failure (a child falls back to SIGCHLD, a client is
    /// closed): an epoll_ctl failure must never take perpd and its services down (issue #11).
    /// </summary>
    public int TryAdd(int fd, EventSource source, uint events) => Control(Native.EPOLL_CTL_ADD, fd, source, events);

    /// <summary>Changes the events of a registered descriptor; returns 0 or the errno.</summary>
    public int TryModify(int fd, EventSource source, uint events) => Control(Native.EPOLL_CTL_MOD, fd, source, events);

    public void Remove(int fd)
    {
        byte* ev = stackalloc byte[16];
        Native.EpollCtl(_epoll, Native.EPOLL_CTL_DEL, fd, ev);
    }

    private int Control(int op, int fd, EventSource source, uint events)
    {
        byte* ev = stackalloc byte[16];
        *(uint*)ev = events;
        ulong data = ((ulong)source << 32) | (uint)fd;
        BinaryPrimitives.WriteUInt64LittleEndian(new Span<byte>(ev + DataOffset, 8), data);
        return Native.EpollCtl(_epoll, op, fd, ev) != 0 ? Native.Errno : 0;
    }

    /// <summary>
    /// Sets the timer to fire at <paramref name="deadline"/> (CLOCK_MONOTONIC ns), or
    /// disarms it for <see cref="long.MaxValue"/>. A no-op when already so armed.
    /// </summary>
    public void ArmTimer(long deadline)
    {
        if (deadline == _armedAt) return;
        _armedAt = deadline;
        var spec = new Native.ITimerSpec();
        if (deadline != long.MaxValue)
        {
            // 0 would disarm: an overdue deadline fires one nanosecond after boot instead.
            long d = Math.Max(deadline, 1);
            spec.Value = new Native.TimeSpec { Seconds = d / 1_000_000_000L, Nanoseconds = d % 1_000_000_000L };
        }
        Native.TimerfdSetTime(_timer, Native.TFD_TIMER_ABSTIME, &spec, null);
    }

    /// <summary>Clears the timer's expiry count after it fired.</summary>
    public void AcknowledgeTimer()
    {
        ulong count;
        Libc.Read(_timer, (byte*)&count, 8);
        _armedAt = long.MaxValue;
    }

    /// <summary>Clears the wakeup counter.</summary>
    public void AcknowledgeWakeup()
    {
        ulong count;
        Libc.Read(_wakeup, (byte*)&count, 8);
    }

    /// <summary>Pokes the loop awake; async-signal-safe (one write).</summary>
    public static void Poke(int wakeupFd)
    {
        ulong one = 1;
        Libc.Write(wakeupFd, (byte*)&one, 8);
    }

    /// <summary>Blocks until something is ready; returns how many events are available.</summary>
    public int Wait()
    {
        while (true)
        {
            int n = Native.EpollWait(_epoll, _events, MaxEvents, -1);
            if (n >= 0) return n;
            if (Native.Errno != Errno.EINTR) throw new PosixException(Native.Errno, "failure epoll_wait()");
        }
    }

    /// <summary>The i-th ready event of the last <see cref="Wait"/>.</summary>
    public (EventSource Source, int Fd, uint Events) Event(int i)
    {
        byte* e = _events + i * EventSize;
        ulong data = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(e + DataOffset, 8));
        return ((EventSource)(data >> 32), (int)(uint)data, *(uint*)e);
    }

    private static int Check(int fd, string what) =>
        fd >= 0 ? fd : throw new PosixException(Native.Errno, "failure " + what);

    public void Dispose()
    {
        Libc.Close(_epoll);
        Libc.Close(_timer);
        Libc.Close(_wakeup);
        NativeMemory.Free(_events);
    }
}
