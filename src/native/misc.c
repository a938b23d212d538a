/* Misc OS lookups the platform layer needs: user/group database via NSS (getpwnam_r, getgrnam_r,
 * getgrouplist), strerror, and the numeric socket-option constants for setsockoptInt.
 * Invariant: lookups return null when the name is unknown (never throw for that). */
#define _GNU_SOURCE
#include "napi-util.h"
#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pwd.h>
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
  if (getgrouplist(name, (gid_t)gid, groups, &n) < 0) {
    groups = realloc(groups, sizeof(gid_t) * (size_t)n);
    getgrouplist(name, (gid_t)gid, groups, &n);
  }
  free(name);
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

static void c(napi_env env, napi_value o, const char *k, int v) { tsysd_set_int(env, o, k, v); }

void tsysd_init_misc(napi_env env, napi_value exports) {
  tsysd_export(env, exports, "getpwnam", GetPwNam);
  tsysd_export(env, exports, "getgrnam", GetGrNam);
  tsysd_export(env, exports, "getgrouplist", GetGroupList);
  tsysd_export(env, exports, "strerror", StrError);
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
