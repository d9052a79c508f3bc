using System.Runtime.InteropServices;
using System.Text;

namespace PerpPS.Daemon;

/// <summary>
/// The environment every runscript gets (spec §3.2 step 5): perpd's own environment,
/// byte for byte as the kernel gave it (read from /proc/self/environ, so non-UTF-8 values
/// survive), plus PERP_BASE and, per spawn, PERP_SVPID and PERP_SVSECS. Built once in
/// native memory; a spawn only fills the two per-spawn slots.
/// </summary>
internal sealed unsafe class EnvironmentBlock : IDisposable
{
    private readonly byte** _pointers;
    private readonly int _fixedCount;
    private readonly List<nint> _owned = new();

    /// <summary>How many entries every spawn gets: the index of the first per-spawn slot.</summary>
    public int FixedCount => _fixedCount;

    public EnvironmentBlock(string baseDirectory)
    {
        var entries = new List<byte[]>();
        byte[] raw;
        try { raw = File.ReadAllBytes("/proc/self/environ"); }
        catch (IOException) { raw = []; }
        int start = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            if (raw[i] != 0) continue;
            var entry = raw.AsSpan(start, i - start);
            start = i + 1;
            if (entry.IsEmpty || entry.StartsWith("PERP_BASE="u8) || entry.StartsWith("PERP_SVPID="u8)
                || entry.StartsWith("PERP_SVSECS="u8)) continue;
            entries.Add(entry.ToArray());
        }
        entries.Add(Encoding.UTF8.GetBytes("PERP_BASE=" + baseDirectory));
        _fixedCount = entries.Count;
        _pointers = (byte**)NativeMemory.AllocZeroed((nuint)((_fixedCount + 3) * sizeof(nint)));
        for (int i = 0; i < entries.Count; i++)
        {
            byte* p = (byte*)NativeMemory.Alloc((nuint)entries[i].Length + 1);
            entries[i].CopyTo(new Span<byte>(p, entries[i].Length));
            p[entries[i].Length] = 0;
            _pointers[i] = p;
            _owned.Add((nint)p);
        }
    }

    /// <summary>
    /// The envp for one spawn: the fixed entries, then up to two extra NUL-terminated
    /// strings (null = absent). The pointers stay valid until the next call.
    /// </summary>
    public byte** With(byte* extra1, byte* extra2)
    {
        int n = _fixedCount;
        if (extra1 != null) _pointers[n++] = extra1;
        if (extra2 != null) _pointers[n++] = extra2;
        _pointers[n] = null;
        return _pointers;
    }

    public void Dispose()
    {
        foreach (nint p in _owned) NativeMemory.Free((void*)p);
        NativeMemory.Free(_pointers);
    }
}
