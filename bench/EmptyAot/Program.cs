// Nothing of ours on top of the Native AOT runtime: main returns at once. Built with
// daemon-floor.targets (EMPTYAOT_BLOCK) it blocks in pause(2) instead, a long-lived process
// whose smaps is perpd's floor (bench/issue13.sh, at200).
#if EMPTYAOT_BLOCK
Blocker.pause();
#endif
return 0;

#if EMPTYAOT_BLOCK
internal static partial class Blocker
{
    [System.Runtime.InteropServices.LibraryImport("libc")]
    internal static partial int pause();
}
#endif
