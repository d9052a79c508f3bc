/*
 * perpd's spawn shim: the one piece of perpd written in C, because the work between
 * creating a process and exec'ing the runscript cannot run managed code.
 *
 * perpd_spawn() creates the child with clone3(CLONE_VM | CLONE_VFORK | CLONE_PIDFD
 * [| CLONE_INTO_CGROUP]) on a stack of its own, the way glibc's posix_spawn does, so perpd
 * pays no copy of its page tables and the child is placed in its cgroup atomically. In the
 * child, in perp's order (spec 3.2): setsid; fchdir into the service directory; the
 * descriptor plan (target := source, in order; sources that are also targets are moved out
 * of the way first); every other descriptor from 3 up closed; every signal 1-64 back to
 * its default and an empty mask; PERP_SVPID set to the child's own pid (a start knows it
 * only here); execve. A failing step stores which step and errno in the request (the
 * memory is shared until exec) and the child exits 127; perpd, resumed when the child has
 * exec'd or exited (CLONE_VFORK), reads the result and reaps such a child at once.
 *
 * A held-back start (the respawn governor, spec 3.6) sleeps in the child, as perp's does:
 * with hold_until set, the child is made by a real fork (clone3 without CLONE_VM and
 * CLONE_VFORK, on a copy of perpd's memory and stack), so perpd goes on at once with the
 * child's pid and pidfd while the child does every step above, sleeps until hold_until
 * (CLOCK_MONOTONIC, absolute) and only then execs. It holds the log pipe from its first
 * instant and reads nothing, and its signals are already at their defaults, so a SIGTERM
 * ends the sleeper. Its memory is its own, so it reports through report_fd (close-on-exec):
 * one byte just before execve, and a failure record (step, descriptor, errno) before it
 * exits 127. No byte at all: it died before its exec (killed while it slept).
 *
 * Fallbacks: without clone3 (ENOSYS) or without CLONE_INTO_CGROUP (EINVAL/E2BIG, kernels
 * before 5.7) the child is made with vfork() and joins its cgroup by writing "0" to its
 * cgroup.procs before anything else; there is then no pidfd from the clone (the caller
 * opens one). clone3 with a separate stack needs a few lines of assembly (x86_64 only);
 * elsewhere vfork() is used.
 *
 * Built by PerpPS.Daemon.csproj: an object file linked into the Native AOT perpd, and
 * libperpd_spawn.so beside the JIT build (dev/devbin.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_FDS 16

/* Which step of the child failed (perpd turns each into perp's message). */
enum { STEP_NONE = 0, STEP_FCHDIR = 1, STEP_DUP2 = 2, STEP_EXECVE = 3, STEP_CGROUP = 4, STEP_SETSID = 5, STEP_PLAN = 6 };

/* Mirrors PerpPS.Daemon.SpawnRequest (StructLayout Sequential). */
struct perpd_spawn_request {
    const char *path;
    char *const *argv;
    char **envp;
    int64_t hold_until;    /* CLOCK_MONOTONIC ns to sleep until before execve (a real fork); 0: none */
    int32_t svpid_index;   /* envp[svpid_index] := "PERP_SVPID=<own pid>" when >= 0 */
    int32_t report_fd;     /* hold_until: the child's report (exec byte, failure record); -1: none */
    int32_t dir_fd;        /* fchdir target; -1: none */
    int32_t cgroup_fd;     /* the cgroup directory to start in; -1: none */
    int32_t new_session;   /* setsid() */
    int32_t nfds;          /* descriptor plan: fd_target[i] := fd_source[i] */
    int32_t fd_source[MAX_FDS];
    int32_t fd_target[MAX_FDS];
    int32_t max_fd;        /* closing without close_range: up to here */
    /* results */
    int32_t pid;
    int32_t pidfd;         /* -1 when the clone gave none */
    int32_t failed_step;   /* STEP_* of the child, 0 when it exec'd */
    int32_t failed_fd;     /* STEP_DUP2: the target descriptor */
    int32_t error;         /* errno of the failed step */
    int32_t in_cgroup;     /* 1: placed by CLONE_INTO_CGROUP, 2: by cgroup.procs, 0: not */
    char svpid[32];
};

