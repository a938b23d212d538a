/* Native pieces of the journal (src/journal/disk.ts holds the policy):
 *   mmapFile(fd, length, writable) -> ArrayBuffer | -errno   a MAP_SHARED mapping as an external ArrayBuffer
 *   unmapFile(arraybuffer) -> 0 | -errno                      munmap now and detach the ArrayBuffer
 *   fallocate(fd, offset, length) -> 0 | -errno               posix_fallocate (space guaranteed, no SIGBUS)
 *   memfdSeals(fd) -> seals | -errno                          fcntl(F_GET_SEALS)
 *   recvBatch(fd, max, bufSize) -> array | -errno             up to `max` datagrams with SCM_CREDENTIALS /
 *                                                             SCM_RIGHTS and SO_TIMESTAMP, one static buffer
 *   journalSigbus() -> count                                  SIGBUS faults absorbed in journal mappings
 * A SIGBUS inside a journal mapping (the file was truncated behind our back, or the file system failed)
 * must not kill PID 1: the handler maps a zero page over the faulting page, counts the event, and the
 * writer rotates (journald does the same, src/basic/sigbus.c). Faults elsewhere get the default action.
 * Invariant: no policy here; OS failures are returned as negative errno. */
#define _GNU_SOURCE
#include "napi-util.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/sockios.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define MAX_MAPS 256
static struct { uintptr_t addr; size_t len; } g_maps[MAX_MAPS];
static volatile sig_atomic_t g_sigbus = 0;
static int g_handler_installed = 0;

static void on_sigbus(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  uintptr_t a = (uintptr_t)si->si_addr;
  for (int i = 0; i < MAX_MAPS; i++) {
    if (g_maps[i].len && a >= g_maps[i].addr && a < g_maps[i].addr + g_maps[i].len) {
      long ps = sysconf(_SC_PAGESIZE);
      void *page = (void *)(a & ~((uintptr_t)ps - 1));
      if (mmap(page, (size_t)ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
        g_sigbus++;
        return;
      }
      break;
    }
  }
  signal(sig, SIG_DFL);   /* not ours: the fault repeats with the default action */
}

static void install_handler(void) {
  if (g_handler_installed) return;
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = on_sigbus;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGBUS, &sa, NULL);
  g_handler_installed = 1;
}

static void finalize_map(napi_env env, void *data, void *hint) {
  (void)env;
  size_t len = (size_t)(uintptr_t)hint;
  for (int i = 0; i < MAX_MAPS; i++)
    if (g_maps[i].addr == (uintptr_t)data) { g_maps[i].addr = 0; g_maps[i].len = 0; munmap(data, len); return; }
  /* already unmapped by unmapFile */
}

static napi_value MmapFile(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 3);
  int64_t fd, len;
  bool writable = false;
  if (argc < 3 || tsysd_get_int(env, argv[0], &fd) || tsysd_get_int(env, argv[1], &len)) return NULL;
  napi_get_value_bool(env, argv[2], &writable);
  if (len <= 0) return tsysd_int(env, -EINVAL);
  int slot = -1;
  for (int i = 0; i < MAX_MAPS; i++) if (!g_maps[i].len) { slot = i; break; }
  if (slot < 0) return tsysd_int(env, -EMFILE);
  install_handler();
  void *p = mmap(NULL, (size_t)len, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, (int)fd, 0);
  if (p == MAP_FAILED) return tsysd_int(env, -errno);
  g_maps[slot].addr = (uintptr_t)p;
  g_maps[slot].len = (size_t)len;
  napi_value ab;
  if (napi_create_external_arraybuffer(env, p, (size_t)len, finalize_map, (void *)(uintptr_t)len, &ab) != napi_ok) {
    g_maps[slot].addr = 0; g_maps[slot].len = 0;
    munmap(p, (size_t)len);
    return tsysd_int(env, -ENOMEM);
  }
  return ab;
}

static napi_value UnmapFile(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1);
  void *data = NULL;
  size_t len = 0;
  if (argc < 1 || napi_get_arraybuffer_info(env, argv[0], &data, &len) != napi_ok) THROW(env, "arraybuffer expected");
  if (!data) return tsysd_int(env, 0);
  for (int i = 0; i < MAX_MAPS; i++) {
    if (g_maps[i].addr == (uintptr_t)data) {
      g_maps[i].addr = 0; g_maps[i].len = 0;
      napi_detach_arraybuffer(env, argv[0]);
      return tsysd_int(env, munmap(data, len) < 0 ? -errno : 0);
    }
  }
  return tsysd_int(env, -ENOENT);
}

static napi_value Fallocate(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 3);
  int64_t fd, off, len;
  if (argc < 3 || tsysd_get_int(env, argv[0], &fd) || tsysd_get_int(env, argv[1], &off) || tsysd_get_int(env, argv[2], &len)) return NULL;
  int r;
  do r = posix_fallocate((int)fd, (off_t)off, (off_t)len); while (r == EINTR);
  return tsysd_int(env, -r);
}

