/* A minimal `systemd-notify` for the tsysd image (Debian's lives in the `systemd` package, which a tsysd
 * container does not want): sends one sd_notify datagram to $NOTIFY_SOCKET (path or @abstract) built from
 * --ready (READY=1), --reloading, --stopping, --status=TEXT, --pid[=PID] (MAINPID=, default the parent pid
 * like systemd-notify) and any VAR=VALUE arguments; --booted exits 0 (tsysd is running). Like the real tool
 * the sender is this short-lived process, so units need NotifyAccess=all. Exit: 0 sent, 1 error. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
  char msg[8192];
  size_t len = 0;
  msg[0] = 0;
#define ADD(...) do { int k = snprintf(msg + len, sizeof msg - len, __VA_ARGS__); \
    if (k < 0 || (size_t)k >= sizeof msg - len) { fprintf(stderr, "systemd-notify: message too long\n"); return 1; } \
    len += (size_t)k; } while (0)
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--ready")) ADD("READY=1\n");
    else if (!strcmp(a, "--reloading")) ADD("RELOADING=1\n");
    else if (!strcmp(a, "--stopping")) ADD("STOPPING=1\n");
    else if (!strncmp(a, "--status=", 9)) ADD("STATUS=%s\n", a + 9);
    else if (!strcmp(a, "--pid")) ADD("MAINPID=%ld\n", (long)getppid());
    else if (!strncmp(a, "--pid=", 6)) ADD("MAINPID=%s\n", a + 6);
    else if (!strcmp(a, "--booted")) return 0;
    else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      printf("systemd-notify [--ready] [--status=TEXT] [--pid[=PID]] [--reloading] [--stopping] [VAR=VALUE...]\n");
      return 0;
    } else if (a[0] != '-' && strchr(a, '=')) ADD("%s\n", a);
    else { fprintf(stderr, "systemd-notify: unsupported argument '%s'\n", a); return 1; }
  }
  if (len == 0) { fprintf(stderr, "systemd-notify: nothing to send\n"); return 1; }
  const char *p = getenv("NOTIFY_SOCKET");
  if (!p || !*p) { fprintf(stderr, "systemd-notify: NOTIFY_SOCKET not set\n"); return 1; }
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  size_t pl = strlen(p);
  if (pl >= sizeof sa.sun_path) { fprintf(stderr, "systemd-notify: NOTIFY_SOCKET too long\n"); return 1; }
  memcpy(sa.sun_path, p, pl);
  if (p[0] == '@') sa.sun_path[0] = 0;
  int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) { perror("systemd-notify: socket"); return 1; }
  if (sendto(s, msg, len, 0, (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + pl)) < 0) {
    perror("systemd-notify: sendto");
    return 1;
  }
  return 0;
}
