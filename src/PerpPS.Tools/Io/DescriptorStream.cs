using System.Runtime.InteropServices;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;

namespace PerpPS.Tools.Io;

/// <summary>
/// A write-only stream over an inherited file descriptor using plain write(2). Neither of
/// .NET's alternatives will do for standard output: Console streams emit terminal set-up
/// sequences on a tty, and FileStream writes a regular file with pwrite at its own idea of
/// the offset, so "perpls >> log" from two processes would overwrite instead of append.
/// </summary>
internal sealed unsafe class DescriptorStream(int fd) : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            nint n;
            fixed (byte* p = buffer) n = Libc.Write(fd, p, buffer.Length);
            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.EINTR) continue;
                throw new IOException($"write() on descriptor {fd}: {Errno.Describe(errno)}");
            }
            buffer = buffer[(int)n..];
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
