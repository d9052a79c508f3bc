namespace PerpPS.Core.Posix;

/// <summary>
/// The permission modes PerpPS creates files and directories with, named by their octal
/// digits (C# has no octal literal, and a hex mode such as 0x1C0 reads as nothing at all).
/// </summary>
public static class FileModes
{
    /// <summary>rwx------: the control directory and its socket without -g.</summary>
    public const uint Mode0700 = 0b111_000_000;

    /// <summary>rwxr-x---: a .control perpd made, opened to the -g group.</summary>
    public const uint Mode0750 = 0b111_101_000;

    /// <summary>rwxrwx---: the control socket with -g.</summary>
    public const uint Mode0770 = 0b111_111_000;

    /// <summary>rw-------: the lock file while it is being written.</summary>
    public const uint Mode0600 = 0b110_000_000;

    /// <summary>rw-r--r--: lock and log files.</summary>
    public const uint Mode0644 = 0b110_100_100;

    /// <summary>rwxr-xr-x: runscripts.</summary>
    public const uint Mode0755 = 0b111_101_101;

    /// <summary>The bits chmod(2) takes: permissions plus set-id and sticky (07777).</summary>
    public const uint ChmodBits = 0xFFF;
}
