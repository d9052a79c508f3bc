using PerpPS.Core.Interop;
using System.Text;
using PerpPS.Core.Posix;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>
/// perpd's stderr, worded exactly as perp's (spec §2.7): <c>perpd[PID]: text</c> for
/// information, <c>warning: perpd[PID]: text</c> and <c>error: perpd[PID]: text</c> otherwise.
/// Each line is assembled in one reusable buffer and written with a single write(2), so
/// operators and tests see it at once and a busy daemon makes no extra system calls.
/// Service names are bytes and are copied as bytes. Only the loop thread logs.
/// </summary>
internal sealed unsafe class DaemonLog
{
    private readonly byte[] _buffer = new byte[2048];
    private int _length;
    private readonly byte[] _info, _warning, _error;

    public DaemonLog(int pid)
    {
        Pid = pid;
        _info = Encoding.ASCII.GetBytes($"perpd[{pid}]: ");
        _warning = Encoding.ASCII.GetBytes($"warning: perpd[{pid}]: ");
        _error = Encoding.ASCII.GetBytes($"error: perpd[{pid}]: ");
    }

    public int Pid { get; }

    public DaemonLog Info() => Begin(_info);
    public DaemonLog Warning() => Begin(_warning);
    public DaemonLog Error() => Begin(_error);

    private DaemonLog Begin(byte[] prefix)
    {
        _length = 0;
        return Add(prefix);
    }

    public DaemonLog Add(ReadOnlySpan<byte> bytes)
    {
        int n = Math.Min(bytes.Length, _buffer.Length - 1 - _length);
        bytes[..n].CopyTo(_buffer.AsSpan(_length));
        _length += n;
        return this;
    }

    public DaemonLog Add(string text)
    {
        int room = _buffer.Length - 1 - _length;
        if (Encoding.UTF8.GetMaxByteCount(text.Length) <= room || Encoding.UTF8.GetByteCount(text) <= room)
            _length += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_length));
        return this;
    }

    public DaemonLog Add(long number)
    {
        if (number.TryFormat(_buffer.AsSpan(_length, _buffer.Length - 1 - _length), out int written))
            _length += written;
        return this;
    }

    /// <summary>Appends perp's "MESG (ENAME)" for an errno.</summary>
    public DaemonLog Errno(int errno) => Add(Core.Posix.Errno.Describe(errno));

    /// <summary>Ends the line and writes it to fd 2.</summary>
    public void Line()
    {
        _buffer[_length++] = (byte)'\n';
        fixed (byte* b = _buffer)
        {
            int done = 0;
            while (done < _length)
            {
                nint w = Libc.Write(2, b + done, _length - done);
                if (w < 0)
                {
                    if (Native.Errno == Core.Posix.Errno.EINTR) continue;
                    break;
                }
                done += (int)w;
            }
        }
        _length = 0;
    }

    /// <summary>"N active service(s)" and similar: perp drops the plural only for exactly one.</summary>
    public DaemonLog Count(long n, string singular, string plural) => Add(n).Add(n == 1 ? singular : plural);

    /// <summary>A signal's name from perp's table.</summary>
    public DaemonLog Signal(int signal) => Add(SignalNames.Name(signal));
}
