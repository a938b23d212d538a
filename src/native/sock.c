/* Raw fds: sockets with options, bind/listen/accept4, mkfifo, pipe2, close, uv_poll readiness watches,
 * recvmsg with SCM_CREDENTIALS + SCM_RIGHTS, SO_PEERCRED, socket names.
 * Invariants: every fd created here is O_CLOEXEC (children get fds only through spawn's fd map);
 * functions return an fd/0 or -errno; a poll watch never reads or accepts anything by itself; the process
 * umask is never changed (libuv's thread pool may create files at any moment): nodes are created with the
 * requested mode less the umask, then set to the exact mode through their fd; every allocation is checked. */
#define _GNU_SOURCE
#include "napi-util.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/netlink.h>
#include <mqueue.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <uv.h>

static int family_of(const char *s) {
  if (!strcmp(s, "inet")) return AF_INET;
  if (!strcmp(s, "inet6")) return AF_INET6;
  if (!strcmp(s, "unix")) return AF_UNIX;
  return -1;
}
static int type_of(const char *s) {
  if (!strcmp(s, "stream")) return SOCK_STREAM;
  if (!strcmp(s, "dgram")) return SOCK_DGRAM;
  if (!strcmp(s, "seqpacket")) return SOCK_SEQPACKET;
  return -1;
}

/* socket(family, type, nonblock) -> fd | -errno */
static napi_value Socket(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 3);
  if (argc < 2) THROW(env, "socket(family, type, nonblock?)");
  char *f = tsysd_get_string(env, argv[0], NULL);
  if (!f) return NULL;
  char *t = tsysd_get_string(env, argv[1], NULL);
  if (!t) {
    free(f);
    return NULL;
  }
  bool nb = true;
  if (argc >= 3) napi_get_value_bool(env, argv[2], &nb);
  int fam = family_of(f), ty = type_of(t);
  free(f);
  free(t);
  if (fam < 0 || ty < 0) THROW(env, "unknown socket family or type");
  int fd = socket(fam, ty | SOCK_CLOEXEC | (nb ? SOCK_NONBLOCK : 0), 0);
  return tsysd_int(env, fd < 0 ? -errno : fd);
}

/* setsockoptInt(fd, level, name, value) -> 0 | -errno */
static napi_value SetSockOptInt(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 4);
  int64_t fd, level, name, value;
  if (argc < 4 || tsysd_get_int(env, argv[0], &fd) || tsysd_get_int(env, argv[1], &level) ||
      tsysd_get_int(env, argv[2], &name) || tsysd_get_int(env, argv[3], &value))
    return NULL;
  int v = (int)value;
  if (setsockopt((int)fd, (int)level, (int)name, &v, sizeof(v)) < 0) return tsysd_int(env, -errno);
  return tsysd_int(env, 0);
}

/* getsockoptInt(fd, level, name) -> value | -errno (verification in tests) */
static napi_value GetSockOptInt(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 3);
  int64_t fd, level, name;
  if (argc < 3 || tsysd_get_int(env, argv[0], &fd) || tsysd_get_int(env, argv[1], &level) ||
      tsysd_get_int(env, argv[2], &name))
    return NULL;
  int v = 0;
  socklen_t len = sizeof(v);
  if (getsockopt((int)fd, (int)level, (int)name, &v, &len) < 0) return tsysd_int(env, -errno);
  return tsysd_int(env, v);
}

/* setsockoptString(fd, level, name, string) -> 0 | -errno (SO_BINDTODEVICE) */
static napi_value SetSockOptString(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 4);
  int64_t fd, level, name;
  size_t len;
  if (argc < 4 || tsysd_get_int(env, argv[0], &fd) || tsysd_get_int(env, argv[1], &level) ||
      tsysd_get_int(env, argv[2], &name))
    return NULL;
  char *s = tsysd_get_string(env, argv[3], &len);
  if (!s) return NULL;
  int r = setsockopt((int)fd, (int)level, (int)name, s, (socklen_t)len);
  free(s);
  return tsysd_int(env, r < 0 ? -errno : 0);
}

