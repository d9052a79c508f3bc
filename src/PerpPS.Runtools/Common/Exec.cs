using PerpPS.Core.Interop;
using System.Runtime.InteropServices;
using PerpPS.Core.Posix;
using PerpPS.Runtools.Interop;

namespace PerpPS.Runtools.Common;

/// <summary>
/// The last step of every runtool: execve() the next program, found by perp's execvx
/// rules (spec §13): a name with '/' is used as is; otherwise each element of $PATH of
/// the current environment (default "/bin:/usr/bin"; an empty element means ".") is
/// tried; EACCES, EPERM, EISDIR, ENOENT and ENOTDIR move on to the next element, any other
/// error stops the search. Failure: "PROG: fatal: unable to run P: MESG (ENAME)", 111.
/// Everything execve needs is converted to native memory by <see cref="Prepare"/>, so a
/// tool can prepare before it lowers its own limits (runtool -R o=8) or identity.
/// </summary>
internal sealed unsafe class Exec
{
    public const string DefaultPath = "/bin:/usr/bin";

    private readonly string _program;
    private readonly byte*[] _candidates;
    private readonly bool _searched;
    private readonly byte** _argv;
    private readonly byte** _env;

    private Exec(string program, byte*[] candidates, bool searched, byte** argv, byte** env)
    {
        _program = program;
        _candidates = candidates;
        _searched = searched;
        _argv = argv;
        _env = env;
    }

    /// <param name="argv">argv for the program; argv[0] is normally <paramref name="program"/>.</param>
    /// <param name="searchPath">The PATH to search; null = $PATH of this process.</param>
    public static Exec Prepare(string program, IReadOnlyList<string> argv, Environ env, string? searchPath = null)
    {
        byte*[] candidates;
        bool searched = !program.Contains('/');
        if (!searched)
        {
            candidates = new[] { NativeStrings.One(program) };
        }
        else
        {
            string path = searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? DefaultPath;
            string[] elements = path.Split(':');
            candidates = new byte*[elements.Length];
            for (int i = 0; i < elements.Length; i++)
            {
                string dir = elements[i].Length == 0 ? "." : elements[i];
                candidates[i] = NativeStrings.One(dir.EndsWith('/') ? dir + program : dir + "/" + program);
            }
        }
        return new Exec(program, candidates, searched, NativeStrings.Array(argv), NativeStrings.Array(env.ToEntries()));
    }

    /// <summary>Prepares and runs; returns only by handing back the 111 exit to throw.</summary>
    public static ToolExit Run(Tool tool, string program, IReadOnlyList<string> argv, Environ env, string? searchPath = null) =>
        Prepare(program, argv, env, searchPath).Run(tool);

    /// <summary>Replaces the process; returns only the 111 exit to throw.</summary>
    public ToolExit Run(Tool tool) => tool.Fatal($"unable to run {_program}", TryRun());

    /// <summary>execve along the search path; returns the errno when nothing could be run.</summary>
    public int TryRun()
    {
        PrepareSignals();
        int errno = Errno.ENOENT;
        foreach (byte* candidate in _candidates)
        {
            Sys.Execve(candidate, _argv, _env);
            int e = Marshal.GetLastPInvokeError();
            if (!_searched) return e;
            if (e == Errno.EACCES || e == Errno.EPERM || e == Errno.EISDIR)
            {
                errno = e;
                continue;
            }
            if (e == Errno.ENOENT || e == Errno.ENOTDIR) continue;
            return e;
        }
        return errno;
    }

    /// <summary>
    /// The .NET runtime ignores SIGPIPE in its own process and that disposition would
    /// survive execve; the next program gets the default back, and an empty signal mask,
    /// as it would after perp's C runtools.
    /// </summary>
    public static void PrepareSignals()
    {
        Libc.Signal(SignalNames.SIGPIPE, 0);
        byte* set = stackalloc byte[Libc.SigSetSize];
        Libc.SigEmptySet(set);
        Sys.Sigprocmask(Sys.SIG_SETMASK, set, null);
    }
}
