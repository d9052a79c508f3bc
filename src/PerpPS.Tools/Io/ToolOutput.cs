using System.Buffers;

namespace PerpPS.Tools.Io;

/// <summary>
/// A tool's two output streams. Standard output is buffered and flushed before anything
/// goes to standard error (as perp's ioq-based tools do), so on a terminal the lines keep
/// their order; standard error is written a whole line at a time.
/// </summary>
internal sealed class ToolOutput
{
    private readonly Stream _out;
    private readonly Stream _err;
    // A growable byte buffer (not a MemoryStream: nothing here needs disposing).
    private readonly ArrayBufferWriter<byte> _pending = new();

    public ToolOutput(Stream stdout, Stream stderr)
    {
        _out = stdout;
        _err = stderr;
    }

    /// <summary>The process's real standard output and error (fds 1 and 2, see <see cref="DescriptorStream"/>).</summary>
    public static ToolOutput Console() => new(new DescriptorStream(1), new DescriptorStream(2));

    /// <summary>Queues bytes for standard output.</summary>
    public void Out(ReadOnlySpan<byte> bytes) => _pending.Write(bytes);

    /// <summary>Queues a line (and its newline) for standard output.</summary>
    public void OutLine(Line line)
    {
        _pending.Write(line.Span);
        _pending.Write("\n"u8);
    }

    /// <summary>Writes a line (and its newline) to standard error, after flushing standard output.</summary>
    public void ErrLine(Line line)
    {
        Flush();
        var bytes = new byte[line.Length + 1];
        line.Span.CopyTo(bytes);
        bytes[^1] = (byte)'\n';
        Quietly(() => { _err.Write(bytes); _err.Flush(); });
    }

    /// <summary>Writes what standard output has queued.</summary>
    public void Flush()
    {
        if (_pending.WrittenCount == 0) return;
        var data = _pending.WrittenMemory;
        Quietly(() => { _out.Write(data.Span); _out.Flush(); });
        _pending.ResetWrittenCount();
    }

    // A closed pipe (perpls | head) must not turn into a crash; perp's tools just exit.
    private static void Quietly(Action write)
    {
        try
        {
            write();
        }
        catch (IOException)
        {
        }
    }
}
