/* replytime N BASE SVC: perpd's reply latency to `u` of a down service, without a client
 * process's start-up in the figure. Connects once to BASE/.control/perpd.sock and N times:
 * sends `d` for SVC (untimed, then waits 50 ms for main to stop), then times from just
 * before writing the `u` packet to having read the whole reply (monotonic clock). Prints
 * "median=… p90=… min=… max=… fails=…" in microseconds, as bench/lib/spawntime.c does.
 * perpd answers a command before it spawns (and before its file I/O), so this is the
 * control path alone. Built by bench/startup.sh with cc. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* One C packet (perp's v2 protocol: version, type, length, then dev and ino as 64-bit
 * little-endian, the command and its flags) and its 7-byte E reply; 0 when errno 0 came back. */
static int command(int fd, uint64_t dev, uint64_t ino, char c)
{
    unsigned char p[21] = { 2, 'C', 18 }, r[7];
    for (int i = 0; i < 8; i++) { p[3 + i] = (unsigned char)(dev >> (8 * i)); p[11 + i] = (unsigned char)(ino >> (8 * i)); }
    p[19] = (unsigned char)c;
    if (write(fd, p, sizeof p) != (ssize_t)sizeof p) return -1;
    size_t got = 0;
    while (got < sizeof r) {
        ssize_t n = read(fd, r + got, sizeof r - got);
        if (n <= 0) return -1;
        got += (size_t)n;
    }
    return r[1] == 'E' && !r[3] && !r[4] && !r[5] && !r[6] ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 4) { fprintf(stderr, "usage: replytime N BASE SVC\n"); return 100; }
    int n = atoi(argv[1]), fails = 0;
    if (n < 1) n = 1;
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", argv[2], argv[3]);
    if (stat(path, &st) != 0) { perror(path); return 111; }
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    snprintf(a.sun_path, sizeof a.sun_path, "%s/.control/perpd.sock", argv[2]);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) { perror("connect"); return 111; }
    double *t = calloc((size_t)n, sizeof *t);
    for (int i = 0; i < n; i++) {
        struct timespec x, y, pause = { 0, 50 * 1000 * 1000 };
        if (command(fd, (uint64_t)st.st_dev, (uint64_t)st.st_ino, 'd') != 0) fails++;
        nanosleep(&pause, NULL);
        clock_gettime(CLOCK_MONOTONIC, &x);
        if (command(fd, (uint64_t)st.st_dev, (uint64_t)st.st_ino, 'u') != 0) fails++;
        clock_gettime(CLOCK_MONOTONIC, &y);
        t[i] = (double)(y.tv_sec - x.tv_sec) * 1e6 + (double)(y.tv_nsec - x.tv_nsec) / 1e3;
    }
    command(fd, (uint64_t)st.st_dev, (uint64_t)st.st_ino, 'd');
    qsort(t, (size_t)n, sizeof *t, cmp);
    printf("median=%.1f p90=%.1f min=%.1f max=%.1f fails=%d\n", t[n / 2], t[(n * 9) / 10 < n ? (n * 9) / 10 : n - 1], t[0], t[n - 1], fails);
    return 0;
}