/* Parses {family:'inet'|'inet6', host, port} or {family:'unix', path, abstract?} */
static int parse_addr(napi_env env, napi_value o, struct sockaddr_storage *ss, socklen_t *len) {
  napi_value v = tsysd_get_prop(env, o, "family");
  char *fam = v ? tsysd_get_string(env, v, NULL) : NULL;
  if (!fam) return -1;
  memset(ss, 0, sizeof(*ss));
  int f = family_of(fam);
  free(fam);
  if (f == AF_UNIX) {
    struct sockaddr_un *un = (struct sockaddr_un *)ss;
    size_t plen;
    char *path = tsysd_get_string(env, tsysd_get_prop(env, o, "path"), &plen);
    if (!path) return -1;
    bool abstract = false;
    napi_value a = tsysd_get_prop(env, o, "abstract");
    if (a && !tsysd_is_nullish(env, a)) napi_get_value_bool(env, a, &abstract);
    un->sun_family = AF_UNIX;
    size_t off = abstract ? 1 : 0;
    if (plen + off >= sizeof(un->sun_path)) {
      free(path);
      return -ENAMETOOLONG;
    }
    memcpy(un->sun_path + off, path, plen);
    free(path);
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + off + plen + (abstract ? 0 : 1));
    return 0;
  }
  if (f != AF_INET && f != AF_INET6) return -EAFNOSUPPORT;
  char *host = tsysd_get_string(env, tsysd_get_prop(env, o, "host"), NULL);
  if (!host) return -1;
  int64_t port;
  if (tsysd_get_int(env, tsysd_get_prop(env, o, "port"), &port)) {
    free(host);
    return -1;
  }
  int ok;
  if (f == AF_INET) {
    struct sockaddr_in *in = (struct sockaddr_in *)ss;
    in->sin_family = AF_INET;
    in->sin_port = htons((uint16_t)port);
    ok = inet_pton(AF_INET, host, &in->sin_addr);
    *len = sizeof(*in);
  } else {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons((uint16_t)port);
    char *pct = strchr(host, '%');
    if (pct) {
      *pct = 0;
      in6->sin6_scope_id = (uint32_t)atoi(pct + 1);
    }
    ok = inet_pton(AF_INET6, host, &in6->sin6_addr);
    *len = sizeof(*in6);
  }
  free(host);
  return ok == 1 ? 0 : -EINVAL;
}

static napi_value addr_to_js(napi_env env, struct sockaddr_storage *ss, socklen_t len) {
  napi_value o, s;
  char buf[INET6_ADDRSTRLEN + 1] = {0};
  napi_create_object(env, &o);
  if (ss->ss_family == AF_INET) {
    struct sockaddr_in *in = (struct sockaddr_in *)ss;
    inet_ntop(AF_INET, &in->sin_addr, buf, sizeof(buf));
    napi_create_string_utf8(env, "inet", NAPI_AUTO_LENGTH, &s);
    tsysd_set_value(env, o, "family", s);
    napi_create_string_utf8(env, buf, NAPI_AUTO_LENGTH, &s);
    tsysd_set_value(env, o, "host", s);
    tsysd_set_int(env, o, "port", ntohs(in->sin_port));
  } else if (ss->ss_family == AF_INET6) {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof(buf));
    napi_create_string_utf8(env, "inet6", NAPI_AUTO_LENGTH, &s);
    tsysd_set_value(env, o, "family", s);
    napi_create_string_utf8(env, buf, NAPI_AUTO_LENGTH, &s);
    tsysd_set_value(env, o, "host", s);
    tsysd_set_int(env, o, "port", ntohs(in6->sin6_port));
  } else if (ss->ss_family == AF_UNIX) {
    struct sockaddr_un *un = (struct sockaddr_un *)ss;
    size_t plen = len > offsetof(struct sockaddr_un, sun_path) ? len - offsetof(struct sockaddr_un, sun_path) : 0;
    bool abstract = plen > 0 && un->sun_path[0] == 0;
    const char *p = un->sun_path + (abstract ? 1 : 0);
    size_t n = abstract ? plen - 1 : strnlen(un->sun_path, plen);
    napi_create_string_utf8(env, "unix", NAPI_AUTO_LENGTH, &s);
    tsysd_set_value(env, o, "family", s);
    napi_create_string_utf8(env, p, n, &s);
    tsysd_set_value(env, o, "path", s);
    napi_get_boolean(env, abstract, &s);
    tsysd_set_value(env, o, "abstract", s);
  } else {
    return tsysd_null(env);
  }
  return o;
}

