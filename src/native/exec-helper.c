/* tsysd-exec: the exec helper. The manager spawns it (native spawn) with the final fd layout already in
 * place (0,1,2 = stdio, 3.. = listen fds, then the status pipe write end at --status-fd) and the final
 * environment as its own environment; argv carries the exec context:
 *
 *   tsysd-exec --status-fd=N [--opt=value...] -- PATH ARGV0 ARGV1...
 *
 * It applies the context in this order (systemd 252's exec_child): setsid, controlling tty (--tty), SIGPIPE
 * ignore, cgroup attach, LISTEN_PID/SYSTEMD_EXEC_PID, user/group resolution, UMask, Nice, OOMScoreAdjust,
 * rlimits, KeyringMode=, PrivateUsers= (unprivileged), network and IPC namespaces, the mount namespace
 * (sandbox-mount.c: ProtectSystem=, PrivateTmp=, RootDirectory= ...), ProtectHostname=, RootDirectory=
 * without a namespace, WorkingDirectory, groups (initgroups + SupplementaryGroups), Group, PrivateUsers=
 * (privileged), bounding set, User, ambient capabilities, the idle wait, NoNewPrivileges (also where
 * systemd implies it), the seccomp filters in systemd's order, then execve (bare names searched in the
 * fixed --search-path). --probe and --umount-ns=PATH are one-shot modes for the manager (sandbox-ns.c).
 * Any failure writes {int32 exitCode, int32 errno} to the status fd and exits with systemd's exit code for
 * that stage (systemd.exec(5) "Process exit codes"). The status fd is O_CLOEXEC, so a pipe closed
 * without a record means execve succeeded. No allocation-heavy work, no policy: the manager decided
 * everything; this program only applies it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "sandbox.h"

enum {
  EXIT_CHDIR = 200, EXIT_NICE = 201, EXIT_FDS = 202, EXIT_EXEC = 203, EXIT_MEMORY = 204,
  EXIT_LIMITS = 205, EXIT_OOM_ADJUST = 206, EXIT_STDIN = 208, EXIT_CHROOT = 210, EXIT_GROUP = 216, EXIT_USER = 217,
  EXIT_CAPABILITIES = 218, EXIT_CGROUP = 219, EXIT_SETSID = 220, EXIT_NAMESPACE = 226,
  EXIT_NO_NEW_PRIVILEGES = 227, EXIT_SECCOMP = 228, EXIT_NETWORK = 225, EXIT_KEYRING = 237,
};

static int status_fd = -1;
static int idle_fd = -1;   /* Type=idle: block until the manager closes the other end (queue idle or 5 s) */

static void fail(int code, int err) {
  if (status_fd >= 0) {
    int32_t rec[2] = {code, err};
    ssize_t w;
    do
      w = write(status_fd, rec, sizeof(rec));
    while (w < 0 && errno == EINTR);
  }
  _exit(code);
}

#define MAX_LIST 64
static struct {
  const char *user, *group, *chdir, *root, *cgroup, *search_path;
  const char *supp[MAX_LIST];
  int nsupp;
  const char *rlimits[MAX_LIST];
  int nrlimits;
  int chdir_optional, set_sid, listen_fds, exec_pid, watchdog_pid, ignore_sigpipe, ctty, no_new_privs, umask_set, nice_set, oom_set;
  int has_bset, has_ambient;
  unsigned long long bset, ambient;
  int umask_v, nice_v, oom_v;
  /* sandboxing (decided by src/exec/sandbox.ts) */
  int mount_ns;                  /* 0 none, 1 try (privilege errors ignored), 2 insist */
  const char *netns, *netns_join, *ipcns, *ipcns_join, *keyring;
  int protect_hostname, private_users, nnp_if_unprivileged, has_uid, has_gid;
  unsigned num_uid, num_gid;
  const char *seccomp[64];
  int nseccomp;
  const char *legacy_cg[8];     /* v1 cgroups to join (resource limits in hybrid mode) */
  int nlegacy_cg;
} ctx;
static struct sb_mount_plan mplan;

