/* Batched datagram receive for the sd_notify socket (recvmmsg with SCM_CREDENTIALS + SCM_RIGHTS) and the
 * pidfds the notify router uses to know a cached sender is still the same process.
 * Invariants: nothing is allocated per call (the caller passes the buffers; the headers and control
 * buffers are statics: call from the main thread only, as the manager does); received fds are O_CLOEXEC; an fd that cannot be handed back is closed here and
 * its datagram marked truncated (the caller drops truncated datagrams, as systemd does with MSG_CTRUNC);
 * functions return a count/fd or -errno. */
#define _GNU_SOURCE
#include "napi-util.h"
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_MSGS 64
#define FD_MAX 768 /* systemd's NOTIFY_FD_MAX: one more fd in a datagram is MSG_CTRUNC */
#define META 8     /* per datagram: len, pid, uid, gid, truncated, fdStart, fdCount, spare */

typedef union {
  struct cmsghdr h;
  char b[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int) * FD_MAX)];
} ctl_t;

static ctl_t ctls[MAX_MSGS];
static struct mmsghdr hdrs[MAX_MSGS];
static struct iovec iovs[MAX_MSGS];

static int get_i32_array(napi_env env, napi_value v, int32_t **out, size_t *len) {
  napi_typedarray_type t;
  void *data;
  size_t n;
  if (napi_get_typedarray_info(env, v, &t, &n, &data, NULL, NULL) != napi_ok || t != napi_int32_array) return -1;
  *out = data;
  *len = n;
  return 0;
}

/* recvmmsg(fd, data: Buffer, slot, meta: Int32Array, fds: Int32Array) -> count | -errno
 * Receives up to min(data.length / slot, meta.length / 8, 64) datagrams without blocking. Datagram i's
 * payload is data[i*slot, i*slot + meta[i*8]); meta[i*8 + 1..3] = pid, uid, gid (-1 without credentials),
 * meta[i*8 + 4] = 1 when the payload or its control data was cut (longer than slot, too many fds),
 * meta[i*8 + 5..6] = start and count of its fds in `fds`. -EAGAIN when nothing is queued. */
static napi_value RecvMMsg(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 5);
  int64_t fd, slot;
  void *data;
  size_t dlen, mlen, flen;
  int32_t *meta, *fds;
  if (argc < 5 || tsysd_get_int(env, argv[0], &fd) || tsysd_get_int(env, argv[2], &slot)) return NULL;
  if (napi_get_buffer_info(env, argv[1], &data, &dlen) != napi_ok) THROW(env, "recvmmsg: data must be a Buffer");
  if (get_i32_array(env, argv[3], &meta, &mlen) || get_i32_array(env, argv[4], &fds, &flen))
    THROW(env, "recvmmsg: meta and fds must be Int32Arrays");
  if (slot <= 0 || (size_t)slot > dlen) THROW(env, "recvmmsg: slot must be 1..data.length");
  size_t n = dlen / (size_t)slot;
  if (n > mlen / META) n = mlen / META;
  if (n > MAX_MSGS) n = MAX_MSGS;
  if (n == 0) THROW(env, "recvmmsg: no room for one datagram");
  for (size_t i = 0; i < n; i++) {
    iovs[i].iov_base = (char *)data + i * (size_t)slot;
    iovs[i].iov_len = (size_t)slot;
    memset(&hdrs[i], 0, sizeof(hdrs[i]));
    hdrs[i].msg_hdr.msg_iov = &iovs[i];
    hdrs[i].msg_hdr.msg_iovlen = 1;
    hdrs[i].msg_hdr.msg_control = &ctls[i];
    hdrs[i].msg_hdr.msg_controllen = sizeof(ctls[i]);
  }
  int got;
  do
    got = recvmmsg((int)fd, hdrs, (unsigned)n, MSG_DONTWAIT | MSG_CMSG_CLOEXEC, NULL);
  while (got < 0 && errno == EINTR);
  if (got < 0) return tsysd_int(env, -errno);
  size_t nf = 0;
  for (int i = 0; i < got; i++) {
    struct msghdr *mh = &hdrs[i].msg_hdr;
    int32_t *m = meta + (size_t)i * META;
    m[0] = (int32_t)hdrs[i].msg_len;
    m[1] = m[2] = m[3] = -1;
    m[4] = (mh->msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0;
    m[5] = (int32_t)nf;
    m[6] = m[7] = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
      if (c->cmsg_level != SOL_SOCKET) continue;
      if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
        struct ucred uc;
        memcpy(&uc, CMSG_DATA(c), sizeof(uc));
        m[1] = uc.pid;
        m[2] = (int32_t)uc.uid;
        m[3] = (int32_t)uc.gid;
      } else if (c->cmsg_type == SCM_RIGHTS) {
        size_t cnt = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t k = 0; k < cnt; k++) {
          int rfd;
          memcpy(&rfd, CMSG_DATA(c) + k * sizeof(int), sizeof(int));
          if (nf < flen) {
            fds[nf++] = rfd;
            m[6]++;
          } else {
            close(rfd); /* no room to hand it back: the datagram counts as cut */
            m[4] = 1;
          }
        }
      }
    }
  }
  return tsysd_int(env, got);
}

/* pidfdOpen(pid) -> fd (O_CLOEXEC) | -errno */
static napi_value PidfdOpen(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1);
  int64_t pid;
  if (argc < 1 || tsysd_get_int(env, argv[0], &pid)) return NULL;
  if (pid <= 0 || pid > 0x3fffffff) return tsysd_int(env, -EINVAL);
#ifdef SYS_pidfd_open
  long r = syscall(SYS_pidfd_open, (pid_t)pid, 0);
  return tsysd_int(env, r < 0 ? -errno : r);
#else
  return tsysd_int(env, -ENOSYS);
#endif
}

/* pollGone(fds: Int32Array, n, out: Uint8Array) -> how many of fds[0..n) are readable/hung up/invalid
 * right now (a pidfd is readable once its process exited); out[i] = 1 for those. Never blocks. */
static napi_value PollGone(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 3);
  int32_t *fds;
  size_t flen, olen;
  int64_t n;
  void *out;
  napi_typedarray_type t;
  if (argc < 3 || tsysd_get_int(env, argv[1], &n)) return NULL;
  if (get_i32_array(env, argv[0], &fds, &flen)) THROW(env, "pollGone: fds must be an Int32Array");
  if (napi_get_typedarray_info(env, argv[2], &t, &olen, &out, NULL, NULL) != napi_ok || t != napi_uint8_array)
    THROW(env, "pollGone: out must be a Uint8Array");
  if (n < 0 || (size_t)n > flen || (size_t)n > olen || n > 4096) THROW(env, "pollGone: bad count");
  struct pollfd p[n > 0 ? n : 1];
  for (int64_t i = 0; i < n; i++) p[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
  int r;
  do
    r = poll(p, (nfds_t)n, 0);
  while (r < 0 && errno == EINTR);
  if (r < 0) return tsysd_int(env, -errno);
  int gone = 0;
  for (int64_t i = 0; i < n; i++) {
    uint8_t g = (p[i].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) != 0;
    ((uint8_t *)out)[i] = g;
    gone += g;
  }
  return tsysd_int(env, gone);
}

void tsysd_init_dgram(napi_env env, napi_value exports) {
  tsysd_export(env, exports, "recvmmsg", RecvMMsg);
  tsysd_export(env, exports, "pidfdOpen", PidfdOpen);
  tsysd_export(env, exports, "pollGone", PollGone);
}
