/* The mount namespace of a service (systemd 252 src/core/namespace.c setup_namespace()/apply_mounts()).
 * The planner (src/exec/sandbox-mounts.ts) has already built the entry list exactly as systemd does:
 * sorted, duplicates merged, entries below inaccessible paths and redundant ones dropped, symlinks in
 * entry paths followed, paths prefixed with RootDirectory= where systemd prefixes them. This file applies
 * it after unshare(CLONE_NEWNS): first round establishes every mount (apply_one_mount), then exec-directory
 * symlinks, then the read-only, noexec and nosuid rounds (make_read_only/make_noexec/make_nosuid with the
 * same deny lists). Differences from systemd, on purpose: entries are mounted at their final paths in the
 * new namespace instead of below /run/systemd/unit-root followed by MS_MOVE; bind sources are pinned with
 * O_PATH descriptors first so no earlier mount can hide them; the per-mount flags are flipped with
 * mount_setattr() (kernel >= 5.12, which also keeps locked flags) with MS_REMOUNT as the fallback. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "sandbox.h"

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NOEXEC 0x00000008
struct mount_attr { unsigned long long attr_set, attr_clr, propagation, userns_fd; };
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif

static const char *const MODE_NAMES[] = {
  "inaccessible", "bind", "rbind", "private-tmp", "private-dev", "bind-dev", "empty", "sysfs", "procfs",
  "read-only", "read-write", "rw-implicit", "exec", "noexec", "tmpfs", "run", "mqueuefs",
};

static char *next_field(char **p) {
  char *s = *p;
  if (!s) return NULL;
  char *e = strchr(s, SB_SEP);
  if (e) { *e = 0; *p = e + 1; } else *p = NULL;
  return s;
}

/* MODE SEP FLAGLETTERS SEP MSFLAGS SEP PATH SEP SOURCE SEP OPTIONS */
int sb_mount_parse(struct sb_mount_plan *plan, char *arg) {
  if (plan->n >= SB_MAX_MOUNTS) return -E2BIG;
  struct sb_mount *m = &plan->m[plan->n];
  memset(m, 0, sizeof(*m));
  char *p = arg;
  char *mode = next_field(&p), *fl = next_field(&p), *msf = next_field(&p), *path = next_field(&p);
  char *src = next_field(&p), *opts = next_field(&p);
  if (!mode || !fl || !msf || !path || path[0] != '/') return -EINVAL;
  m->mode = -1;
  for (size_t i = 0; i < sizeof(MODE_NAMES) / sizeof(MODE_NAMES[0]); i++)
    if (!strcmp(mode, MODE_NAMES[i])) m->mode = (int)i;
  if (m->mode < 0) return -EINVAL;
  m->ignore = !!strchr(fl, 'i');
  m->read_only = !!strchr(fl, 'r');
  m->nosuid = !!strchr(fl, 'n');
  m->noexec = !!strchr(fl, 'x');
  m->exec = !!strchr(fl, 'e');
  m->flags = strtoul(msf, NULL, 10);
  m->path = path;
  m->source = src && *src ? src : NULL;
  m->options = opts && *opts ? opts : NULL;
  plan->n++;
  return 0;
}

/* ---- small path and mountinfo helpers ---- */

/* path_startswith(): "/a/b" starts with "/a" and "/", not with "/a/b/c" or "/ab". */
static int path_under(const char *path, const char *prefix) {
  size_t n = strlen(prefix);
  while (n > 1 && prefix[n - 1] == '/') n--;
  if (n == 1 && prefix[0] == '/') return 1;
  return strncmp(path, prefix, n) == 0 && (path[n] == 0 || path[n] == '/');
}

