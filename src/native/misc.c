/* Misc OS lookups the platform layer needs: user/group database via NSS (getpwnam_r, getgrnam_r,
 * getgrouplist), strerror, the manager's own RLIMIT_NOFILE (read, set, /proc/sys/fs/nr_open), and the
 * numeric socket-option constants for setsockoptInt.
 * Invariant: lookups return null when the name is unknown (never throw for that); limits use -1 for
 * RLIM_INFINITY; OS failures are -errno. */
#define _GNU_SOURCE
#include "napi-util.h"
#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pwd.h>
#include <stdio.h>
#include <sys/resource.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

static napi_value str(napi_env env, const char *s) {
  napi_value v;
  napi_create_string_utf8(env, s ? s : "", NAPI_AUTO_LENGTH, &v);
  return v;
}

static napi_value pw_to_js(napi_env env, struct passwd *pw) {
  napi_value o;
  napi_create_object(env, &o);
  tsysd_set_value(env, o, "name", str(env, pw->pw_name));
  tsysd_set_int(env, o, "uid", pw->pw_uid);
  tsysd_set_int(env, o, "gid", pw->pw_gid);
  tsysd_set_value(env, o, "home", str(env, pw->pw_dir));
  tsysd_set_value(env, o, "shell", str(env, pw->pw_shell));
  return o;
}

/* getpwnam(nameOrUid: string) -> {name, uid, gid, home, shell} | null */
static napi_value GetPwNam(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1);
  if (argc < 1) THROW(env, "getpwnam(name)");
  char *name = tsysd_get_string(env, argv[0], NULL);
  if (!name) return NULL;
  struct passwd pw, *res = NULL;
  char buf[16384];
  char *end;
  unsigned long uid = strtoul(name, &end, 10);
  if (*name && !*end)
    getpwuid_r((uid_t)uid, &pw, buf, sizeof(buf), &res);
  else
    getpwnam_r(name, &pw, buf, sizeof(buf), &res);
  free(name);
  return res ? pw_to_js(env, res) : tsysd_null(env);
}

/* getgrnam(nameOrGid: string) -> {name, gid} | null */
static napi_value GetGrNam(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1);
  if (argc < 1) THROW(env, "getgrnam(name)");
  char *name = tsysd_get_string(env, argv[0], NULL);
  if (!name) return NULL;
  struct group gr, *res = NULL;
  char buf[65536];
  char *end;
  unsigned long gid = strtoul(name, &end, 10);
  if (*name && !*end)
    getgrgid_r((gid_t)gid, &gr, buf, sizeof(buf), &res);
  else
    getgrnam_r(name, &gr, buf, sizeof(buf), &res);
  free(name);
  if (!res) return tsysd_null(env);
  napi_value o;
  napi_create_object(env, &o);
  tsysd_set_value(env, o, "name", str(env, res->gr_name));
  tsysd_set_int(env, o, "gid", res->gr_gid);
  return o;
}

/* getgrouplist(user, gid) -> number[] */
static napi_value GetGroupList(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 2);
  int64_t gid;
  if (argc < 2 || tsysd_get_int(env, argv[1], &gid)) return NULL;
  char *name = tsysd_get_string(env, argv[0], NULL);
  if (!name) return NULL;
  int n = 64;
  gid_t *groups = malloc(sizeof(gid_t) * (size_t)n);
  if (groups && getgrouplist(name, (gid_t)gid, groups, &n) < 0) {
    gid_t *more = n > 0 ? realloc(groups, sizeof(gid_t) * (size_t)n) : NULL;
    if (!more) {
      free(groups);
      groups = NULL;
    } else {
      groups = more;
      if (getgrouplist(name, (gid_t)gid, groups, &n) < 0) n = 0;
    }
  }
  free(name);
  if (!groups) THROW(env, "out of memory");
  napi_value a;
  napi_create_array(env, &a);
  for (int i = 0; i < n; i++) napi_set_element(env, a, (uint32_t)i, tsysd_int(env, groups[i]));
  free(groups);
  return a;
}

static napi_value StrError(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1);
  int64_t e;
  if (argc < 1 || tsysd_get_int(env, argv[0], &e)) return NULL;
  return str(env, strerror((int)(e < 0 ? -e : e)));
}

/* getNofile() -> {soft, hard} (-1 = unlimited) | -errno */
static napi_value GetNofile(napi_env env, napi_callback_info info) {
  (void)info;
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) < 0) return tsysd_int(env, -errno);
  napi_value o;
  napi_create_object(env, &o);
  tsysd_set_int(env, o, "soft", rl.rlim_cur == RLIM_INFINITY ? -1 : (int64_t)rl.rlim_cur);
  tsysd_set_int(env, o, "hard", rl.rlim_max == RLIM_INFINITY ? -1 : (int64_t)rl.rlim_max);
  return o;
}