struct clone_args_v2 {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

static void fail(struct perpd_spawn_request *r, int step, int err)
{
    r->failed_step = step;
    r->error = err;
    if (r->report_fd >= 0) {
        /* A forked child's memory is its own: the record goes through the report pipe. */
        int32_t record[3] = { step, r->failed_fd, err };
        (void)!write(r->report_fd, record, sizeof record);
    }
    _exit(127);
}

static void put_svpid(struct perpd_spawn_request *r)
{
    static const char name[] = "PERP_SVPID=";
    char digits[16];
    int n = 0;
    unsigned long pid = (unsigned long)syscall(SYS_getpid);
    do { digits[n++] = (char)('0' + pid % 10); pid /= 10; } while (pid > 0);
    size_t k = sizeof name - 1;
    memcpy(r->svpid, name, k);
    while (n > 0) r->svpid[k++] = digits[--n];
    r->svpid[k] = 0;
    r->envp[r->svpid_index] = r->svpid;
}

static int is_target(const struct perpd_spawn_request *r, int fd)
{
    for (int i = 0; i < r->nfds; i++) if (r->fd_target[i] == fd) return 1;
    return 0;
}

static void close_others(const struct perpd_spawn_request *r)
{
    /* Targets at 3 or above stay open; everything else from 3 up is closed, in gaps. */
    int kept[MAX_FDS + 1], nk = 0;
    for (int i = 0; i < r->nfds; i++) if (r->fd_target[i] >= 3) kept[nk++] = r->fd_target[i];
    if (r->report_fd >= 3) kept[nk++] = r->report_fd; /* close-on-exec: it goes at execve */
    for (int i = 1; i < nk; i++)
        for (int j = i; j > 0 && kept[j - 1] > kept[j]; j--) { int t = kept[j]; kept[j] = kept[j - 1]; kept[j - 1] = t; }
    unsigned int from = 3;
    for (int i = 0; i <= nk; i++) {
        unsigned int to = i < nk ? (unsigned int)kept[i] - 1 : ~0U;
        if (i < nk && (unsigned int)kept[i] < from) continue;
        if (to >= from && syscall(SYS_close_range, from, to, 0) != 0) {
            unsigned int last = to < (unsigned int)r->max_fd ? to : (unsigned int)r->max_fd;
            for (unsigned int fd = from; fd <= last; fd++) close((int)fd);
        }
        if (i < nk) from = (unsigned int)kept[i] + 1;
    }
}

/* Runs in the child, on its own stack, sharing perpd's memory until execve. */
static int child(void *arg)
{
    struct perpd_spawn_request *r = arg;
    if (r->cgroup_fd >= 0 && r->in_cgroup == 2) {
        int procs = openat(r->cgroup_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
        if (procs < 0 || write(procs, "0", 1) != 1) fail(r, STEP_CGROUP, errno);
        close(procs);
    }
    if (r->new_session && setsid() < 0) fail(r, STEP_SETSID, errno);
    if (r->dir_fd >= 0 && fchdir(r->dir_fd) != 0) fail(r, STEP_FCHDIR, errno);

    int above = 2;
    for (int i = 0; i < r->nfds; i++) if (r->fd_target[i] > above) above = r->fd_target[i];
    if (r->report_fd >= 0 && is_target(r, r->report_fd)) {
        /* The report pipe sits where the plan puts a descriptor: move it out of the way. */
        int moved = fcntl(r->report_fd, F_DUPFD_CLOEXEC, above + 1);
        r->report_fd = -1;
        if (moved < 0) fail(r, STEP_PLAN, errno);
        r->report_fd = moved;
    }
    if (r->report_fd > above) above = r->report_fd;
    for (int i = 0; i < r->nfds; i++) {
        int src = r->fd_source[i];
        if (src == r->fd_target[i] || !is_target(r, src)) continue;
        /* This source would be overwritten by an earlier dup2: move it above every target. */
        int moved = fcntl(src, F_DUPFD_CLOEXEC, above + 1);
        if (moved < 0) fail(r, STEP_PLAN, errno);
        for (int j = i; j < r->nfds; j++) if (r->fd_source[j] == src) r->fd_source[j] = moved;
    }
    for (int i = 0; i < r->nfds; i++) {
        int src = r->fd_source[i], dst = r->fd_target[i];
        int rc = src == dst ? fcntl(dst, F_SETFD, 0) : dup2(src, dst);
        if (rc < 0) { r->failed_fd = dst; fail(r, STEP_DUP2, errno); }
    }
    close_others(r);

    /* Every signal 1-64 to its default, with the raw system call: glibc's sigaction
       refuses its internal signals 32 and 33. A zeroed kernel sigaction is SIG_DFL. */
    unsigned long ksa[4] = { 0, 0, 0, 0 };
    for (int sig = 1; sig <= 64; sig++)
        if (sig != SIGKILL && sig != SIGSTOP) syscall(SYS_rt_sigaction, sig, ksa, NULL, 8);
    uint64_t none = 0;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, 8);

    if (r->hold_until > 0) {
        /* The governor's hold-back, in the child (perp's order: after the descriptors,
           before exec). Signals are at their defaults, so a stop ends the sleeper. */
        struct timespec until = { (time_t)(r->hold_until / 1000000000LL), (long)(r->hold_until % 1000000000LL) };
        while (syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) != 0 && errno == EINTR) { }
    }
    if (r->svpid_index >= 0) put_svpid(r);
    if (r->report_fd >= 0) (void)!write(r->report_fd, "x", 1);
    execve(r->path, r->argv, r->envp);
    fail(r, STEP_EXECVE, errno);
    return 127;
}