/* Mount points (targets) of /proc/self/mountinfo, unescaped, in file order. Caller frees with free_list. */
static char **mount_points(int *count) {
  FILE *f = fopen("/proc/self/mountinfo", "re");
  *count = 0;
  if (!f) return NULL;
  size_t cap = 64;
  char **out = malloc(cap * sizeof(char *));
  char *line = NULL;
  size_t ll = 0;
  while (out && getline(&line, &ll, f) > 0) {
    /* id parent major:minor root mountpoint ... */
    char *s = line;
    for (int i = 0; i < 4 && s; i++) { s = strchr(s, ' '); if (s) s++; }
    if (!s) continue;
    char *e = strchr(s, ' ');
    if (e) *e = 0;
    char *t = malloc(strlen(s) + 1), *d = t;
    if (!t) break;
    for (const char *c = s; *c; c++) {
      if (c[0] == '\\' && c[1] >= '0' && c[1] <= '3' && c[2] >= '0' && c[2] <= '7' && c[3] >= '0' && c[3] <= '7') {
        *d++ = (char)(((c[1] - '0') << 6) | ((c[2] - '0') << 3) | (c[3] - '0'));
        c += 3;
      } else *d++ = *c;
    }
    *d = 0;
    if ((size_t)*count == cap) {
      cap *= 2;
      char **n = realloc(out, cap * sizeof(char *));
      if (!n) { free(t); break; }
      out = n;
    }
    out[(*count)++] = t;
  }
  free(line);
  fclose(f);
  return out;
}

static void free_list(char **l, int n) {
  for (int i = 0; i < n; i++) free(l[i]);
  free(l);
}

static int is_mount_point(const char *path) {
  int n, r = 0;
  char **l = mount_points(&n);
  for (int i = 0; i < n; i++) if (!strcmp(l[i], path)) r = 1;
  free_list(l, n);
  return r;
}

static int cmp_len_desc(const void *a, const void *b) {
  return (int)strlen(*(char *const *)b) - (int)strlen(*(char *const *)a);
}

/* umount_recursive(): detach every mount at or below path, deepest first. Returns how many. */
static int umount_recursive(const char *path) {
  int total = 0;
  for (int round = 0; round < 32; round++) {
    int n, done = 0;
    char **l = mount_points(&n);
    qsort(l, (size_t)n, sizeof(char *), cmp_len_desc);
    for (int i = 0; i < n; i++)
      if (path_under(l[i], path) && umount2(l[i], MNT_DETACH) == 0) done++;
    free_list(l, n);
    total += done;
    if (!done) break;
  }
  return total;
}

static void mkdir_p(const char *path, mode_t mode) {
  char buf[4096];
  snprintf(buf, sizeof(buf), "%s", path);
  for (char *s = buf + 1; *s; s++) {
    if (*s != '/') continue;
    *s = 0;
    (void)mkdir(buf, mode);
    *s = '/';
  }
  (void)mkdir(buf, mode);
}

/* ---- the inaccessible nodes (make_inaccessible_nodes) ---- */

static const char *inaccessible_node(const char *dir, mode_t type, char *buf, size_t len) {
  static const struct { mode_t t; const char *n; } nodes[] = {
    {S_IFREG, "reg"}, {S_IFDIR, "dir"}, {S_IFIFO, "fifo"}, {S_IFSOCK, "sock"}, {S_IFCHR, "chr"}, {S_IFBLK, "blk"},
  };
  mode_t old = umask(0);
  (void)mkdir(dir, 0755);
  const char *name = NULL;
  for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
    snprintf(buf, len, "%s/%s", dir, nodes[i].n);
    if (nodes[i].t == S_IFDIR) (void)mkdir(buf, 0000);
    else (void)mknod(buf, nodes[i].t | 0000, nodes[i].t == S_IFCHR || nodes[i].t == S_IFBLK ? makedev(0, 0) : 0);
    if (nodes[i].t == type) name = nodes[i].n;
  }
  umask(old);
  if (!name) return NULL;
  snprintf(buf, len, "%s/%s", dir, name);
  /* block -> char -> socket, as mode_to_inaccessible_node() falls back */
  if (type == S_IFBLK && access(buf, F_OK) < 0) snprintf(buf, len, "%s/chr", dir);
  if ((type == S_IFBLK || type == S_IFCHR) && access(buf, F_OK) < 0) snprintf(buf, len, "%s/sock", dir);
  return buf;
}