static int rlimit_resource(const char *name) {
  static const struct { const char *n; int r; } t[] = {
    {"CPU", RLIMIT_CPU}, {"FSIZE", RLIMIT_FSIZE}, {"DATA", RLIMIT_DATA}, {"STACK", RLIMIT_STACK},
    {"CORE", RLIMIT_CORE}, {"RSS", RLIMIT_RSS}, {"NOFILE", RLIMIT_NOFILE}, {"AS", RLIMIT_AS},
    {"NPROC", RLIMIT_NPROC}, {"MEMLOCK", RLIMIT_MEMLOCK}, {"LOCKS", RLIMIT_LOCKS},
    {"SIGPENDING", RLIMIT_SIGPENDING}, {"MSGQUEUE", RLIMIT_MSGQUEUE}, {"NICE", RLIMIT_NICE},
    {"RTPRIO", RLIMIT_RTPRIO}, {"RTTIME", RLIMIT_RTTIME},
  };
  for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
    if (!strcmp(t[i].n, name)) return t[i].r;
  return -1;
}

static rlim_t parse_rlim(const char *s) {
  if (!strcmp(s, "infinity")) return RLIM_INFINITY;
  return (rlim_t)strtoull(s, NULL, 10);
}

/* NAME:soft:hard */
static void apply_rlimit(const char *spec) {
  char buf[128];
  snprintf(buf, sizeof(buf), "%s", spec);
  char *soft = strchr(buf, ':');
  if (!soft) fail(EXIT_LIMITS, EINVAL);
  *soft++ = 0;
  char *hard = strchr(soft, ':');
  if (!hard) fail(EXIT_LIMITS, EINVAL);
  *hard++ = 0;
  int res = rlimit_resource(buf);
  if (res < 0) fail(EXIT_LIMITS, EINVAL);
  struct rlimit rl = {parse_rlim(soft), parse_rlim(hard)};
  if (setrlimit(res, &rl) < 0) {
    /* Like systemd's setrlimit_closest(): if raising the hard limit is refused, clamp to it. */
    struct rlimit cur;
    if (errno != EPERM || getrlimit(res, &cur) < 0) fail(EXIT_LIMITS, errno);
    if (rl.rlim_max > cur.rlim_max) rl.rlim_max = cur.rlim_max;
    if (rl.rlim_cur > rl.rlim_max) rl.rlim_cur = rl.rlim_max;
    if (setrlimit(res, &rl) < 0) fail(EXIT_LIMITS, errno);
  }
}

static void write_file(const char *path, const char *data, int code) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail(code, errno);
  ssize_t n = write(fd, data, strlen(data));
  if (n < 0) fail(code, errno);
  close(fd);
}

static int cap_last(void) {
  int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
  char b[16] = {0};
  if (fd < 0) return CAP_LAST_CAP;
  ssize_t n = read(fd, b, sizeof(b) - 1);
  close(fd);
  return n > 0 ? atoi(b) : CAP_LAST_CAP;
}

static int have_effective_cap(int cap) {
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2];
  if (syscall(SYS_capget, &h, d) < 0) return 0;
  return !!(d[cap / 32].effective & (1u << (cap % 32)));
}

/* KeyringMode=private|shared (setup_keyring()): a fresh session keyring owned by the service's user, the
 * user keyring linked in for "shared", the invocation id stored as key "invocation_id". Missing kernel
 * support or privilege is ignored, as systemd does. */