/* setNofile(soft, hard) -> 0 | -errno (-1 = unlimited) */
static napi_value SetNofile(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 2);
  int64_t soft, hard;
  if (argc < 2 || tsysd_get_int(env, argv[0], &soft) || tsysd_get_int(env, argv[1], &hard)) return NULL;
  struct rlimit rl = {soft < 0 ? RLIM_INFINITY : (rlim_t)soft, hard < 0 ? RLIM_INFINITY : (rlim_t)hard};
  return tsysd_int(env, setrlimit(RLIMIT_NOFILE, &rl) < 0 ? -errno : 0);
}

/* nrOpen() -> /proc/sys/fs/nr_open (the kernel's ceiling for RLIMIT_NOFILE), or 1048576 (its default) */
static napi_value NrOpen(napi_env env, napi_callback_info info) {
  (void)info;
  long v = 0;
  FILE *f = fopen("/proc/sys/fs/nr_open", "re");
  if (f) {
    if (fscanf(f, "%ld", &v) != 1) v = 0;
    fclose(f);
  }
  return tsysd_int(env, v > 0 ? v : 1024 * 1024);
}

static void c(napi_env env, napi_value o, const char *k, int v) { tsysd_set_int(env, o, k, v); }

void tsysd_init_misc(napi_env env, napi_value exports) {
  tsysd_export(env, exports, "getpwnam", GetPwNam);
  tsysd_export(env, exports, "getgrnam", GetGrNam);
  tsysd_export(env, exports, "getgrouplist", GetGroupList);
  tsysd_export(env, exports, "strerror", StrError);
  tsysd_export(env, exports, "getNofile", GetNofile);
  tsysd_export(env, exports, "setNofile", SetNofile);
  tsysd_export(env, exports, "nrOpen", NrOpen);
  napi_value k;
  napi_create_object(env, &k);
  c(env, k, "SOL_SOCKET", SOL_SOCKET);
  c(env, k, "IPPROTO_IP", IPPROTO_IP);
  c(env, k, "IPPROTO_IPV6", IPPROTO_IPV6);
  c(env, k, "IPPROTO_TCP", IPPROTO_TCP);
  c(env, k, "SO_REUSEADDR", SO_REUSEADDR);
  c(env, k, "SO_REUSEPORT", SO_REUSEPORT);
  c(env, k, "SO_KEEPALIVE", SO_KEEPALIVE);
  c(env, k, "SO_RCVBUF", SO_RCVBUF);
  c(env, k, "SO_SNDBUF", SO_SNDBUF);
  c(env, k, "SO_RCVBUFFORCE", SO_RCVBUFFORCE);
  c(env, k, "SO_SNDBUFFORCE", SO_SNDBUFFORCE);
  c(env, k, "SO_PASSCRED", SO_PASSCRED);
  c(env, k, "SO_PASSSEC", SO_PASSSEC);
  c(env, k, "SO_BINDTODEVICE", SO_BINDTODEVICE);
  c(env, k, "SO_BROADCAST", SO_BROADCAST);
  c(env, k, "SO_PRIORITY", SO_PRIORITY);
  c(env, k, "SO_MARK", SO_MARK);
  c(env, k, "SO_TIMESTAMP", SO_TIMESTAMP);
  c(env, k, "SO_TIMESTAMPNS", SO_TIMESTAMPNS);
  c(env, k, "IP_FREEBIND", IP_FREEBIND);
  c(env, k, "IP_TRANSPARENT", IP_TRANSPARENT);
  c(env, k, "IP_TOS", IP_TOS);
  c(env, k, "IP_TTL", IP_TTL);
  c(env, k, "IPV6_V6ONLY", IPV6_V6ONLY);
  c(env, k, "IPV6_FREEBIND", 78);      /* IPV6_FREEBIND, not in older headers */
  c(env, k, "IPV6_TRANSPARENT", 75);   /* IPV6_TRANSPARENT */
  c(env, k, "TCP_NODELAY", TCP_NODELAY);
  c(env, k, "TCP_KEEPIDLE", TCP_KEEPIDLE);
  c(env, k, "TCP_KEEPINTVL", TCP_KEEPINTVL);
  c(env, k, "TCP_KEEPCNT", TCP_KEEPCNT);
  c(env, k, "TCP_DEFER_ACCEPT", TCP_DEFER_ACCEPT);
  c(env, k, "SOMAXCONN", SOMAXCONN);
  c(env, k, "SIGRTMIN", SIGRTMIN);
  c(env, k, "SIGRTMAX", SIGRTMAX);
  napi_set_named_property(env, exports, "constants", k);
}
