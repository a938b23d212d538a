/* A minimal `systemd-notify` for the tsysd image (Debian's lives in the `systemd` package, which a tsysd
 * container does not want): sends one sd_notify datagram to $NOTIFY_SOCKET (path or @abstract) built from
 * --ready (READY=1), --reloading, --stopping, --status=TEXT, --pid[=PID] (MAINPID=, default the parent pid
 * like systemd-notify) and any VAR=VALUE arguments; --booted exits 0 (tsysd is running). Like the real tool
 * the sender is this short-lived process, so units need NotifyAccess=all. And like systemd >= 246's tool it
 * then waits (unless --no-block) for the manager to have processed the message: a second datagram
 * "BARRIER=1" carries the write end of a pipe (SCM_RIGHTS); the manager closes it after handling everything
 * before it, and we wait (5 s at most, sd_notify_barrier's default) for POLLHUP on the read end. Without
 * that, the manager may look up the sender's pid after it exited and drop the message.
 * Exit: 0 sent, 1 error. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int barrier(int s, const struct sockaddr_un *sa, socklen_t salen) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) return -1;
  char text[] = "BARRIER=1";
  struct iovec iov = { text, sizeof text - 1 };
  union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } c;
  memset(&c, 0, sizeof c);
  struct msghdr m;
  memset(&m, 0, sizeof m);
  m.msg_name = (void *)sa; m.msg_namelen = salen; m.msg_iov = &iov; m.msg_iovlen = 1;
  m.msg_control = c.buf; m.msg_controllen = sizeof c.buf;
  struct cmsghdr *h = CMSG_FIRSTHDR(&m);
  h->cmsg_level = SOL_SOCKET; h->cmsg_type = SCM_RIGHTS; h->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(h), &p[1], sizeof(int));
  ssize_t r = sendmsg(s, &m, MSG_NOSIGNAL);
  close(p[1]);
  if (r < 0) { close(p[0]); return -1; }
  struct pollfd pf = { p[0], 0, 0 };
  int k = poll(&pf, 1, 5000);
  close(p[0]);
  return k == 1 && (pf.revents & POLLHUP) ? 0 : -1;
}

int main(int argc, char **argv) {
  char msg[8192];
  int block = 1;
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
    else if (!strcmp(a, "--no-block")) block = 0;
    else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      printf("systemd-notify [--ready] [--status=TEXT] [--pid[=PID]] [--reloading] [--stopping] [--no-block] [VAR=VALUE...]\n");
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
  socklen_t salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + pl);
  if (sendto(s, msg, len, 0, (struct sockaddr *)&sa, salen) < 0) {
    perror("systemd-notify: sendto");
    return 1;
  }
  if (block && barrier(s, &sa, salen) < 0) {
    fprintf(stderr, "systemd-notify: failed to wait for the manager to process the notification\n");
    return 1;
  }
  return 0;
}
