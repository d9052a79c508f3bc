using System.Collections;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;

namespace PerpPS.Cmdlets.Engine;

/// <summary>
/// Starts perpd detached: posix_spawn with a new session (POSIX_SPAWN_SETSID), an empty
/// signal mask, default dispositions for every signal 1–64 (Core's SpawnAttributes), stdin from /dev/null and
/// stdout/stderr appended to a log file. The environment is the session's, with the
/// program's own directory put first on PATH so runscripts find the bundled tools.
/// </summary>
internal static unsafe class DaemonLauncher
{
    /// <summary>Spawns <paramref name="program"/> with <paramref name="args"/>; returns its pid.</summary>
    public static int Start(string program, IReadOnlyList<string> args, string logPath)
    {
        var argv = new List<byte[]> { NativePath.ToBytes(program) };
        foreach (string a in args) argv.Add(NativePath.ToBytes(a));
        var envp = new List<byte[]>();
        string programDir = Path.GetDirectoryName(program) ?? "/";
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            string key = (string)e.Key;
            string value = (string?)e.Value ?? "";
            if (key == "PATH") value = programDir + ":" + value;
            envp.Add(NativePath.ToBytes(key + "=" + value));
        }
        if (Environment.GetEnvironmentVariable("PATH") == null) envp.Add(NativePath.ToBytes("PATH=" + programDir + ":/usr/bin:/bin"));

        var pins = new List<System.Runtime.InteropServices.GCHandle>();
        try
        {
            byte** av = stackalloc byte*[argv.Count + 1];
            for (int i = 0; i < argv.Count; i++) av[i] = Pin(argv[i], pins);
            av[argv.Count] = null;
            byte** ev = (byte**)System.Runtime.InteropServices.NativeMemory.AllocZeroed((nuint)(envp.Count + 1), (nuint)sizeof(byte*));
            try
            {
                for (int i = 0; i < envp.Count; i++) ev[i] = Pin(envp[i], pins);
                return SpawnWith(av, ev, logPath);
            }
            finally
            {
                System.Runtime.InteropServices.NativeMemory.Free(ev);
            }
        }
        finally
        {
            foreach (var h in pins) h.Free();
        }
    }

    private static int SpawnWith(byte** argv, byte** envp, string logPath)
    {
        byte[] devNull = NativePath.ToBytes("/dev/null");
        byte[] log = NativePath.ToBytes(logPath);
        using var attr = new SpawnAttributes(newSession: true);
        using var actions = new SpawnFileActions();
        fixed (byte* n = devNull) actions.AddOpen(0, n, Libc.O_RDONLY, 0);
        fixed (byte* l = log) actions.AddOpen(1, l, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND, 0x1A4);
        actions.AddDup2(1, 2);
        if (actions.Error != 0) throw new PosixException(actions.Error, "failure " + actions.FailedCall + "() for perpd");
        int pid;
        int rc = Libc.PosixSpawn(&pid, argv[0], actions.Pointer, attr.Pointer, argv, envp);
        if (rc != 0) throw new PosixException(rc, "failure posix_spawn() of perpd");
        return pid;
    }

    private static byte* Pin(byte[] bytes, List<System.Runtime.InteropServices.GCHandle> pins)
    {
        var h = System.Runtime.InteropServices.GCHandle.Alloc(bytes, System.Runtime.InteropServices.GCHandleType.Pinned);
        pins.Add(h);
        return (byte*)h.AddrOfPinnedObject();
    }

    /// <summary>Reaps <paramref name="pid"/> if it is our exited child; true when it was reaped or is not ours.</summary>
    public static bool TryReap(int pid)
    {
        int status;
        int rc = Libc.WaitPid(pid, &status, Libc.WNOHANG);
        return rc != 0;
    }
}
