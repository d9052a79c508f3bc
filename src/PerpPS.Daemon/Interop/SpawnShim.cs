using System.Runtime.InteropServices;

namespace PerpPS.Daemon.Interop;

/// <summary>
/// The C spawn shim (<c>Native/perpd_spawn.c</c>): linked into the Native AOT perpd as an
/// object file (DirectPInvoke), loaded as <c>libperpd_spawn.so</c> from beside the JIT build.
/// <see cref="Request"/> mirrors <c>struct perpd_spawn_request</c> field for field.
/// </summary>
internal static unsafe partial class SpawnShim
{
    private const string Library = "perpd_spawn";

    /// <summary>Descriptor-plan entries a request holds (MAX_FDS in the C file).</summary>
    public const int MaxFds = 16;

    /// <summary>Which step of the child failed.</summary>
    public const int StepNone = 0, StepFchdir = 1, StepDup2 = 2, StepExecve = 3, StepCgroup = 4, StepSetsid = 5, StepPlan = 6;

    [StructLayout(LayoutKind.Sequential)]
    public struct Request
    {
        public byte* Path;
        public byte** Argv;
        public byte** Envp;
        /// <summary>CLOCK_MONOTONIC ns the child sleeps until before exec (a real fork); 0: none.</summary>
        public long HoldUntil;
        public int SvpidIndex;
        /// <summary>With <see cref="HoldUntil"/>: the write end of the child's report pipe; -1: none.</summary>
        public int ReportFd;
        public int DirFd;
        public int CgroupFd;
        public int NewSession;
        public int FdCount;
        public fixed int FdSource[MaxFds];
        public fixed int FdTarget[MaxFds];
        public int MaxFd;
        // results
        public int Pid;
        public int PidFd;
        public int FailedStep;
        public int FailedFd;
        public int Error;
        public int InCgroup;
        public fixed byte Svpid[32];
    }

    /// <summary>0 when a process was created (see <see cref="Request.FailedStep"/>), else the clone's errno.</summary>
    [LibraryImport(Library, EntryPoint = "perpd_spawn")]
    public static partial int Spawn(Request* request);
}
