using System.Runtime.InteropServices;

namespace PerpPS.Daemon.Interop;

/// <summary>epoll, timerfd and eventfd: the pieces of perpd's single-threaded event loop.</summary>
internal static unsafe partial class Native
{
    public const int EPOLL_CLOEXEC = 0x80000;
    public const int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;
    public const uint EPOLLIN = 0x001, EPOLLOUT = 0x004, EPOLLERR = 0x008, EPOLLHUP = 0x010;

    public const int CLOCK_MONOTONIC = 1;
    public const int TFD_NONBLOCK = 0x800, TFD_CLOEXEC = 0x80000, TFD_TIMER_ABSTIME = 1;

    [LibraryImport(LibC, EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate1(int flags);

    /// <summary>struct epoll_event is packed (12 bytes) on x86_64 and 16 bytes elsewhere.</summary>
    [LibraryImport(LibC, EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(int epfd, int op, int fd, byte* epollEvent);

    [LibraryImport(LibC, EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epfd, byte* events, int maxEvents, int timeout);

    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct ITimerSpec
    {
        public TimeSpec Interval;
        public TimeSpec Value;
    }

    [LibraryImport(LibC, EntryPoint = "timerfd_create", SetLastError = true)]
    public static partial int TimerfdCreate(int clock, int flags);

    [LibraryImport(LibC, EntryPoint = "timerfd_settime", SetLastError = true)]
    public static partial int TimerfdSetTime(int fd, int flags, ITimerSpec* value, ITimerSpec* old);

    [LibraryImport(LibC, EntryPoint = "clock_gettime")]
    public static partial int ClockGetTime(int clock, TimeSpec* value);

    /// <summary>CLOCK_MONOTONIC in nanoseconds (a vDSO call, no system call).</summary>
    public static long MonotonicNanoseconds()
    {
        TimeSpec ts;
        // CLOCK_MONOTONIC exists on every kernel perpd runs on and &ts is valid: no EINVAL or EFAULT.
        _ = ClockGetTime(CLOCK_MONOTONIC, &ts);
        return ts.Seconds * 1_000_000_000L + ts.Nanoseconds;
    }
}
