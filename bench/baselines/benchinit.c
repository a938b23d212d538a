/* benchinit: a minimal PID 1 for a private PID namespace, used by bench/boot for supervisors that are not
 * meant to be PID 1 (runsvdir, s6-svscan, supervisord): it forks+execs its arguments, reaps every process
 * re-parented to it, and when its first child (the supervisor) exits it writes "X supervisor <monotonic ns>\n"
 * to the FIFO given as first argument. It never exits on its own: the benchmark SIGKILLs it, which makes the
 * kernel kill whatever is left in the namespace. Usage: benchinit FIFO CMD ARGS... */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: benchinit FIFO CMD ARGS...\n"); return 2; }
  pid_t child = fork();
  if (child < 0) { perror("fork"); return 1; }
  if (child == 0) { execvp(argv[2], argv + 2); perror("exec"); _exit(127); }
  for (;;) {
    int st;
    pid_t p = waitpid(-1, &st, 0);
    if (p < 0) { if (errno == ECHILD) pause(); continue; }
    if (p == child) {
      struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);
      int fd = open(argv[1], O_WRONLY | O_CLOEXEC | O_NONBLOCK);
      char buf[96];
      int n = snprintf(buf, sizeof buf, "X supervisor %lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
      if (fd >= 0) { ssize_t w = write(fd, buf, (size_t)n); (void)w; close(fd); }
    }
  }
}
