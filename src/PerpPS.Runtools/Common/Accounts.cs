using PerpPS.Core.Interop;
using PerpPS.Runtools.Interop;

namespace PerpPS.Runtools.Common;

/// <summary>A user account from the password database.</summary>
internal readonly record struct Account(string Name, uint Uid, uint Gid);

/// <summary>getpwnam/getgrnam lookups (NSS included), as runuid, runenv -U and runtool use them.</summary>
internal static unsafe class Accounts
{
    /// <summary>The account called <paramref name="name"/>, or null when there is none.</summary>
    public static Account? FindUser(string name)
    {
        byte* n = NativeStrings.One(name);
        byte* pw = Sys.Getpwnam(n);
        if (pw == null) return null;
        // struct passwd on 64-bit glibc: pw_name, pw_passwd, then pw_uid and pw_gid at 16 and 20.
        return new Account(name, *(uint*)(pw + 16), *(uint*)(pw + 20));
    }

    /// <summary>The gid of group <paramref name="name"/> (a name, or a number), or null.</summary>
    public static uint? FindGroup(string name)
    {
        byte* n = NativeStrings.One(name);
        byte* gr = Libc.GetGrNam(n);
        // struct group: gr_name, gr_passwd, then gr_gid at 16.
        if (gr != null) return *(uint*)(gr + 16);
        return uint.TryParse(name, out uint gid) ? gid : null;
    }
}
