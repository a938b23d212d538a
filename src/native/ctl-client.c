/* tsysctl_native: the blocking unix-socket client of tsysctl's fast path (src/cli/ctl/fast.ts), a separate
 * addon from tsysd_native so the client's dlopen registers 5 functions, not the manager's ~60 (~70 us vs
 * ~220 us). connect(path) -> fd, request(fd, line) -> reply lines, write(fd, text), close(fd), exit(code):
 * no node:net, no stream, no event loop, so `tsysctl is-active` costs about one bare `node`.
 * Invariants: every fd is a blocking O_CLOEXEC socket of this process; OS failures are returned as negative
 * errno values (never thrown); misuse (wrong argument types) throws. No policy lives here. */
#define _GNU_SOURCE
#include "napi-util.h"
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static napi_value num(napi_env env, int64_t v) {
  napi_value r;
  napi_create_int64(env, v, &r);
  return r;
}

static int get_fd(napi_env env, napi_value v, int *fd) {
  int32_t x;
  if (napi_get_value_int32(env, v, &x) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected an fd");
    return -1;
  }
  *fd = x;
  return 0;
}

/* The UTF-8 bytes of a JS string (malloc'd, *len set); NULL with an exception pending on misuse. */
static char *get_utf8(napi_env env, napi_value v, size_t *len) {
  if (napi_get_value_string_utf8(env, v, NULL, 0, len) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a string");
    return NULL;
  }
  char *s = malloc(*len + 1);
  if (!s) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  napi_get_value_string_utf8(env, v, s, *len + 1, len);
  return s;
}

/* Write all of buf (retrying EINTR; waiting on EAGAIN when the fd was handed to us non-blocking) -> 0 | -errno */
static int write_all(int fd, const char *buf, size_t len) {
  size_t off = 0;
  while (off < len) {
    ssize_t n = write(fd, buf + off, len - off);
    if (n >= 0) {
      off += (size_t)n;
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) {
      struct pollfd p = {fd, POLLOUT, 0};
      if (poll(&p, 1, -1) >= 0 || errno == EINTR) continue;
    }
    return -errno;
  }
  return 0;
}

/* connect(path) -> fd | -errno: a blocking AF_UNIX stream socket connected to path. */
static napi_value Connect(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1);
  if (argc < 1) THROW(env, "connect(path)");
  size_t plen;
  char *path = get_utf8(env, argv[0], &plen);
  if (!path) return NULL;
  struct sockaddr_un un;
  memset(&un, 0, sizeof(un));
  un.sun_family = AF_UNIX;
  if (plen == 0 || plen >= sizeof(un.sun_path)) {
    free(path);
    return num(env, -ENAMETOOLONG);
  }
  memcpy(un.sun_path, path, plen);
  free(path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return num(env, -errno);
  int r;
  do
    r = connect(fd, (struct sockaddr *)&un, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen + 1));
  while (r < 0 && errno == EINTR);
  if (r < 0) {
    int e = errno;
    close(fd);
    return num(env, -e);
  }
  return num(env, fd);
}

/* request(fd, line) -> string | -errno: writes line, then reads until what was read ends with '\n' (whole
 * lines only, so no UTF-8 sequence is cut) or the peer closes (then the text may end mid-line). */
static napi_value Request(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 2);
  int fd;
  if (argc < 2 || get_fd(env, argv[0], &fd)) return NULL;
  size_t llen;
  char *line = get_utf8(env, argv[1], &llen);
  if (!line) return NULL;
  int w = write_all(fd, line, llen);
  free(line);
  if (w < 0) return num(env, w);
  size_t cap = 16384, len = 0;
  char *buf = malloc(cap);
  if (!buf) return num(env, -ENOMEM);
  for (;;) {
    if (len == cap) {
      char *nb = cap < ((size_t)1 << 30) ? realloc(buf, cap * 2) : NULL;
      if (!nb) {
        free(buf);
        return num(env, -ENOMEM);
      }
      buf = nb;
      cap *= 2;
    }
    ssize_t n = read(fd, buf + len, cap - len);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      free(buf);
      return num(env, -e);
    }
    if (n == 0) break;
    len += (size_t)n;
    if (buf[len - 1] == '\n') break;
  }
  napi_value s;
  napi_status st = napi_create_string_utf8(env, buf, len, &s);
  free(buf);
  NAPI_CALL(env, st);
  return s;
}

/* write(fd, text) -> 0 | -errno (stdout/stderr of the fast path: nothing buffered, nothing lazy) */
static napi_value Write(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 2);
  int fd;
  if (argc < 2 || get_fd(env, argv[0], &fd)) return NULL;
  size_t len;
  char *s = get_utf8(env, argv[1], &len);
  if (!s) return NULL;
  int r = write_all(fd, s, len);
  free(s);
  return num(env, r);
}

static napi_value Close(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1);
  int fd;
  if (argc < 1 || get_fd(env, argv[0], &fd)) return NULL;
  return num(env, close(fd) < 0 ? -errno : 0);
}

/* exit(code): _exit(code) at once. The fast path has written everything with write(2) and touched no stream,
 * timer or child, so node's teardown (the 'exit' event, joining V8's worker threads, freeing the heap,
 * static destructors: ~0.4 ms of a ~17 ms run) has nothing to do for it. */
static napi_value Exit(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1);
  int32_t code;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &code) != napi_ok) THROW(env, "exit(code)");
  _exit(code & 0xff);
}

static napi_value Init(napi_env env, napi_value exports) {
  static const struct {
    const char *name;
    napi_callback cb;
  } fns[] = {{"connect", Connect}, {"request", Request}, {"write", Write}, {"close", Close}, {"exit", Exit}};
  for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
    napi_value fn;
    NAPI_CALL(env, napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].cb, NULL, &fn));
    NAPI_CALL(env, napi_set_named_property(env, exports, fns[i].name, fn));
  }
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