static napi_value Bind(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 2);
  int64_t fd;
  struct sockaddr_storage ss;
  socklen_t len = 0;
  if (argc < 2 || tsysd_get_int(env, argv[0], &fd)) return NULL;
  int r = parse_addr(env, argv[1], &ss, &len);
  if (r == -1) return NULL;
  if (r < 0) return tsysd_int(env, r);
  if (bind((int)fd, (struct sockaddr *)&ss, len) < 0) return tsysd_int(env, -errno);
  return tsysd_int(env, 0);
}

static napi_value Connect(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 2);
  int64_t fd;
  struct sockaddr_storage ss;
  socklen_t len = 0;
  if (argc < 2 || tsysd_get_int(env, argv[0], &fd)) return NULL;
  int r = parse_addr(env, argv[1], &ss, &len);
  if (r == -1) return NULL;
  if (r < 0) return tsysd_int(env, r);
  if (connect((int)fd, (struct sockaddr *)&ss, len) < 0) return tsysd_int(env, -errno);
  return tsysd_int(env, 0);
}

static napi_value Listen(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 2);
  int64_t fd, backlog;
  if (argc < 2 || tsysd_get_int(env, argv[0], &fd) || tsysd_get_int(env, argv[1], &backlog)) return NULL;
  if (listen((int)fd, (int)backlog) < 0) return tsysd_int(env, -errno);
  return tsysd_int(env, 0);
}

/* accept4(fd, nonblock) -> fd | -errno (-EAGAIN when nothing is pending) */
static napi_value Accept(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 2);
  int64_t fd;
  bool nb = false;
  if (argc < 1 || tsysd_get_int(env, argv[0], &fd)) return NULL;
  if (argc >= 2) napi_get_value_bool(env, argv[1], &nb);
  int c;
  do
    c = accept4((int)fd, NULL, NULL, SOCK_CLOEXEC | (nb ? SOCK_NONBLOCK : 0));
  while (c < 0 && errno == EINTR);
  return tsysd_int(env, c < 0 ? -errno : c);
}

static napi_value SockName(napi_env env, napi_callback_info info, int peer) {
  GET_ARGS(env, info, 1);
  int64_t fd;
  if (argc < 1 || tsysd_get_int(env, argv[0], &fd)) return NULL;
  struct sockaddr_storage ss;
  socklen_t len = sizeof(ss);
  memset(&ss, 0, sizeof(ss));
  int r = peer ? getpeername((int)fd, (struct sockaddr *)&ss, &len) : getsockname((int)fd, (struct sockaddr *)&ss, &len);
  if (r < 0) return tsysd_int(env, -errno);
  return addr_to_js(env, &ss, len);
}
static napi_value GetSockName(napi_env env, napi_callback_info info) { return SockName(env, info, 0); }
static napi_value GetPeerName(napi_env env, napi_callback_info info) { return SockName(env, info, 1); }

/* peerCred(fd) -> {pid, uid, gid} | -errno */
static napi_value PeerCred(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1);
  int64_t fd;
  if (argc < 1 || tsysd_get_int(env, argv[0], &fd)) return NULL;
  struct ucred uc;
  socklen_t len = sizeof(uc);
  if (getsockopt((int)fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) < 0) return tsysd_int(env, -errno);
  napi_value o;
  napi_create_object(env, &o);
  tsysd_set_int(env, o, "pid", uc.pid);
  tsysd_set_int(env, o, "uid", uc.uid);
  tsysd_set_int(env, o, "gid", uc.gid);
  /* SO_PEERGROUPS (Linux 4.13): the peer's supplementary groups at connect time (namespace-proof, unlike
   * /proc/PID of a peer in another PID namespace). Absent when the kernel does not support it. */
#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59
#endif
  gid_t small[64];
  gid_t *groups = small;
  socklen_t glen = sizeof(small);
  int gr = getsockopt((int)fd, SOL_SOCKET, SO_PEERGROUPS, groups, &glen);
  if (gr < 0 && errno == ERANGE && glen > sizeof(small) && glen <= 65536 * sizeof(gid_t)) {
    groups = malloc(glen);
    if (groups) gr = getsockopt((int)fd, SOL_SOCKET, SO_PEERGROUPS, groups, &glen);
  }
  if (gr == 0 && groups) {
    napi_value arr;
    napi_create_array(env, &arr);
    for (uint32_t i = 0; i < glen / sizeof(gid_t); i++) napi_set_element(env, arr, i, tsysd_int(env, groups[i]));
    tsysd_set_value(env, o, "groups", arr);
  }
  if (groups && groups != small) free(groups);
  return o;
}