static napi_value MemfdSeals(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1);
  int64_t fd;
  if (argc < 1 || tsysd_get_int(env, argv[0], &fd)) return NULL;
  int r = fcntl((int)fd, F_GET_SEALS);
  return tsysd_int(env, r < 0 ? -errno : r);
}

static napi_value JournalSigbus(napi_env env, napi_callback_info info) {
  (void)info;
  return tsysd_int(env, g_sigbus);
}

/* recvBatch(fd, max, bufSize): [{data, pid, uid, gid, fds, truncated, tsUs}] (empty when nothing queued) */
static char *g_rbuf = NULL;
static size_t g_rbuf_size = 0;
static int ensure_rbuf(size_t size) {
  if (g_rbuf_size >= size) return 0;
  char *nb = malloc(size);
  if (!nb) return -ENOMEM;
  free(g_rbuf);
  g_rbuf = nb;
  g_rbuf_size = size;
  return 0;
}

/* recvBatch(fd, max, bufSize, datagram): with datagram=true each datagram is read whole (SIOCINQ tells its
 * size, up to 16 MiB; journald sizes its buffer the same way) */
static napi_value RecvBatch(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 4);
  int64_t fd, max, bufsize;
  bool datagram = false;
  if (argc < 3 || tsysd_get_int(env, argv[0], &fd) || tsysd_get_int(env, argv[1], &max) || tsysd_get_int(env, argv[2], &bufsize)) return NULL;
  if (argc >= 4) napi_get_value_bool(env, argv[3], &datagram);
  if (bufsize <= 0 || bufsize > (16 << 20)) bufsize = 1 << 20;
  if (ensure_rbuf((size_t)bufsize) < 0) return tsysd_int(env, -ENOMEM);
  napi_value arr;
  napi_create_array(env, &arr);
  uint32_t n = 0;
  for (int64_t k = 0; k < max; k++) {
    if (datagram) {
      int avail = 0;
      if (ioctl((int)fd, SIOCINQ, &avail) == 0 && avail > bufsize && avail <= (16 << 20) && ensure_rbuf((size_t)avail) == 0) bufsize = avail;
    }
    union {
      struct cmsghdr h;
      char b[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(struct timeval)) + CMSG_SPACE(sizeof(int) * 253)];
    } ctl;
    struct iovec iov = {g_rbuf, (size_t)bufsize};
    struct msghdr mh;
    memset(&mh, 0, sizeof(mh));
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = &ctl;
    mh.msg_controllen = sizeof(ctl);
    ssize_t r;
    do r = recvmsg((int)fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC); while (r < 0 && errno == EINTR);
    if (r < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (n == 0) return tsysd_int(env, -errno);
      break;
    }
    napi_value o, data, fds;
    napi_create_object(env, &o);
    napi_create_buffer_copy(env, (size_t)r, g_rbuf, NULL, &data);
    tsysd_set_value(env, o, "data", data);
    napi_create_array(env, &fds);
    int64_t pid = -1, uid = -1, gid = -1, ts = 0;
    uint32_t nf = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
      if (c->cmsg_level != SOL_SOCKET) continue;
      if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
        struct ucred uc;
        memcpy(&uc, CMSG_DATA(c), sizeof(uc));
        pid = uc.pid; uid = uc.uid; gid = uc.gid;
      } else if (c->cmsg_type == SCM_TIMESTAMP && c->cmsg_len >= CMSG_LEN(sizeof(struct timeval))) {
        struct timeval tv;
        memcpy(&tv, CMSG_DATA(c), sizeof(tv));
        ts = (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
      } else if (c->cmsg_type == SCM_RIGHTS) {
        size_t cnt = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < cnt; i++) {
          int rfd;
          memcpy(&rfd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
          napi_set_element(env, fds, nf++, tsysd_int(env, rfd));
        }
      }
    }
    tsysd_set_value(env, o, "fds", fds);
    tsysd_set_int(env, o, "pid", pid);
    tsysd_set_int(env, o, "uid", uid);
    tsysd_set_int(env, o, "gid", gid);
    tsysd_set_int(env, o, "tsUs", ts);
    napi_value tr;
    napi_get_boolean(env, (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0, &tr);
    tsysd_set_value(env, o, "truncated", tr);
    napi_set_element(env, arr, n++, o);
  }
  return arr;
}

void tsysd_init_journal(napi_env env, napi_value exports) {
  tsysd_export(env, exports, "mmapFile", MmapFile);
  tsysd_export(env, exports, "unmapFile", UnmapFile);
  tsysd_export(env, exports, "fallocate", Fallocate);
  tsysd_export(env, exports, "memfdSeals", MemfdSeals);
  tsysd_export(env, exports, "journalSigbus", JournalSigbus);
  tsysd_export(env, exports, "recvBatch", RecvBatch);
}