#if defined(__x86_64__)
/* long perpd_clone3(struct clone_args *, size_t, int (*fn)(void *), void *arg):
   the raw clone3 system call; the child, on the stack given in the args, calls fn(arg)
   and exits with its result. As glibc's clone3.S. */
long perpd_clone3(struct clone_args_v2 *args, size_t size, int (*fn)(void *), void *arg);
__asm__(
    ".text\n"
    ".globl perpd_clone3\n"
    ".hidden perpd_clone3\n"
    ".type perpd_clone3,@function\n"
    "perpd_clone3:\n"
    "    mov %rcx, %r8\n"
    "    mov $435, %eax\n"
    "    syscall\n"
    "    test %rax, %rax\n"
    "    jz 1f\n"
    "    ret\n"
    "1:  xor %ebp, %ebp\n"
    "    and $-16, %rsp\n"
    "    mov %r8, %rdi\n"
    "    call *%rdx\n"
    "    mov %rax, %rdi\n"
    "    mov $60, %eax\n"
    "    syscall\n"
    "    hlt\n"
    ".size perpd_clone3, .-perpd_clone3\n");
#define HAVE_CLONE3_ASM 1
#endif

/* The child's stack: perpd spawns from its one loop thread, so one stack serves all. */
static char child_stack[32768] __attribute__((aligned(64)));

/* 1 while clone3 is worth trying; 0 once the kernel said ENOSYS. */
static int clone3_works = 1, into_cgroup_works = 1;

/*
 * Creates the child. Returns 0 when a process was created (r->failed_step then says
 * whether it exec'd; a child that failed has been reaped), else the errno of the clone
 * (perp's fork() failure: nothing exists).
 */
int perpd_spawn(struct perpd_spawn_request *r)
{
    r->pid = 0;
    r->pidfd = -1;
    r->failed_step = STEP_NONE;
    r->failed_fd = -1;
    r->error = 0;
    r->in_cgroup = 0;
    if (r->nfds < 0 || r->nfds > MAX_FDS) return EINVAL;

    /* Nothing of perpd's signal handling may run in the child before its reset. */
    uint64_t all = ~(uint64_t)0, old = 0;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, &old, 8);

    long pid = -ENOSYS;
    int pidfd = -1;
    /* A held-back start: a real fork whose child sleeps (see the top); else vfork semantics. */
    int hold = r->hold_until > 0;
    if (!hold) r->report_fd = -1;
#ifdef HAVE_CLONE3_ASM
    if (clone3_works) {
        struct clone_args_v2 args;
        memset(&args, 0, sizeof args);
        args.flags = hold ? CLONE_PIDFD : CLONE_VM | CLONE_VFORK | CLONE_PIDFD;
        args.pidfd = (uint64_t)(uintptr_t)&pidfd;
        args.exit_signal = SIGCHLD;
        if (!hold) {
            /* Shared memory: the child needs a stack of its own. A fork runs on its copy. */
            args.stack = (uint64_t)(uintptr_t)child_stack;
            args.stack_size = sizeof child_stack;
        }
        if (r->cgroup_fd >= 0 && into_cgroup_works) {
            args.flags |= CLONE_INTO_CGROUP;
            args.cgroup = (uint64_t)r->cgroup_fd;
            r->in_cgroup = 1;
        }
        pid = perpd_clone3(&args, sizeof args, child, r);
        if ((pid == -EINVAL || pid == -E2BIG) && (args.flags & CLONE_INTO_CGROUP)) {
            /* A kernel before 5.7: no CLONE_INTO_CGROUP. */
            into_cgroup_works = 0;
            args.flags &= ~CLONE_INTO_CGROUP;
            args.cgroup = 0;
            r->in_cgroup = r->cgroup_fd >= 0 ? 2 : 0;
            pidfd = -1;
            pid = perpd_clone3(&args, sizeof args, child, r);
        }
        if (pid == -ENOSYS) clone3_works = 0;
    }
#endif
    if (pid == -ENOSYS) {
        pidfd = -1;
        r->in_cgroup = r->cgroup_fd >= 0 ? 2 : 0;
        /* A held-back start: a plain fork by the raw system call (no atfork handlers run). */
        pid = hold ? syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0) : vfork();
        if (pid == 0) child(r);
        if (pid < 0) pid = -errno;
    }
    int err = pid < 0 ? (int)-pid : 0;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, 8);
    if (err != 0) {
        r->in_cgroup = 0;
        return err;
    }
    r->pid = (int32_t)pid;
    r->pidfd = pidfd;
    if (r->failed_step != STEP_NONE) {
        /* The child has exited (127) or is about to: reap it here, perpd never watches it. */
        while (waitpid((pid_t)pid, NULL, 0) < 0 && errno == EINTR) { }
        if (pidfd >= 0) close(pidfd);
        r->pidfd = -1;
    }
    return 0;
}
