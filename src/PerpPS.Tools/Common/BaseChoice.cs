using System.Text;

namespace PerpPS.Tools.Common;

/// <summary>
/// Where each tool takes its base from when none is given (spec §14.4), with perp's exact
/// treatment of an empty PERP_BASE: perpctl, perpls and perphup treat it as unset, perpok
/// and perpstat keep it (and then fail to chdir into "", exit 111) — reproduced on purpose,
/// since scripts may rely on either.
/// </summary>
internal static class BaseChoice
{
    /// <summary>perpctl, perpls: -b, else PERP_BASE, and "." when that leaves nothing or "" (even -b "").</summary>
    public static byte[] ForControl(byte[]? given) =>
        (given ?? Env()) is { Length: > 0 } chosen ? chosen : "."u8.ToArray();

    /// <summary>perpok, perpstat: -b, else PERP_BASE even when empty, else ".".</summary>
    public static byte[] ForStatus(byte[]? given) => given ?? Env() ?? "."u8.ToArray();

    /// <summary>perphup: the operand, else a non-empty PERP_BASE, else /etc/perp.</summary>
    public static byte[] ForHup(byte[]? given) =>
        (given ?? Env()) is { Length: > 0 } chosen ? chosen
        : Encoding.UTF8.GetBytes(PerpPS.Core.Client.PerpPaths.DefaultBase);

    private static byte[]? Env() =>
        Environment.GetEnvironmentVariable("PERP_BASE") is { } v ? Encoding.UTF8.GetBytes(v) : null;
}
