using System.Runtime.InteropServices;
using PerpPS.Runtools.Interop;

namespace PerpPS.Runtools.Common;

/// <summary>Dropping to an account: supplementary groups, gid, uid, in that order (setuid last, since it loses the right to the others).</summary>
internal static unsafe class Identity
{
    public const int MaxGroups = 32;

    /// <summary>Sets the supplementary groups to <paramref name="groups"/>; 0 or the errno.</summary>
    public static int SetGroups(IReadOnlyList<uint> groups)
    {
        uint* list = stackalloc uint[Math.Max(groups.Count, 1)];
        for (int i = 0; i < groups.Count; i++) list[i] = groups[i];
        return Sys.Setgroups((nuint)groups.Count, list) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>initgroups(account, gid): every group the database lists for the account.</summary>
    public static int InitGroups(string account, uint gid)
    {
        byte* n = NativeStrings.One(account);
        return Sys.Initgroups(n, gid) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    public static int SetGid(uint gid) => Sys.Setgid(gid) == 0 ? 0 : Marshal.GetLastPInvokeError();

    public static int SetUid(uint uid) => Sys.Setuid(uid) == 0 ? 0 : Marshal.GetLastPInvokeError();
}
