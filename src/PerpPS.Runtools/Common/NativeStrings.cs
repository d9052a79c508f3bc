using System.Runtime.InteropServices;
using System.Text;

namespace PerpPS.Runtools.Common;

/// <summary>
/// NULL-terminated arrays of NUL-terminated strings (argv, envp) in native memory. They
/// live until exec or process exit, so nothing is freed: an exec'd or spawned process
/// owns its copy once the call returns, and a failed exec ends the program anyway.
/// </summary>
internal static unsafe class NativeStrings
{
    public static byte* One(string s)
    {
        int n = Encoding.UTF8.GetByteCount(s);
        byte* p = (byte*)NativeMemory.Alloc((nuint)n + 1);
        Encoding.UTF8.GetBytes(s, new Span<byte>(p, n));
        p[n] = 0;
        return p;
    }

    public static byte** Array(IReadOnlyList<string> items)
    {
        byte** a = (byte**)NativeMemory.Alloc((nuint)(items.Count + 1), (nuint)sizeof(byte*));
        for (int i = 0; i < items.Count; i++) a[i] = One(items[i]);
        a[items.Count] = null;
        return a;
    }

    public static void FreeArray(byte** a)
    {
        for (byte** p = a; *p != null; p++) NativeMemory.Free(*p);
        NativeMemory.Free(a);
    }
}