/* recvmsg(fd, maxBytes) -> {data: Buffer, pid, uid, gid, fds: number[]} | -errno
 * pid/uid/gid are -1 when the message carried no SCM_CREDENTIALS. Received fds are O_CLOEXEC. A
 * truncated message has truncated: true. */
static napi_value RecvMsg(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 2);
  int64_t fd, max = 4096;
  if (argc < 1 || tsysd_get_int(env, argv[0], &fd)) return NULL;
  if (argc >= 2 && tsysd_get_int(env, argv[1], &max)) return NULL;
  if (max <= 0 || max > (1 << 20)) max = 4096;
  char *buf = malloc((size_t)max);
  if (!buf) return tsysd_int(env, -ENOMEM);
  union {
    struct cmsghdr h;
    char b[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int) * 768)];
  } ctl;
  struct iovec iov = {buf, (size_t)max};
  struct msghdr mh;
  memset(&mh, 0, sizeof(mh));
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = &ctl;
  mh.msg_controllen = sizeof(ctl);
  ssize_t n;
  do
    n = recvmsg((int)fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    int e = errno;
    free(buf);
    return tsysd_int(env, -e);
  }
  napi_value o, data, fds;
  napi_create_object(env, &o);
  napi_create_buffer_copy(env, (size_t)n, buf, NULL, &data);
  free(buf);
  tsysd_set_value(env, o, "data", data);
  napi_create_array(env, &fds);
  int64_t pid = -1, uid = -1, gid = -1;
  uint32_t nf = 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
    if (c->cmsg_level != SOL_SOCKET) continue;
    if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
      struct ucred uc;
      memcpy(&uc, CMSG_DATA(c), sizeof(uc));
      pid = uc.pid;
      uid = uc.uid;
      gid = uc.gid;
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
  napi_value tr;
  napi_get_boolean(env, (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0, &tr);
  tsysd_set_value(env, o, "truncated", tr);
  return o;
}

/* sendmsg(fd, data: Buffer, fds: number[], dest?: addr) -> bytes | -errno (tests, FDSTORE fixtures) */
static napi_value SendMsg(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 4);
  int64_t fd;
  if (argc < 3 || tsysd_get_int(env, argv[0], &fd)) return NULL;
  void *data;
  size_t dlen;
  if (napi_get_buffer_info(env, argv[1], &data, &dlen) != napi_ok) THROW(env, "data must be a Buffer");
  uint32_t nf = 0;
  napi_get_array_length(env, argv[2], &nf);
  if (nf > 253) THROW(env, "too many fds");
  union {
    struct cmsghdr h;
    char b[CMSG_SPACE(sizeof(int) * 253)];
  } ctl;
  struct iovec iov = {data, dlen};
  struct msghdr mh;
  struct sockaddr_storage ss;
  socklen_t sl = 0;
  memset(&mh, 0, sizeof(mh));
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  if (argc >= 4 && !tsysd_is_nullish(env, argv[3])) {
    int r = parse_addr(env, argv[3], &ss, &sl);
    if (r == -1) return NULL;
    if (r < 0) return tsysd_int(env, r);
    mh.msg_name = &ss;
    mh.msg_namelen = sl;
  }
  if (nf > 0) {
    memset(&ctl, 0, sizeof(ctl));
    mh.msg_control = &ctl;
    mh.msg_controllen = CMSG_SPACE(sizeof(int) * nf);
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * nf);
    for (uint32_t i = 0; i < nf; i++) {
      napi_value v;
      int64_t x;
      napi_get_element(env, argv[2], i, &v);
      if (tsysd_get_int(env, v, &x)) return NULL;
      int xi = (int)x;
      memcpy(CMSG_DATA(c) + i * sizeof(int), &xi, sizeof(int));
    }
  }
  ssize_t n;
  do
    n = sendmsg((int)fd, &mh, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return tsysd_int(env, n < 0 ? -errno : n);
}

static napi_value Close(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1);
  int64_t fd;
  if (argc < 1 || tsysd_get_int(env, argv[0], &fd)) return NULL;
  return tsysd_int(env, close((int)fd) < 0 ? -errno : 0);
}