/* ---- the individual mount kinds ---- */

static int bind(const char *what, const char *where, int rec) {
  return mount(what, where, NULL, MS_BIND | (rec ? MS_REC : 0), NULL) < 0 ? -errno : 0;
}

/* make_mount_point_inode_from_path(): a directory or an empty file, like the source. */
static void make_mount_point(const char *src, const char *dst) {
  struct stat st;
  char parent[4096];
  snprintf(parent, sizeof(parent), "%s", dst);
  char *sl = strrchr(parent, '/');
  if (sl && sl != parent) { *sl = 0; mkdir_p(parent, 0755); }
  if (stat(src, &st) == 0 && !S_ISDIR(st.st_mode)) {
    int fd = open(dst, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOCTTY, 0755);
    if (fd >= 0) close(fd);
  } else {
    (void)mkdir(dst, 0755);
  }
}

static int mount_tmpfs(const struct sb_mount *m) {
  mkdir_p(m->path, 0755);
  (void)umount_recursive(m->path);
  return mount("tmpfs", m->path, "tmpfs", m->flags, m->options) < 0 ? -errno : 0;
}

static int clone_device_node(const char *d, const char *tmp, int *can_mknod) {
  struct stat st;
  char dn[512];
  if (stat(d, &st) < 0) return errno == ENOENT ? -ENXIO : -errno;
  if (!S_ISBLK(st.st_mode) && !S_ISCHR(st.st_mode)) return -EINVAL;
  snprintf(dn, sizeof(dn), "%s%s", tmp, d);
  if (*can_mknod) {
    if (mknod(dn, st.st_mode, st.st_rdev) == 0) goto link;
    if (errno != EPERM) return -errno;
    *can_mknod = 0;
  }
  if (mknod(dn, S_IFREG, 0) < 0 && errno != EEXIST) return -errno;
  if (mount(d, dn, NULL, MS_BIND, NULL) < 0) return -errno;
link:;
  /* /dev/char/MAJ:MIN -> ../NAME */
  char sl[512], target[256];
  snprintf(sl, sizeof(sl), "%s/dev/%s", tmp, S_ISCHR(st.st_mode) ? "char" : "block");
  (void)mkdir(sl, 0755);
  snprintf(sl, sizeof(sl), "%s/dev/%s/%u:%u", tmp, S_ISCHR(st.st_mode) ? "char" : "block", major(st.st_rdev), minor(st.st_rdev));
  snprintf(target, sizeof(target), "../%s", d + 5);
  (void)symlink(target, sl);
  return 0;
}

/* mount_private_dev(): a fresh tmpfs /dev with only the pseudo devices. */
static int mount_private_dev(const struct sb_mount *m) {
  static const char *const devnodes[] = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"};
  char tmp[] = "/tmp/namespace-dev-XXXXXX", dev[64], p[128];
  int can_mknod = 1, r;
  if (!mkdtemp(tmp)) return -errno;
  snprintf(dev, sizeof(dev), "%s/dev", tmp);
  (void)mkdir(dev, 0755);
  if (mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_STRICTATIME | MS_NOEXEC, "mode=755,size=4m,nr_inodes=64k") < 0) { r = -errno; goto fail; }
  snprintf(p, sizeof(p), "%s/pts", dev);
  (void)mkdir(p, 0755);
  if (mount("/dev/pts", p, NULL, MS_BIND, NULL) < 0) { r = -errno; goto fail; }
  struct stat st;
  if (lstat("/dev/ptmx", &st) == 0 && S_ISLNK(st.st_mode)) {
    snprintf(p, sizeof(p), "%s/ptmx", dev);
    if (symlink("pts/ptmx", p) < 0) { r = -errno; goto fail; }
  } else if ((r = clone_device_node("/dev/ptmx", tmp, &can_mknod)) < 0) goto fail;
  snprintf(p, sizeof(p), "%s/shm", dev);
  (void)mkdir(p, 0755);
  if (mount("/dev/shm", p, NULL, MS_BIND, NULL) < 0) { r = -errno; goto fail; }
  snprintf(p, sizeof(p), "%s/mqueue", dev);
  (void)mkdir(p, 0755);
  (void)mount("/dev/mqueue", p, NULL, MS_BIND, NULL);
  snprintf(p, sizeof(p), "%s/hugepages", dev);
  (void)mkdir(p, 0755);
  (void)mount("/dev/hugepages", p, NULL, MS_BIND, NULL);
  snprintf(p, sizeof(p), "%s/log", dev);
  (void)symlink("/run/systemd/journal/dev-log", p);
  for (size_t i = 0; i < sizeof(devnodes) / sizeof(devnodes[0]); i++) {
    r = clone_device_node(devnodes[i], tmp, &can_mknod);
    if (r < 0 && r != -ENXIO) goto fail;
  }
  /* dev_setup() */
  static const char *const links[][2] = {
    {"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
  };
  if (access("/proc/kcore", F_OK) == 0) { snprintf(p, sizeof(p), "%s/core", dev); (void)symlink("/proc/kcore", p); }
  for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
    snprintf(p, sizeof(p), "%s/%s", dev, links[i][1]);
    (void)symlink(links[i][0], p);
  }
  mkdir_p(m->path, 0755);
  (void)umount_recursive(m->path);
  if (mount(dev, m->path, NULL, MS_MOVE, NULL) < 0) { r = -errno; goto fail; }
  (void)rmdir(dev);
  (void)rmdir(tmp);
  return 0;
