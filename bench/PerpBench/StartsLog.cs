using PerpPS.Core.Interop;
using System.Diagnostics;
using System.Text;
using PerpPS.Core.Posix;

namespace PerpBench;

/// <summary>
/// The file every bench runscript appends "NAME PID\n" to when it starts (one short
/// O_APPEND write, atomic). Read incrementally; woken by inotify, so a new start is seen
/// within microseconds without a busy poll that would steal the supervisor's CPU.
/// </summary>
public sealed unsafe class StartsLog : IDisposable
{
    private readonly string _path;
    private readonly int _inotify;
    private long _offset;
    private string _partial = "";

    /// <summary>Latest pid per service name, and how many starts were seen in all.</summary>
    public Dictionary<string, int> Pids { get; } = new(StringComparer.Ordinal);
    public int Starts { get; private set; }
    /// <summary>When each name was first seen, in Stopwatch ticks.</summary>
    public Dictionary<string, long> FirstSeen { get; } = new(StringComparer.Ordinal);

    public StartsLog(string path)
    {
        _path = path;
        if (!File.Exists(path)) File.WriteAllText(path, "");
        _inotify = Native.InotifyInit1(Native.IN_CLOEXEC | Native.IN_NONBLOCK);
        if (_inotify < 0) throw new IOException("inotify_init1 failed");
        fixed (byte* p = NativePath.ToBytes(path))
            if (Native.InotifyAddWatch(_inotify, p, Native.IN_MODIFY) < 0) throw new IOException("inotify_add_watch failed on " + path);
    }

    /// <summary>Reads what was appended since the last call; returns the new (name, pid) pairs.</summary>
    public List<(string Name, int Pid)> ReadNew()
    {
        var result = new List<(string, int)>();
        using var fs = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (fs.Length <= _offset) return result;
        fs.Seek(_offset, SeekOrigin.Begin);
        var buffer = new byte[fs.Length - _offset];
        int got = fs.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        _offset += got;
        string text = _partial + Encoding.UTF8.GetString(buffer, 0, got);
        int last = text.LastIndexOf('\n');
        _partial = last < 0 ? text : text[(last + 1)..];
        if (last < 0) return result;
        long now = Stopwatch.GetTimestamp();
        foreach (string line in text[..last].Split('\n'))
        {
            int sp = line.LastIndexOf(' ');
            if (sp <= 0 || !int.TryParse(line[(sp + 1)..], out int pid)) continue;
            string name = line[..sp];
            Pids[name] = pid;
            FirstSeen.TryAdd(name, now);
            Starts++;
            result.Add((name, pid));
        }
        return result;
    }

    /// <summary>Blocks until the file changes or <paramref name="timeoutMs"/> passes.</summary>
    public void WaitForChange(int timeoutMs)
    {
        var pfd = new Libc.PollFd { Fd = _inotify, Events = Libc.POLLIN };
        Libc.Poll(&pfd, 1, timeoutMs);
        byte* drain = stackalloc byte[4096];
        while (Libc.Read(_inotify, drain, 4096) > 0) { }
    }

    /// <summary>Waits until <paramref name="done"/> holds after some read, or the deadline.</summary>
    public bool WaitUntil(Func<bool> done, TimeSpan timeout, Action<(string Name, int Pid)>? onStart = null)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            foreach (var s in ReadNew()) onStart?.Invoke(s);
            if (done()) return true;
            long left = (long)(timeout - sw.Elapsed).TotalMilliseconds;
            if (left <= 0) return false;
            WaitForChange((int)Math.Min(left, 200));
        }
    }

    public void Dispose() => Libc.Close(_inotify);
}