static void setup_keyring(uid_t uid, gid_t gid) {
  uid_t su = getuid();
  gid_t sg = getgid();
  if (gid != (gid_t)-1 && gid != sg && setregid(gid, (gid_t)-1) < 0) fail(EXIT_KEYRING, errno);
  if (uid != (uid_t)-1 && uid != su && setreuid(uid, (uid_t)-1) < 0) fail(EXIT_KEYRING, errno);
  long k = syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, 0, 0, 0, 0);
  int err = k < 0 ? errno : 0;
  if (k >= 0 && !strcmp(ctx.keyring, "shared") && syscall(SYS_keyctl, 8 /* KEYCTL_LINK */, -4 /* USER */, -3 /* SESSION */, 0, 0) < 0)
    err = errno;
  if (uid != (uid_t)-1 && uid != su && setreuid(su, (uid_t)-1) < 0) fail(EXIT_KEYRING, errno);
  if (gid != (gid_t)-1 && gid != sg && setregid(sg, (gid_t)-1) < 0) fail(EXIT_KEYRING, errno);
  if (k < 0) {
    if (err == ENOSYS || err == EPERM || err == EACCES || err == EDQUOT) return;
    fail(EXIT_KEYRING, err);
  }
  if (err) fail(EXIT_KEYRING, err);
  const char *inv = getenv("INVOCATION_ID");
  unsigned char id[16];
  if (inv && strlen(inv) == 32) {
    for (int i = 0; i < 16; i++) { unsigned x; sscanf(inv + 2 * i, "%2x", &x); id[i] = (unsigned char)x; }
    long key = syscall(SYS_add_key, "user", "invocation_id", id, sizeof(id), -3 /* SESSION */);
    if (key >= 0) syscall(SYS_keyctl, 5 /* KEYCTL_SETPERM */, key, 0x0b0b0000 /* POS_VIEW|READ|SEARCH|USR_VIEW|READ|SEARCH */, 0, 0);
  }
}

static void do_exec(char *path, char **argv) {
  if (strchr(path, '/')) {
    execv(path, argv);
    fail(EXIT_EXEC, errno);
  }
  const char *sp = ctx.search_path ? ctx.search_path
                                   : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  int last = ENOENT;
  const char *p = sp;
  while (*p) {
    const char *e = strchr(p, ':');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    char full[4096];
    if (len > 0 && len + strlen(path) + 2 < sizeof(full)) {
      memcpy(full, p, len);
      full[len] = '/';
      strcpy(full + len + 1, path);
      execv(full, argv);
      if (errno != ENOENT && errno != ENOTDIR) last = errno;
    }
    if (!e) break;
    p = e + 1;
  }
  fail(EXIT_EXEC, last);
}

/* /proc/self/setgroups says "deny" (a user namespace set up without the privilege to allow it). */
static int setgroups_denied(void) {
  char b[16] = {0};
  int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, b, sizeof(b) - 1);
  close(fd);
  return n > 0 && !strncmp(b, "deny", 4);
}

