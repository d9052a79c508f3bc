using System.Text;
using PerpPS.Core.Posix;

namespace PerpPS.Cmdlets.Engine;

/// <summary>
/// Follows a tinylog "current" like tail -F: new complete lines as they are written, and
/// across a rotation (a new inode under the name) the rest of the old file, then the new one
/// from its start. Polls every 200 ms; stops when the token is cancelled.
/// </summary>
internal sealed class LogFollower : IDisposable
{
    private readonly string _path;
    private FileStream? _stream;
    private ulong _inode;
    private readonly StringBuilder _partial = new();
    private readonly byte[] _buffer = new byte[8192];

    public LogFollower(string currentPath, bool fromEnd)
    {
        _path = currentPath;
        Open(fromEnd);
    }

    /// <summary>Complete lines written since the last call.</summary>
    public List<string> Poll()
    {
        var lines = new List<string>();
        if (_stream == null)
        {
            Open(fromEnd: false);
            if (_stream == null) return lines;
        }
        Drain(lines);
        if (FileStatus.TryStat(_path, out var now) == 0 && now.Id.Inode != _inode)
        {
            // Rotated: the old file is complete (tinylog closed it); continue with the new one.
            Drain(lines);
            _stream.Dispose();
            _partial.Clear();
            Open(fromEnd: false);
            if (_stream != null) Drain(lines);
        }
        return lines;
    }

    private void Open(bool fromEnd)
    {
        try
        {
            _stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            _inode = FileStatus.TryStat(_path, out var st) == 0 ? st.Id.Inode : 0;
            if (fromEnd) _stream.Seek(0, SeekOrigin.End);
        }
        catch (FileNotFoundException)
        {
            _stream = null;
        }
    }

    private void Drain(List<string> lines)
    {
        int n;
        while ((n = _stream!.Read(_buffer, 0, _buffer.Length)) > 0)
        {
            _partial.Append(Encoding.UTF8.GetString(_buffer, 0, n));
            string text = _partial.ToString();
            int start = 0, nl;
            while ((nl = text.IndexOf('\n', start)) >= 0)
            {
                lines.Add(text[start..nl]);
                start = nl + 1;
            }
            _partial.Clear().Append(text, start, text.Length - start);
        }
    }

    public void Dispose() => _stream?.Dispose();
}
