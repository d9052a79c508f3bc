using System.Text;

namespace PerpPS.Tools.Io;

/// <summary>
/// One line of output built from text and raw bytes. Service and base names are bytes on
/// Linux and perp prints them as given, so a name that is not UTF-8 comes out unchanged.
/// </summary>
internal sealed class Line
{
    private byte[] _buffer = new byte[128];
    private int _length;

    public int Length => _length;

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

    /// <summary>Appends text (UTF-8).</summary>
    public Line S(string text)
    {
        Ensure(Encoding.UTF8.GetMaxByteCount(text.Length));
        _length += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_length));
        return this;
    }

    /// <summary>Appends raw bytes.</summary>
    public Line B(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
        return this;
    }

    /// <summary>Appends an unsigned decimal number.</summary>
    public Line N(ulong value)
    {
        Ensure(20);
        value.TryFormat(_buffer.AsSpan(_length), out int written, default, System.Globalization.CultureInfo.InvariantCulture);
        _length += written;
        return this;
    }

    /// <summary>Appends one byte repeated.</summary>
    public Line Repeat(byte b, int count)
    {
        if (count <= 0) return this;
        Ensure(count);
        _buffer.AsSpan(_length, count).Fill(b);
        _length += count;
        return this;
    }

    public override string ToString() => Encoding.UTF8.GetString(Span);

    private void Ensure(int more)
    {
        if (_length + more <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
    }
}
