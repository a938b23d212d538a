/* spawnloop: the raw spawn floor of bench/boot. posix_spawn()s N copies of benchsvc (argv: ID FIFO) as
 * fast as it can, then waits; on SIGTERM it sends SIGTERM to each child by pid, reaps them all and exits 0.
 * Meant to run as PID 1 of a private PID namespace (a handler is installed, so SIGTERM is delivered).
 * Usage: spawnloop N BENCHSVC FIFO */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
static volatile sig_atomic_t term;
static void on_term(int s) { (void)s; term = 1; }

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: spawnloop N BENCHSVC FIFO\n"); return 2; }
  int n = atoi(argv[1]);
  pid_t *pids = calloc((size_t)n, sizeof *pids);
  sigset_t block, old; sigemptyset(&block); sigaddset(&block, SIGTERM);
  struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_handler = on_term;
  sigaction(SIGTERM, &sa, NULL);
  sigprocmask(SIG_BLOCK, &block, &old);
  posix_spawnattr_t attr; posix_spawnattr_init(&attr);
  sigset_t none; sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  for (int i = 0; i < n; i++) {
    char id[32]; snprintf(id, sizeof id, "svc%d", i);
    char *av[] = { argv[2], id, argv[3], NULL };
    int e = posix_spawn(&pids[i], argv[2], NULL, &attr, av, environ);
    if (e) { fprintf(stderr, "posix_spawn: %s\n", strerror(e)); pids[i] = 0; }
  }
  while (!term) sigsuspend(&old);
  for (int i = 0; i < n; i++) if (pids[i] > 0) kill(pids[i], SIGTERM);
  for (;;) { pid_t p = waitpid(-1, NULL, 0); if (p < 0 && errno == ECHILD) break; }
  return 0;
}