/* pipe(nonblockRead, nonblockWrite) -> [r, w] | -errno; both O_CLOEXEC */
static napi_value Pipe(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 2);
  bool nbr = false, nbw = false;
  if (argc >= 1) napi_get_value_bool(env, argv[0], &nbr);
  if (argc >= 2) napi_get_value_bool(env, argv[1], &nbw);
  int p[2];
  if (pipe2(p, O_CLOEXEC | (nbr && nbw ? O_NONBLOCK : 0)) < 0) return tsysd_int(env, -errno);
  if (nbr != nbw) {
    int which = nbr ? p[0] : p[1];
    int fl = fcntl(which, F_GETFL);
    if (fl < 0 || fcntl(which, F_SETFL, fl | O_NONBLOCK) < 0) {
      int e = errno;
      close(p[0]);
      close(p[1]);
      return tsysd_int(env, -e);
    }
  }
  napi_value a;
  napi_create_array_with_length(env, 2, &a);
  napi_set_element(env, a, 0, tsysd_int(env, p[0]));
  napi_set_element(env, a, 1, tsysd_int(env, p[1]));
  return a;
}

/* mkfifo(path, mode) then open O_RDWR|O_NONBLOCK|O_CLOEXEC -> fd | -errno (EEXIST on a FIFO is fine) */
/* netlinkSocket(protocol, groups) -> fd | -errno: ListenNetlink= (socket_address_listen for AF_NETLINK). */
static napi_value NetlinkSocket(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 2);
  int64_t proto, groups;
  if (argc < 2 || tsysd_get_int(env, argv[0], &proto) || tsysd_get_int(env, argv[1], &groups)) return NULL;
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, (int)proto);
  if (fd < 0) return tsysd_int(env, -errno);
  struct sockaddr_nl sa;
  memset(&sa, 0, sizeof(sa));
  sa.nl_family = AF_NETLINK;
  sa.nl_groups = (unsigned)groups;
  if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
    int e = errno;
    close(fd);
    return tsysd_int(env, -e);
  }
  return tsysd_int(env, fd);
}

/* mqOpen(name, mode, maxmsg, msgsize) -> fd | -errno: ListenMessageQueue= (mq_open O_RDONLY|O_CREAT). */
static napi_value MqOpen(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 4);
  int64_t mode, maxmsg, msgsize;
  if (argc < 4 || tsysd_get_int(env, argv[1], &mode) || tsysd_get_int(env, argv[2], &maxmsg) || tsysd_get_int(env, argv[3], &msgsize)) return NULL;
  char *name = tsysd_get_string(env, argv[0], NULL);
  if (!name) return NULL;
  struct mq_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.mq_maxmsg = maxmsg;
  attr.mq_msgsize = msgsize;
  /* Created with mode & ~umask (never wider than asked), then set to the exact mode through its descriptor
   * (a message queue descriptor is an fd on Linux), as systemd's PID 1 (umask 0) gets it. Only a queue we
   * created is changed: an existing one keeps its mode. */
  mqd_t q = mq_open(name, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_CREAT | O_EXCL, (mode_t)mode, (maxmsg > 0 && msgsize > 0) ? &attr : NULL);
  int created = q != (mqd_t)-1;
  if (!created && errno == EEXIST)
    q = mq_open(name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  int e = errno;
  free(name);
  if (q == (mqd_t)-1) return tsysd_int(env, -e);
  if (created && fchmod((int)q, (mode_t)mode & 07777) < 0) {
    e = errno;
    mq_close(q);
    return tsysd_int(env, -e);
  }
  return tsysd_int(env, (int)q);
}

/* mqUnlink(name) -> 0 | -errno: RemoveOnStop= of a ListenMessageQueue= (socket.c: mq_unlink). */
static napi_value MqUnlink(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1);
  if (argc < 1) return NULL;
  char *name = tsysd_get_string(env, argv[0], NULL);
  if (!name) return NULL;
  int r = mq_unlink(name) < 0 ? -errno : 0;
  free(name);
  return tsysd_int(env, r);
}

static napi_value MkFifo(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 2);
  int64_t mode;
  if (argc < 2 || tsysd_get_int(env, argv[1], &mode)) return NULL;
  char *path = tsysd_get_string(env, argv[0], NULL);
  if (!path) return NULL;
  /* mkfifo applies the umask (the node is never wider than asked); the exact mode is set through the fd
   * once it is open, and only on a FIFO this call created. */
  int r = mkfifo(path, (mode_t)mode & 07777);
  int e = errno;
  if (r < 0 && e != EEXIST) {
    free(path);
    return tsysd_int(env, -e);
  }
  int created = r == 0;
  int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
  e = errno;
  free(path);
  if (fd < 0) return tsysd_int(env, -e);
  struct stat st;
  if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode)) {
    close(fd);
    return tsysd_int(env, -EEXIST);
  }
  if (created && fchmod(fd, (mode_t)mode & 07777) < 0) {
    e = errno;
    close(fd);
    return tsysd_int(env, -e);
  }
  return tsysd_int(env, fd);
}