int main(int argc, char **argv) {
  int i;
  for (i = 1; i < argc; i++) {
    char *a = argv[i];
    if (!strcmp(a, "--")) {
      i++;
      break;
    }
#define OPT(name) (!strncmp(a, "--" name "=", sizeof(name) + 2) ? a + sizeof(name) + 2 : NULL)
    const char *v;
    if ((v = OPT("status-fd"))) {
      status_fd = atoi(v);
      fcntl(status_fd, F_SETFD, FD_CLOEXEC);
    } else if ((v = OPT("idle-fd"))) {
      idle_fd = atoi(v);
      fcntl(idle_fd, F_SETFD, FD_CLOEXEC);
    } else if ((v = OPT("listen-fds"))) ctx.listen_fds = atoi(v);
    else if (!strcmp(a, "--exec-pid")) ctx.exec_pid = 1;
    else if (!strcmp(a, "--watchdog-pid")) ctx.watchdog_pid = 1;
    else if (!strcmp(a, "--ignore-sigpipe")) ctx.ignore_sigpipe = 1;
    else if (!strcmp(a, "--tty")) ctx.ctty = 1;
    else if (!strcmp(a, "--setsid")) ctx.set_sid = 1;
    else if ((v = OPT("umask"))) ctx.umask_set = 1, ctx.umask_v = (int)strtol(v, NULL, 8);
    else if ((v = OPT("nice"))) ctx.nice_set = 1, ctx.nice_v = atoi(v);
    else if ((v = OPT("oom"))) ctx.oom_set = 1, ctx.oom_v = atoi(v);
    else if ((v = OPT("rlimit"))) { if (ctx.nrlimits < MAX_LIST) ctx.rlimits[ctx.nrlimits++] = v; }
    else if ((v = OPT("chdir"))) ctx.chdir = v;
    else if ((v = OPT("chdir-optional"))) ctx.chdir = v, ctx.chdir_optional = 1;
    else if ((v = OPT("root"))) ctx.root = v;
    else if ((v = OPT("user"))) ctx.user = v;
    else if ((v = OPT("group"))) ctx.group = v;
    else if ((v = OPT("supp"))) { if (ctx.nsupp < MAX_LIST) ctx.supp[ctx.nsupp++] = v; }
    else if (!strcmp(a, "--no-new-privs")) ctx.no_new_privs = 1;
    else if ((v = OPT("cap-bset"))) ctx.has_bset = 1, ctx.bset = strtoull(v, NULL, 16);
    else if ((v = OPT("ambient"))) ctx.has_ambient = 1, ctx.ambient = strtoull(v, NULL, 16);
    else if ((v = OPT("cgroup"))) ctx.cgroup = v;
    else if ((v = OPT("search-path"))) ctx.search_path = v;
    else if ((v = OPT("mount"))) { if (sb_mount_parse(&mplan, (char *)v) < 0) fail(EXIT_NAMESPACE, EINVAL); }
    else if ((v = OPT("mount-ns"))) ctx.mount_ns = !strcmp(v, "insist") ? 2 : 1;
    else if ((v = OPT("inaccessible-dir"))) mplan.inaccessible_dir = v;
    else if (!strcmp(a, "--mount-nosuid")) mplan.nosuid = 1;
    else if ((v = OPT("mount-propagation"))) mplan.propagation = strtoul(v, NULL, 10);
    else if ((v = OPT("mount-root"))) mplan.root = v;
    else if ((v = OPT("exec-symlink"))) { if (mplan.nsymlinks < 64) mplan.symlinks[mplan.nsymlinks++] = v; }
    else if ((v = OPT("netns"))) ctx.netns = v;
    else if ((v = OPT("netns-join"))) ctx.netns_join = v;
    else if ((v = OPT("ipcns"))) ctx.ipcns = v;
    else if ((v = OPT("ipcns-join"))) ctx.ipcns_join = v;
    else if ((v = OPT("keyring"))) ctx.keyring = v;
    else if (!strcmp(a, "--protect-hostname")) ctx.protect_hostname = 1;
    else if (!strcmp(a, "--private-users")) ctx.private_users = 1;
    else if (!strcmp(a, "--nnp-if-unprivileged")) ctx.nnp_if_unprivileged = 1;
    else if ((v = OPT("seccomp"))) { if (ctx.nseccomp < 64) ctx.seccomp[ctx.nseccomp++] = v; }
    else if ((v = OPT("cgroup-legacy"))) { if (ctx.nlegacy_cg < 8) ctx.legacy_cg[ctx.nlegacy_cg++] = v; }
    else if ((v = OPT("uid"))) ctx.has_uid = 1, ctx.num_uid = (unsigned)strtoul(v, NULL, 10);
    else if ((v = OPT("gid"))) ctx.has_gid = 1, ctx.num_gid = (unsigned)strtoul(v, NULL, 10);
    else if (!strcmp(a, "--probe")) return sb_probe();
    else if ((v = OPT("umount-ns"))) return sb_release_pin(v) < 0 ? 1 : 0;
    else if ((v = OPT("remove-ipc"))) { char *c = strchr(v, ':'); return c ? sb_remove_ipc((unsigned)strtoul(v, NULL, 10), (unsigned)strtoul(c + 1, NULL, 10)) : 1; }
    else fail(EXIT_MEMORY, EINVAL);
  }
  if (i >= argc - 1) fail(EXIT_EXEC, EINVAL);
  char *path = argv[i];
  char **cargv = argv + i + 1;

  if (ctx.set_sid && getsid(0) != getpid() && setsid() < 0) fail(EXIT_SETSID, errno);
  if (ctx.ctty && ioctl(0, TIOCSCTTY, 0) < 0) fail(EXIT_STDIN, errno);
  if (ctx.ignore_sigpipe) signal(SIGPIPE, SIG_IGN);
  if (ctx.cgroup) {
    char p[4096];
    snprintf(p, sizeof(p), "%s/cgroup.procs", ctx.cgroup);
    write_file(p, "0", EXIT_CGROUP);
  }
  for (int k = 0; k < ctx.nlegacy_cg; k++) {
    char p[4096];
    snprintf(p, sizeof(p), "%s/cgroup.procs", ctx.legacy_cg[k]);
    write_file(p, "0", EXIT_CGROUP);
  }
  char num[32];
  if (ctx.listen_fds > 0) {
    snprintf(num, sizeof(num), "%d", (int)getpid());
    if (setenv("LISTEN_PID", num, 1) < 0) fail(EXIT_MEMORY, errno);
  }
  if (ctx.watchdog_pid) {
    snprintf(num, sizeof(num), "%d", (int)getpid());
    if (setenv("WATCHDOG_PID", num, 1) < 0) fail(EXIT_MEMORY, errno);
  }
  if (ctx.exec_pid) {
    snprintf(num, sizeof(num), "%d", (int)getpid());
    if (setenv("SYSTEMD_EXEC_PID", num, 1) < 0) fail(EXIT_MEMORY, errno);
  }

  /* Resolve credentials first (systemd fails 217/216 before touching anything else). */
  struct passwd *pw = NULL;
  uid_t uid = getuid();
  gid_t gid = getgid();
  if (ctx.user) {
    errno = 0;
    char *end;
    unsigned long n = strtoul(ctx.user, &end, 10);
    pw = (*ctx.user && !*end) ? getpwuid((uid_t)n) : getpwnam(ctx.user);
    if (!pw) fail(EXIT_USER, errno ? errno : ESRCH);
    uid = pw->pw_uid;
    gid = pw->pw_gid;
  }
  if (ctx.has_uid) uid = ctx.num_uid;     /* DynamicUser=: numeric ids, no passwd entry needed */
  if (ctx.has_gid) gid = ctx.num_gid;
  if (ctx.group) {
    errno = 0;
    char *end;
    unsigned long n = strtoul(ctx.group, &end, 10);
    struct group *gr = (*ctx.group && !*end) ? getgrgid((gid_t)n) : getgrnam(ctx.group);
    if (!gr) fail(EXIT_GROUP, errno ? errno : ESRCH);
    gid = gr->gr_gid;
  }
  gid_t supp[MAX_LIST];
  for (int k = 0; k < ctx.nsupp; k++) {
    errno = 0;
    char *end;
    unsigned long n = strtoul(ctx.supp[k], &end, 10);
    struct group *gr = (*ctx.supp[k] && !*end) ? getgrgid((gid_t)n) : getgrnam(ctx.supp[k]);
    if (!gr) fail(EXIT_GROUP, errno ? errno : ESRCH);
    supp[k] = gr->gr_gid;
  }
  /* systemd's get_supplementary_groups(): with User= (and a gid other than 0) the user's groups come from
   * initgroups() now, before any namespace; a PrivateUsers= namespace set up later (unprivileged, e.g. a
   * container without CAP_SYS_ADMIN) has setgroups "deny", and systemd then calls setgroups() only for
   * SupplementaryGroups=. */
  int kept_groups = 0;
  if (pw && !ctx.has_uid && gid != 0 && getuid() == 0) {
    if (initgroups(pw->pw_name, gid) < 0) fail(EXIT_GROUP, errno);
    kept_groups = 1;
  }

  if (ctx.umask_set) umask((mode_t)ctx.umask_v);
  if (ctx.nice_set && setpriority(PRIO_PROCESS, 0, ctx.nice_v) < 0) fail(EXIT_NICE, errno);
  if (ctx.oom_set) {
    /* As systemd: lacking the privilege (EPERM/EACCES, e.g. lowering the score in a container without
     * CAP_SYS_RESOURCE) is "containerized execution", ignored; any other error fails with 206. */
    char b[32];
    snprintf(b, sizeof(b), "%d", ctx.oom_v);
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd < 0 && errno != EPERM && errno != EACCES) fail(EXIT_OOM_ADJUST, errno);
    if (fd >= 0) {
      if (write(fd, b, strlen(b)) < 0 && errno != EPERM && errno != EACCES) fail(EXIT_OOM_ADJUST, errno);
      close(fd);
    }
  }
  for (int k = 0; k < ctx.nrlimits; k++) apply_rlimit(ctx.rlimits[k]);
  int switching_ids = ctx.user || ctx.group || ctx.has_uid || ctx.has_gid;
  if (ctx.keyring) setup_keyring(switching_ids ? uid : (uid_t)-1, switching_ids ? gid : (gid_t)-1);

  int userns_done = 0;
  if (ctx.private_users && !have_effective_cap(CAP_SYS_ADMIN)) {
    int r = sb_private_users(uid, gid);
    if (r < 0) fail(EXIT_USER, -r);
    userns_done = 1;
  }
  /* PrivateNetwork=/NetworkNamespacePath=, PrivateIPC=/IPCNamespacePath= (a privilege error is ignored, as
   * systemd warns and goes on; the manager logged it already from its probe). */
  if (ctx.netns_join) { int r = sb_ns_join_path(ctx.netns_join, CLONE_NEWNET); if (r < 0) fail(EXIT_NETWORK, -r); }
  else if (ctx.netns) { int r = sb_netns_join_or_create(ctx.netns, CLONE_NEWNET); if (r < 0 && r != -ENOANO) fail(EXIT_NETWORK, -r); }
  if (ctx.ipcns_join) { int r = sb_ns_join_path(ctx.ipcns_join, CLONE_NEWIPC); if (r < 0) fail(EXIT_NAMESPACE, -r); }
  else if (ctx.ipcns) { int r = sb_netns_join_or_create(ctx.ipcns, CLONE_NEWIPC); if (r < 0 && r != -ENOANO) fail(EXIT_NAMESPACE, -r); }

  int mounted_root = 0;
  if (ctx.mount_ns) {
    const char *err_path = NULL;
    int r = sb_mount_apply(&mplan, &err_path);
    if (r == -ENOANO) {
      /* "Failed to set up namespace, assuming containerized execution and ignoring." — unless the unit's
       * settings rearrange the file system (insist_on_sandboxing()), then EOPNOTSUPP. */
      if (ctx.mount_ns == 2) fail(EXIT_NAMESPACE, EOPNOTSUPP);
    } else if (r < 0) fail(EXIT_NAMESPACE, -r);
    else mounted_root = mplan.root && *mplan.root;
  }
  if (ctx.protect_hostname && unshare(CLONE_NEWUTS) < 0 && errno != EPERM && errno != EACCES && errno != EINVAL && errno != EOPNOTSUPP && errno != ENOSYS)
    fail(EXIT_NAMESPACE, errno);
  if (ctx.root && !mounted_root) {
    if (chroot(ctx.root) < 0) fail(EXIT_CHROOT, errno);
    if (chdir("/") < 0) fail(EXIT_CHROOT, errno);
  }
  if (ctx.chdir) {
    const char *dir = ctx.chdir;
    if (!strcmp(dir, "~")) {
      struct passwd *h = pw ? pw : getpwuid(getuid());
      dir = h ? h->pw_dir : "/";
    }
    if (chdir(dir) < 0 && !ctx.chdir_optional) fail(EXIT_CHDIR, errno);
  }

  int switching = ctx.user || ctx.group || ctx.nsupp > 0 || ctx.has_uid || ctx.has_gid;
  if (switching && getuid() == 0) {
    int ng = 0;
    gid_t groups[1024];
    int cap = (int)(sizeof(groups) / sizeof(groups[0]));
    if (kept_groups) {
      ng = getgroups(cap - ctx.nsupp, groups);
      if (ng < 0) fail(EXIT_GROUP, errno);
    } else {
      groups[ng++] = gid;
    }
    for (int k = 0; k < ctx.nsupp && ng < cap; k++) groups[ng++] = supp[k];
    /* maybe_setgroups(): nothing to add to initgroups()'s list → no call (a "deny" namespace allows none). */
    if ((ctx.nsupp > 0 || (!kept_groups && !setgroups_denied())) && setgroups((size_t)ng, groups) < 0) fail(EXIT_GROUP, errno);
  }
  if (ctx.group || ctx.user || ctx.has_gid) {
    if (setresgid(gid, gid, gid) < 0) fail(EXIT_GROUP, errno);
  }
  if (ctx.private_users && !userns_done) {
    int r = sb_private_users(uid, gid);
    if (r < 0) fail(EXIT_USER, -r);
  }
  if (ctx.has_bset) {
    int last = cap_last();
    for (int c = 0; c <= last; c++)
      if (!(ctx.bset & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
        fail(EXIT_CAPABILITIES, errno);
  }
  if (ctx.user || ctx.has_uid) {
    if (ctx.has_ambient && ctx.ambient && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) fail(EXIT_USER, errno);
    if (setresuid(uid, uid, uid) < 0) fail(EXIT_USER, errno);
  }
  if (ctx.has_ambient && ctx.ambient) {
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    if (syscall(SYS_capget, &h, d) < 0) fail(EXIT_CAPABILITIES, errno);
    d[0].inheritable |= (uint32_t)(ctx.ambient & 0xffffffffu);
    d[1].inheritable |= (uint32_t)(ctx.ambient >> 32);
    d[0].effective = d[0].permitted;
    d[1].effective = d[1].permitted;
    if (syscall(SYS_capset, &h, d) < 0) fail(EXIT_CAPABILITIES, errno);
    for (int c = 0; c < 64; c++)
      if ((ctx.ambient & (1ULL << c)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
        fail(EXIT_CAPABILITIES, errno);
  }

  if (idle_fd >= 0) {
    char c;
    for (;;) {   /* wait for EOF */
      ssize_t n = read(idle_fd, &c, 1);
      if (n > 0 || (n < 0 && errno == EINTR)) continue;
      break;
    }
    close(idle_fd);
  }
  /* context_has_no_new_privileges(): seccomp settings imply NNP once the process lacks CAP_SYS_ADMIN
   * (after User= switched, or in an unprivileged container). */
  int nnp = ctx.no_new_privs || (ctx.nnp_if_unprivileged && !have_effective_cap(CAP_SYS_ADMIN));
  if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail(EXIT_NO_NEW_PRIVILEGES, errno);
  if (ctx.nseccomp > 0 && sb_seccomp_available()) {
    for (int k = 0; k < ctx.nseccomp; k++) {
      int r = sb_seccomp_apply(ctx.seccomp[k]);
      if (r < 0) fail(!strncmp(ctx.seccomp[k], "af", 2) ? 232 : EXIT_SECCOMP, -r);
    }
  }
  do_exec(path, cargv);
  return EXIT_EXEC;
}
