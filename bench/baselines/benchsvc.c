/* benchsvc: the long-running "service" every supervisor in bench/boot starts. On start it writes
 * "U <id> <monotonic ns>\n" to the events FIFO (one write < PIPE_BUF, so atomic), sends READY=1 to
 * $NOTIFY_SOCKET when set (Type=notify), then sleeps; on SIGTERM it writes "D <id> <ns>\n" and exits 0.
 * Usage: benchsvc [ID [FIFO]]; without ID the id is the basename of the cwd (s6/runit run it from the
 * service dir as ./run), without FIFO it is ../../events.fifo (service dirs live at WORK/<system>/<svc>). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int fifo = -1;
static char id[256];

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void event(char kind) {
  char buf[320];
  int n = snprintf(buf, sizeof buf, "%c %s %lld\n", kind, id, now_ns());
  if (fifo >= 0 && n > 0) { ssize_t w = write(fifo, buf, (size_t)n); (void)w; }
}

static void on_term(int sig) { (void)sig; event('D'); _exit(0); }

static void notify_ready(void) {
  const char *p = getenv("NOTIFY_SOCKET");
  if (!p || !*p) return;
  struct sockaddr_un sa; memset(&sa, 0, sizeof sa); sa.sun_family = AF_UNIX;
  size_t len = strlen(p);
  if (len >= sizeof sa.sun_path) return;
  memcpy(sa.sun_path, p, len);
  if (p[0] == '@') sa.sun_path[0] = 0;
  int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return;
  static const char msg[] = "READY=1";
  sendto(s, msg, sizeof msg - 1, 0, (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len));
  close(s);
}

int main(int argc, char **argv) {
  struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_handler = on_term;
  sigaction(SIGTERM, &sa, NULL);
  if (argc > 1) snprintf(id, sizeof id, "%s", argv[1]);
  else {
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) return 111;
    char *b = strrchr(cwd, '/');
    snprintf(id, sizeof id, "%s", b ? b + 1 : cwd);
  }
  fifo = open(argc > 2 ? argv[2] : "../../events.fifo", O_WRONLY | O_CLOEXEC);
  event('U');
  notify_ready();
  for (;;) pause();
}