/* setNonBlock(fd, on) / setCloexec(fd, on) -> 0 | -errno */
static napi_value SetFl(napi_env env, napi_callback_info info, int which) {
  GET_ARGS(env, info, 2);
  int64_t fd;
  bool on = true;
  if (argc < 1 || tsysd_get_int(env, argv[0], &fd)) return NULL;
  if (argc >= 2) napi_get_value_bool(env, argv[1], &on);
  int r;
  if (which == 0) {
    int fl = fcntl((int)fd, F_GETFL);
    r = fl < 0 ? -1 : fcntl((int)fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
  } else {
    int fl = fcntl((int)fd, F_GETFD);
    r = fl < 0 ? -1 : fcntl((int)fd, F_SETFD, on ? fl | FD_CLOEXEC : fl & ~FD_CLOEXEC);
  }
  return tsysd_int(env, r < 0 ? -errno : 0);
}
static napi_value SetNonBlock(napi_env env, napi_callback_info info) { return SetFl(env, info, 0); }
static napi_value SetCloexec(napi_env env, napi_callback_info info) { return SetFl(env, info, 1); }

static napi_value Dup(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1);
  int64_t fd;
  if (argc < 1 || tsysd_get_int(env, argv[0], &fd)) return NULL;
  int r = fcntl((int)fd, F_DUPFD_CLOEXEC, 3);
  return tsysd_int(env, r < 0 ? -errno : r);
}

/* Readiness watches: pollStart(fd, events(1=readable,2=writable,8=priority/POLLPRI), cb(status, events)) -> id | -errno.
 * The table is indexed by fd and grows with the highest fd watched (libuv allows one poll handle per fd
 * anyway). An id is fd + generation * 2^31, so a stale id (a watch stopped twice, its fd since reused for
 * another watch) is refused with -EBADF instead of stopping someone else's watch. */
typedef struct {
  uv_poll_t h;
  napi_ref cb;
  int64_t id;
} pollw_t;
static pollw_t **g_polls = NULL;
static size_t g_npolls = 0;
static int64_t g_poll_gen = 0;
#define POLL_FD_SPAN ((int64_t)1 << 31)
#define POLL_GEN_WRAP ((int64_t)1 << 21) /* id stays below 2^52: exact in a JS number */

static void on_poll(uv_poll_t *h, int status, int events) {
  pollw_t *p = (pollw_t *)h->data;
  napi_env env = tsysd_env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  int ev = ((events & UV_READABLE) ? 1 : 0) | ((events & UV_WRITABLE) ? 2 : 0) | ((events & UV_DISCONNECT) ? 4 : 0) |
           ((events & UV_PRIORITIZED) ? 8 : 0);
  napi_value args[2] = {tsysd_int(env, status), tsysd_int(env, ev)};
  tsysd_callback_in_scope(env, p->cb, 2, args);
  napi_close_handle_scope(env, scope);
}
static void poll_closed(uv_handle_t *h) { free(h->data); }

/* Room for index fd; 0 or -ENOMEM. */
static int poll_table_reserve(size_t fd) {
  if (fd < g_npolls) return 0;
  size_t n = g_npolls ? g_npolls : 256;
  while (n <= fd) n *= 2;
  pollw_t **t = realloc(g_polls, n * sizeof(*t));
  if (!t) return -ENOMEM;
  memset(t + g_npolls, 0, (n - g_npolls) * sizeof(*t));
  g_polls = t;
  g_npolls = n;
  return 0;
}

/* The watch an id names, or NULL (unknown, stopped, or stale). */
static pollw_t *poll_lookup(int64_t id) {
  if (id < 0) return NULL;
  int64_t fd = id % POLL_FD_SPAN;
  if ((size_t)fd >= g_npolls) return NULL;
  pollw_t *p = g_polls[fd];
  return p && p->id == id ? p : NULL;
}

