using PerpPS.Core.Interop;
using System.Buffers;
using System.Runtime.InteropServices;
using PerpPS.Core.Posix;
using PerpPS.Runtools.Common;
using PerpPS.Runtools.Interop;

namespace PerpPS.Runtools.Tinylog;

/// <summary>
/// Turns tinylog's input into stored lines (spec §12.1) and writes them to
/// <see cref="LogDirectory"/>: lines end at '\n', empty ones are dropped, control bytes
/// (below 32 except TAB) become '?', at most 1000 bytes per stored line including the
/// optional 24-byte stamp. Bytes ≥ 0x80 pass through unchanged — a deliberate fix: perp
/// turned each into '?', mangling every UTF-8 character; and a line cut at the limit is
/// cut back to a whole UTF-8 character. Lines of one read are gathered into one buffer and
/// written with one write(); the rotation check (size + line ≥ max, or a pending SIGHUP)
/// runs per line, so files are rotated exactly where perp rotates them.
/// </summary>
internal sealed unsafe class LogWriter
{
    public const int MaxStoredLine = 1000;
    private const int StampLength = Timestamp.Length + 2;
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(555);
    private static readonly SearchValues<byte> Control = SearchValues.Create(ControlBytes());

    private readonly Tool _tool;
    private readonly LogDirectory _dir;
    private readonly long _maxSize;
    private readonly bool _stamps;
    private readonly int _contentCap;
    private readonly Func<bool> _takeHangup;
    private readonly Func<bool> _terminating;
    private readonly byte[] _out = new byte[256 * 1024];
    private int _outLength;
    private readonly byte[] _partial = new byte[MaxStoredLine];
    private int _partialLength;
    private bool _inLine;

    public LogWriter(Tool tool, LogDirectory dir, long maxSize, bool stamps, Func<bool> takeHangup, Func<bool> terminating)
    {
        _terminating = terminating;
        _tool = tool;
        _dir = dir;
        _maxSize = maxSize;
        _stamps = stamps;
        _contentCap = stamps ? MaxStoredLine - StampLength : MaxStoredLine;
        _takeHangup = takeHangup;
    }

    /// <summary>Takes one chunk of input; writes every line it completes.</summary>
    public void Take(ReadOnlySpan<byte> chunk)
    {
        while (chunk.Length > 0)
        {
            int nl = chunk.IndexOf((byte)'\n');
            ReadOnlySpan<byte> piece = nl < 0 ? chunk : chunk[..nl];
            if (nl >= 0 && !_inLine)
            {
                Line(piece);
            }
            else
            {
                Append(piece);
                if (nl >= 0)
                {
                    Line(_partial.AsSpan(0, _partialLength));
                    _partialLength = 0;
                    _inLine = false;
                }
            }
            if (nl < 0) break;
            chunk = chunk[(nl + 1)..];
        }
        Flush();
    }

    /// <summary>EOF: an unterminated last line is stored with its '\n'.</summary>
    public void Finish()
    {
        if (_inLine) Line(_partial.AsSpan(0, _partialLength));
        _partialLength = 0;
        _inLine = false;
        Flush();
    }

    private void Append(ReadOnlySpan<byte> piece)
    {
        _inLine = true;
        int room = _partial.Length - _partialLength;
        if (room <= 0) return;
        var take = piece.Length > room ? piece[..room] : piece;
        take.CopyTo(_partial.AsSpan(_partialLength));
        _partialLength += take.Length;
    }

    private void Line(ReadOnlySpan<byte> content)
    {
        if (content.Length == 0) return;
        if (content.Length > _contentCap) content = CutToCharacter(content, _contentCap);
        int length = (_stamps ? StampLength : 0) + content.Length + 1;

        bool hangup = _takeHangup();
        if ((hangup || _dir.Size + _outLength + length >= _maxSize) && _dir.Size + _outLength > 0)
        {
            Flush();
            _dir.Rotate();
        }
        if (_outLength + length > _out.Length) Flush();

        var into = _out.AsSpan(_outLength);
        int at = 0;
        if (_stamps)
        {
            Timestamp.Write(DateTime.UtcNow, into);
            into[Timestamp.Length] = (byte)':';
            into[Timestamp.Length + 1] = (byte)' ';
            at = StampLength;
        }
        var text = into.Slice(at, content.Length);
        content.CopyTo(text);
        for (int i = text.IndexOfAny(Control); i >= 0;)
        {
            text[i] = (byte)'?';
            int next = text[(i + 1)..].IndexOfAny(Control);
            i = next < 0 ? -1 : i + 1 + next;
        }
        into[at + content.Length] = (byte)'\n';
        _outLength += length;
    }

    /// <summary>The first <paramref name="cap"/> bytes, shortened so no UTF-8 character is split.</summary>
    private static ReadOnlySpan<byte> CutToCharacter(ReadOnlySpan<byte> content, int cap)
    {
        int end = cap;
        // content[end] is the first byte dropped; while it continues a character, drop back.
        for (int back = 0; back < 3 && end > 0 && (content[end] & 0xC0) == 0x80; back++) end--;
        if ((content[end] & 0xC0) == 0x80) end = cap;
        return content[..end];
    }

    /// <summary>
    /// Writes the gathered lines; a failing write (disk full) is retried every 0.555 s with
    /// perp's warning, while stdin waits and the writers block on the full pipe. Decision:
    /// a SIGTERM during that wait ends tinylog with 111 (as perp does for rotation retries)
    /// so a full disk cannot hang a shutdown, but only after one more write attempt once the
    /// signal was seen: space freed during the pause is used, not thrown away with the lines
    /// (issue #11: a SIGTERM while full, then space freed, lost a line). Exiting, tinylog cuts
    /// a line the disk took only part of back out of <c>current</c>, so no line is left torn.
    /// </summary>
    public void Flush()
    {
        int done = 0;
        bool lastChance = false;
        while (done < _outLength)
        {
            nint n;
            fixed (byte* p = &_out[done]) n = Libc.Write(_dir.Fd, p, _outLength - done);
            if (n > 0)
            {
                done += (int)n;
                _dir.Size += n;
                continue;
            }
            int errno = n < 0 ? Marshal.GetLastPInvokeError() : Errno.ENOSPC;
            if (errno == Errno.EINTR) continue;
            if (lastChance)
            {
                CutTornLine(done);
                throw _tool.Fatal("terminating on signal during failure write() on current", errno);
            }
            _tool.Warn($"pausing on write() error: {Errno.Describe(errno)}");
            Thread.Sleep(Pause);
            if (_terminating()) lastChance = true;
        }
        _outLength = 0;
    }

    /// <summary>Truncates <c>current</c> to the end of the last whole line written of the buffer.</summary>
    private void CutTornLine(int written)
    {
        int lastNewline = _out.AsSpan(0, written).LastIndexOf((byte)'\n');
        int torn = written - (lastNewline + 1);
        if (torn == 0) return;
        if (Libc.Ftruncate(_dir.Fd, _dir.Size - torn) == 0) _dir.Size -= torn;
    }

    private static byte[] ControlBytes()
    {
        var bytes = new List<byte>();
        for (int b = 0; b < 32; b++)
            if (b != '\t') bytes.Add((byte)b);
        return bytes.ToArray();
    }
}
