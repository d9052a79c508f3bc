/* exchange [BASE SVC]: one status exchange with perpd in C (for the tools' floor in
 * bench/startup.sh): chdir BASE, connect .control/perpd.sock, stat SVC, send the
 * extension's X query for its dev/ino, read the reply, exit 0 if it came. With no
 * arguments it does nothing: the C program's own floor. */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int readn(int fd, unsigned char *b, size_t n)
{
    while (n > 0) {
        ssize_t r = read(fd, b, n);
        if (r <= 0) return -1;
        b += r; n -= (size_t)r;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) return 0;
    if (chdir(argv[1]) != 0) return 111;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    strcpy(a.sun_path, ".control/perpd.sock");
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) return 111;
    struct stat st;
    if (stat(argv[2], &st) != 0) return 111;
    unsigned char q[19] = { 2, 'X', 16 }, h[3], body[256];
    uint64_t dev = st.st_dev, ino = st.st_ino;
    for (int i = 0; i < 8; i++) { q[3 + i] = (unsigned char)(dev >> (8 * i)); q[11 + i] = (unsigned char)(ino >> (8 * i)); }
    if (send(fd, q, sizeof q, MSG_NOSIGNAL) != (ssize_t)sizeof q) return 111;
    if (readn(fd, h, 3) != 0 || readn(fd, body, h[2]) != 0) return 111;
    close(fd);
    return h[1] == 'x' ? 0 : 1;
}
