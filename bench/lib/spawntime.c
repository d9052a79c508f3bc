/* spawntime N PROGRAM [ARG...]: runs PROGRAM N times one after the other (posix_spawn,
 * stdin/stdout/stderr on /dev/null, waitpid) and prints the wall time of each run's
 * spawn-to-reap in microseconds as "median=… p90=… min=… mean=… fails=…".
 * A C harness so the figure holds no shell fork of its own: what a caller that execs
 * a tool (a script, another program) pays per call. Built by bench/startup.sh with cc. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 3) { fprintf(stderr, "usage: spawntime N PROGRAM [ARG...]\n"); return 100; }
    int n = atoi(argv[1]), fails = 0;
    if (n < 1) n = 1;
    double *t = calloc((size_t)n, sizeof *t), sum = 0;
    int null = open("/dev/null", O_RDWR);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, null, 0);
    posix_spawn_file_actions_adddup2(&fa, null, 1);
    if (!getenv("SPAWNTIME_STDERR")) posix_spawn_file_actions_adddup2(&fa, null, 2);
    for (int i = 0; i < n; i++) {
        struct timespec a, b;
        pid_t pid;
        int st;
        clock_gettime(CLOCK_MONOTONIC, &a);
        if (posix_spawn(&pid, argv[2], &fa, NULL, argv + 2, environ) != 0) { perror("posix_spawn"); return 111; }
        while (waitpid(pid, &st, 0) < 0) {}
        clock_gettime(CLOCK_MONOTONIC, &b);
        if (!WIFEXITED(st) || (WEXITSTATUS(st) != 0 && !getenv("SPAWNTIME_ANYEXIT"))) fails++;
        t[i] = (double)(b.tv_sec - a.tv_sec) * 1e6 + (double)(b.tv_nsec - a.tv_nsec) / 1e3;
        sum += t[i];
    }
    qsort(t, (size_t)n, sizeof *t, cmp);
    printf("median=%.1f p90=%.1f min=%.1f mean=%.1f fails=%d\n",
           t[n / 2], t[(n * 9) / 10 < n ? (n * 9) / 10 : n - 1], t[0], sum / n, fails);
    return 0;
}