fail:
  (void)umount_recursive(dev);
  (void)rmdir(dev);
  (void)rmdir(tmp);
  return r;
}

static int mount_procfs(const struct sb_mount *m) {
  mkdir_p(m->path, 0755);
  int n = umount_recursive(m->path);
  int r = mount("proc", m->path, "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, m->options) < 0 ? -errno : 0;
  if (r == -EINVAL && m->options) r = mount("proc", m->path, "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL) < 0 ? -errno : 0;
  if (r == -EPERM) {
    /* Not allowed to mount a new instance: fall back to the existing one (or a bind of the host's). */
    if (n > 0) return -EPERM;
    if (!is_mount_point(m->path) && bind("/proc", m->path, 1) < 0) return -EPERM;
    return 0;
  }
  return r;
}

static int apply_one(struct sb_mount_plan *plan, struct sb_mount *m, int src_fd) {
  const char *what = NULL;
  int rbind = 1, make = 0;
  char node[512], fdpath[64];
  switch (m->mode) {
  case SB_INACCESSIBLE: {
    struct stat st;
    (void)umount_recursive(m->path);
    if (lstat(m->path, &st) < 0) return errno == ENOENT && m->ignore ? 0 : -errno;
    what = inaccessible_node(plan->inaccessible_dir, st.st_mode & S_IFMT, node, sizeof(node));
    if (!what) return -ELOOP;
    break;
  }
  case SB_READONLY: case SB_READWRITE: case SB_RW_IMPLICIT: case SB_EXEC: case SB_NOEXEC: {
    struct stat st;
    if (stat(m->path, &st) < 0) return errno == ENOENT && m->ignore ? 0 : -errno;
    if (is_mount_point(m->path)) return 0;
    what = m->path;
    break;
  }
  case SB_BIND: rbind = 0; /* fall through */
  case SB_RBIND:
  case SB_PRIVATE_TMP:
    if (src_fd < 0) return m->ignore ? 0 : -ENOENT;
    snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", src_fd);
    what = fdpath;
    make = 1;
    break;
  case SB_EMPTY_DIR: case SB_TMPFS: return mount_tmpfs(m);
  case SB_PRIVATE_DEV: return mount_private_dev(m);
  case SB_BIND_DEV:
    mkdir_p(m->path, 0755);
    if (is_mount_point(m->path)) return 0;
    return bind("/dev", m->path, 1);
  case SB_SYSFS:
    mkdir_p(m->path, 0755);
    if (is_mount_point(m->path)) return 0;
    return bind("/sys", m->path, 1);
  case SB_PROCFS: return mount_procfs(m);
  case SB_RUN:
    if (is_mount_point(m->path)) return 0;
    return mount_tmpfs(m);
  case SB_MQUEUEFS:
    mkdir_p(m->path, 0755);
    (void)umount_recursive(m->path);
    return mount("mqueue", m->path, "mqueue", m->flags, m->options) < 0 ? -errno : 0;
  default: return -EINVAL;
  }
  int r = bind(what, m->path, rbind);
  if (r == -ENOENT && make) {
    make_mount_point(what, m->path);
    r = bind(what, m->path, rbind);
  }
  return r;
}

/* Flip flags on the mount at `prefix` and, when `sub`, on every mount below it that is not below another
 * entry (bind_remount_recursive_with_mountinfo()'s deny list; the deny list never excludes the prefix). */
static int remount_flags(const char *prefix, unsigned long long set, unsigned long long clr, int sub,
                         char **deny, int ndeny) {
  int n, r = 0, any = 0;
  char **l = mount_points(&n);
  if (!l) return -errno ? -errno : -ENOMEM;
  for (int i = n - 1; i >= 0; i--) {
    const char *path = l[i];
    if (!path_under(path, prefix)) continue;
    if (!sub && strcmp(path, prefix)) continue;
    int dup = 0;
    for (int j = i + 1; j < n; j++) if (!strcmp(l[j], path)) dup = 1;   /* only the top of a stack */
    if (dup) continue;
    if (strcmp(path, prefix)) {
      int denied = 0;
      for (int k = 0; k < ndeny && !denied; k++)
        if (strcmp(deny[k], prefix) && path_under(deny[k], prefix) && path_under(path, deny[k])) denied = 1;
      if (denied) continue;
    }
    struct mount_attr a = {set, clr, 0, 0};
    if (syscall(SYS_mount_setattr, AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, &a, sizeof(a)) < 0) {
      int e = errno;
      if (e == ENOSYS) {
        unsigned long fl = MS_BIND | MS_REMOUNT;
        if (set & MOUNT_ATTR_RDONLY) fl |= MS_RDONLY;
        if (set & MOUNT_ATTR_NOSUID) fl |= MS_NOSUID;
        if (set & MOUNT_ATTR_NOEXEC) fl |= MS_NOEXEC;
        if (mount(NULL, path, NULL, fl, NULL) < 0) e = errno; else e = 0;
      }
      if (e && !strcmp(path, prefix)) r = -e;
      if (e) continue;
    }
    any = 1;
  }
  free_list(l, n);
  if (!any && r == 0) return -ENOENT;   /* prefix vanished */
  return r;
}

static int entry_read_only(const struct sb_mount *m) {
  return m->read_only || m->mode == SB_READONLY || m->mode == SB_INACCESSIBLE;
}
static int entry_noexec(const struct sb_mount *m) {
  return m->noexec || m->mode == SB_NOEXEC || m->mode == SB_INACCESSIBLE || m->mode == SB_SYSFS || m->mode == SB_PROCFS;
}

int sb_mount_apply(struct sb_mount_plan *plan, const char **err_path) {
  int r;
  *err_path = NULL;
  int src_fd[SB_MAX_MOUNTS];
  for (int i = 0; i < plan->n; i++) src_fd[i] = -1;
  if (unshare(CLONE_NEWNS) < 0) {
    r = (errno == EACCES || errno == EPERM || errno == EOPNOTSUPP || errno == ENOSYS) ? -ENOANO : -errno;
    goto out;
  }
  if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0) { r = -errno; goto out; }
  /* Pin every bind source (in the new namespace: a mount of the old one cannot be bound) before the first
   * mount can hide it, e.g. a PrivateTmp= source below /tmp. */
  for (int i = 0; i < plan->n; i++) {
    struct sb_mount *m = &plan->m[i];
    if (m->mode != SB_BIND && m->mode != SB_RBIND && m->mode != SB_PRIVATE_TMP) continue;
    src_fd[i] = open(m->source ? m->source : m->path, O_PATH | O_CLOEXEC);
    if (src_fd[i] < 0 && !(errno == ENOENT && m->ignore)) { *err_path = m->source; r = -errno; goto out; }
  }
  if (plan->root && *plan->root && !is_mount_point(plan->root) && (r = bind(plan->root, plan->root, 1)) < 0) {
    *err_path = plan->root;
    goto out;
  }
  for (int i = 0; i < plan->n; i++) {
    r = apply_one(plan, &plan->m[i], src_fd[i]);
    if (r < 0) { *err_path = plan->m[i].path; goto out; }
  }
  for (int i = 0; i < plan->nsymlinks; i++) {
    char buf[8192];
    snprintf(buf, sizeof(buf), "%s", plan->symlinks[i]);
    char *dst = strchr(buf, SB_SEP);
    if (!dst) continue;
    *dst++ = 0;
    char parent[4096];
    snprintf(parent, sizeof(parent), "%s", dst);
    char *sl = strrchr(parent, '/');
    if (sl && sl != parent) { *sl = 0; mkdir_p(parent, 0755); }
    if (symlink(buf, dst) < 0 && errno != EEXIST) { *err_path = dst; r = -errno; goto out; }
  }
  char *deny[SB_MAX_MOUNTS];
  for (int i = 0; i < plan->n; i++) deny[i] = plan->m[i].path;
  for (int i = 0; i < plan->n; i++) {   /* second round: read-only */
    struct sb_mount *m = &plan->m[i];
    int ro = entry_read_only(m) || m->mode == SB_PRIVATE_DEV;
    if (!ro) continue;
    int sub = entry_read_only(m) && m->mode != SB_EMPTY_DIR && m->mode != SB_TMPFS;
    r = remount_flags(m->path, MOUNT_ATTR_RDONLY, 0, sub, deny, plan->n);
    if (r == -ENOENT && m->ignore) r = 0;
    if (r < 0) { *err_path = m->path; goto out; }
  }
  int ndeny = 0;   /* third round: noexec, deny list = only the EXEC/NOEXEC entries */
  for (int i = 0; i < plan->n; i++)
    if (plan->m[i].mode == SB_EXEC || plan->m[i].mode == SB_NOEXEC) deny[ndeny++] = plan->m[i].path;
  for (int i = 0; i < plan->n; i++) {
    struct sb_mount *m = &plan->m[i];
    unsigned long long set = 0, clr = 0;
    if (entry_noexec(m)) set = MOUNT_ATTR_NOEXEC;
    else if (m->exec || m->mode == SB_EXEC) clr = MOUNT_ATTR_NOEXEC;
    else continue;
    r = remount_flags(m->path, set, clr, m->mode != SB_EMPTY_DIR && m->mode != SB_TMPFS, deny, ndeny);
    if (r == -ENOENT && m->ignore) r = 0;
    if (r < 0) { *err_path = m->path; goto out; }
  }
  for (int i = 0; i < plan->n; i++) {   /* fourth round: nosuid (NoNewPrivileges=) or per entry */
    struct sb_mount *m = &plan->m[i];
    if (!plan->nosuid && !m->nosuid) continue;
    r = remount_flags(m->path, MOUNT_ATTR_NOSUID, 0, m->mode != SB_EMPTY_DIR && m->mode != SB_TMPFS, NULL, 0);
    if (r == -ENOENT && m->ignore) r = 0;
    if (r < 0) { *err_path = m->path; goto out; }
  }
  if (plan->root && *plan->root) {
    /* mount_move_root(): the root directory becomes "/" of the namespace. */
    if (chdir(plan->root) < 0 || mount(plan->root, "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 || chdir("/") < 0) {
      *err_path = plan->root;
      r = -errno;
      goto out;
    }
  }
  if (mount(NULL, "/", NULL, (plan->propagation ? plan->propagation : MS_SHARED) | MS_REC, NULL) < 0) { r = -errno; goto out; }
  r = 0;
out:
  for (int i = 0; i < plan->n; i++) if (src_fd[i] >= 0) close(src_fd[i]);
  return r;
}