static napi_value PollStart(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 3);
  int64_t fd, events;
  if (argc < 3 || tsysd_get_int(env, argv[0], &fd) || tsysd_get_int(env, argv[1], &events)) return NULL;
  if (fd < 0 || fd >= POLL_FD_SPAN) return tsysd_int(env, -EBADF);
  if (poll_table_reserve((size_t)fd) < 0) return tsysd_int(env, -ENOMEM);
  if (g_polls[fd]) return tsysd_int(env, -EEXIST); /* one watch per fd */
  pollw_t *p = calloc(1, sizeof(*p));
  if (!p) return tsysd_int(env, -ENOMEM);
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  int r = uv_poll_init(loop, &p->h, (int)fd);
  if (r < 0) {
    free(p);
    return tsysd_int(env, r);
  }
  p->h.data = p;
  if (napi_create_reference(env, argv[2], 1, &p->cb) != napi_ok) {
    uv_close((uv_handle_t *)&p->h, poll_closed);
    return NULL;
  }
  int uvev = ((events & 1) ? UV_READABLE : 0) | ((events & 2) ? UV_WRITABLE : 0) | ((events & 8) ? UV_PRIORITIZED : 0);
  r = uv_poll_start(&p->h, uvev, on_poll);
  if (r < 0) {
    napi_delete_reference(env, p->cb);
    uv_close((uv_handle_t *)&p->h, poll_closed);
    return tsysd_int(env, r);
  }
  g_poll_gen = (g_poll_gen + 1) % POLL_GEN_WRAP;
  p->id = g_poll_gen * POLL_FD_SPAN + fd;
  g_polls[fd] = p;
  return tsysd_int(env, p->id);
}

/* pollStop(id): must be called BEFORE closing the fd. */
static napi_value PollStop(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1);
  int64_t id;
  if (argc < 1 || tsysd_get_int(env, argv[0], &id)) return NULL;
  pollw_t *p = poll_lookup(id);
  if (!p) return tsysd_int(env, -EBADF);
  g_polls[id % POLL_FD_SPAN] = NULL;
  /* uv_close stops the watch itself (one epoll_ctl DEL; uv_poll_stop first made it two, the second ENOENT) */
  napi_delete_reference(env, p->cb);
  uv_close((uv_handle_t *)&p->h, poll_closed);
  return tsysd_int(env, 0);
}

static napi_value PollUnref(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 2);
  int64_t id;
  bool unref = true;
  if (argc < 1 || tsysd_get_int(env, argv[0], &id)) return NULL;
  if (argc >= 2) napi_get_value_bool(env, argv[1], &unref);
  pollw_t *p = poll_lookup(id);
  if (!p) return tsysd_int(env, -EBADF);
  if (unref)
    uv_unref((uv_handle_t *)&p->h);
  else
    uv_ref((uv_handle_t *)&p->h);
  return tsysd_int(env, 0);
}

void tsysd_init_sock(napi_env env, napi_value exports) {
  tsysd_export(env, exports, "socket", Socket);
  tsysd_export(env, exports, "setsockoptInt", SetSockOptInt);
  tsysd_export(env, exports, "setsockoptString", SetSockOptString);
  tsysd_export(env, exports, "getsockoptInt", GetSockOptInt);
  tsysd_export(env, exports, "bind", Bind);
  tsysd_export(env, exports, "connect", Connect);
  tsysd_export(env, exports, "listen", Listen);
  tsysd_export(env, exports, "accept", Accept);
  tsysd_export(env, exports, "getsockname", GetSockName);
  tsysd_export(env, exports, "getpeername", GetPeerName);
  tsysd_export(env, exports, "peerCred", PeerCred);
  tsysd_export(env, exports, "recvmsg", RecvMsg);
  tsysd_export(env, exports, "sendmsg", SendMsg);
  tsysd_export(env, exports, "close", Close);
  tsysd_export(env, exports, "pipe", Pipe);
  tsysd_export(env, exports, "mkfifo", MkFifo);
  tsysd_export(env, exports, "netlinkSocket", NetlinkSocket);
  tsysd_export(env, exports, "mqOpen", MqOpen);
  tsysd_export(env, exports, "mqUnlink", MqUnlink);
  tsysd_export(env, exports, "setNonBlock", SetNonBlock);
  tsysd_export(env, exports, "setCloexec", SetCloexec);
  tsysd_export(env, exports, "dup", Dup);
  tsysd_export(env, exports, "pollStart", PollStart);
  tsysd_export(env, exports, "pollStop", PollStop);
  tsysd_export(env, exports, "pollUnref", PollUnref);
}
