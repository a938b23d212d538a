/* Namespaces other than the mount namespace (systemd 252 execute.c: setup_shareable_ns(), loopback_setup(),
 * setup_private_users()), the manager's probe of what this host lets it create, and the release of a pinned
 * namespace. Sharing: systemd keeps a unit's network/IPC namespace in a socket pair so every process of the
 * unit (and of units that JoinsNamespaceOf= it) lands in the same one; here the first process of an
 * activation creates the namespace and pins it by bind-mounting /proc/self/ns/<type> onto a file the
 * manager named (in the manager's mount namespace, before the service's own one is made), and every later
 * process joins it with setns(). The manager releases the pin (tsysd-exec --umount-ns) when the unit stops. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "sandbox.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

static int is_privilege_error(int e) { return e == EPERM || e == EACCES; }
static int is_unsupported(int e) { return e == EOPNOTSUPP || e == ENOSYS || e == EINVAL; }

int sb_loopback_up(void) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof(ifr));
  strcpy(ifr.ifr_name, "lo");
  int r = 0;
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) r = -errno;
  else if (!(ifr.ifr_flags & IFF_UP)) {
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) r = -errno;
  }
  close(fd);
  return r;
}

static int is_ns_pin(int fd) {
  struct statfs s;
  return fstatfs(fd, &s) == 0 && (unsigned long)s.f_type == (unsigned long)NSFS_MAGIC;
}

int sb_ns_join_path(const char *path, int nstype) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  int r = setns(fd, nstype) < 0 ? -errno : 0;
  close(fd);
  return r;
}

/* Join the namespace pinned at `path` or, as the first process, create and pin it. -ENOANO: no privilege
 * to create one (systemd: "... namespace setup failed, ignoring"). */
int sb_netns_join_or_create(const char *path, int nstype) {
  for (int tries = 0; tries < 400; tries++) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      if (is_ns_pin(fd)) {
        int r = setns(fd, nstype) < 0 ? -errno : 0;
        close(fd);
        return r;
      }
      close(fd);
      /* Another process of the unit created the file and is about to pin the namespace on it. */
      struct timespec ts = {0, 5 * 1000 * 1000};
      nanosleep(&ts, NULL);
      continue;
    }
    if (errno != ENOENT) return -errno;
    fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) {
      if (errno == EEXIST) continue;
      return -errno;
    }
    close(fd);
    if (unshare(nstype) < 0) {
      int e = errno;
      unlink(path);
      return is_privilege_error(e) || is_unsupported(e) ? -ENOANO : -e;
    }
    if (nstype == CLONE_NEWNET) {
      int r = sb_loopback_up();
      if (r < 0) { unlink(path); return r; }
    }
    const char *self = nstype == CLONE_NEWNET ? "/proc/self/ns/net" : "/proc/self/ns/ipc";
    if (mount(self, path, NULL, MS_BIND, NULL) < 0) {
      /* Could not pin it (no mount privilege here): this process keeps its private namespace, the
       * unit's other processes get their own. */
      unlink(path);
    }
    return 0;
  }
  return -ETIMEDOUT;
}

int sb_release_pin(const char *path) {
  if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT) return -errno;
  if (unlink(path) < 0 && errno != ENOENT) return -errno;
  return 0;
}

static int have_cap(int cap) {
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2];
  if (syscall(SYS_capget, &h, d) < 0) return 0;
  return !!(d[cap / 32].effective & (1u << (cap % 32)));
}

/* setup_private_users(): a user namespace mapping the original ids (and the service's, with CAP_SETUID)
 * to themselves, everything else to nobody; a forked child in the old namespace writes the maps. */
int sb_private_users(unsigned uid, unsigned gid) {
  unsigned ouid = getuid(), ogid = getgid();
  char umap[64], gmap[64];
  if (have_cap(CAP_SETUID) && uid != ouid && uid != (unsigned)-1) snprintf(umap, sizeof(umap), "%u %u 1\n%u %u 1\n", ouid, ouid, uid, uid);
  else snprintf(umap, sizeof(umap), "%u %u 1\n", ouid, ouid);
  if (have_cap(CAP_SETGID) && gid != ogid && gid != (unsigned)-1) snprintf(gmap, sizeof(gmap), "%u %u 1\n%u %u 1\n", ogid, ogid, gid, gid);
  else snprintf(gmap, sizeof(gmap), "%u %u 1\n", ogid, ogid);
  int ready = eventfd(0, EFD_CLOEXEC);
  int ep[2];
  if (ready < 0 || pipe2(ep, O_CLOEXEC) < 0) return -errno;
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return -errno;
  if (pid == 0) {
    uint64_t c;
    int r = 0;
    close(ep[0]);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (read(ready, &c, sizeof(c)) < 0) r = errno;
    const char *files[3] = {"setgroups", "gid_map", "uid_map"};
    const char *data[3] = {"deny\n", gmap, umap};
    for (int i = 0; i < 3 && !r; i++) {
      char p[64];
      snprintf(p, sizeof(p), "/proc/%d/%s", (int)parent, files[i]);
      int fd = open(p, O_WRONLY | O_CLOEXEC);
      if (fd < 0) { if (i == 0 && errno == ENOENT) continue; r = errno; break; }
      if (write(fd, data[i], strlen(data[i])) < 0) r = errno;
      close(fd);
    }
    if (r) { int32_t e = r; (void)!write(ep[1], &e, sizeof(e)); }
    _exit(r ? 1 : 0);
  }
  close(ep[1]);
  int r = 0;
  if (unshare(CLONE_NEWUSER) < 0) r = -errno;
  uint64_t one = 1;
  if (write(ready, &one, sizeof(one)) < 0 && !r) r = -errno;
  if (r < 0) kill(pid, SIGKILL);
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
  int32_t e = 0;
  if (!r && read(ep[0], &e, sizeof(e)) == (ssize_t)sizeof(e) && e) r = -e;
  close(ep[0]);
  close(ready);
  return r;
}

/* One child per namespace type tries unshare(); prints "mnt=1 net=0 ..." plus seccomp and capability
 * facts for the planner (src/exec/sandbox.ts), which decides the fallbacks from them. */
int sb_probe(void) {
  static const struct { const char *n; int f; } t[] = {
    {"mnt", CLONE_NEWNS}, {"net", CLONE_NEWNET}, {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS}, {"user", CLONE_NEWUSER},
    {"pid", CLONE_NEWPID}, {"cgroup", CLONE_NEWCGROUP},
  };
  for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
    pid_t p = fork();
    if (p == 0) {
      if (unshare(t[i].f) < 0) _exit(1);
      if (t[i].f == CLONE_NEWNS && mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0) _exit(1);
      _exit(0);
    }
    int st = 1;
    if (p > 0) while (waitpid(p, &st, 0) < 0 && errno == EINTR) {}
    printf("%s=%d ", t[i].n, p > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
  }
  printf("seccomp=%d cap_sys_admin=%d\n", sb_seccomp_available(), have_cap(CAP_SYS_ADMIN));
  return 0;
}

/* RemoveIPC= (systemd's clean_ipc()): remove the System V shared memory segments, semaphore sets and
 * message queues, and the POSIX shared memory and message queue files, owned by uid or gid. */
#include <dirent.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
static void clean_sysv(const char *file, int kind, unsigned uid, unsigned gid) {
  FILE *f = fopen(file, "re");
  char line[512];
  if (!f) return;
  if (!fgets(line, sizeof(line), f)) { fclose(f); return; }   /* header */
  while (fgets(line, sizeof(line), f)) {
    /* key id perms ... with uid gid cuid cgid at fixed columns per file */
    long v[16];
    int n = 0;
    for (char *t = strtok(line, " \t\n"); t && n < 16; t = strtok(NULL, " \t\n")) v[n++] = strtol(t, NULL, 10);
    int id = (int)v[1];
    long u = -1, g = -1;
    if (kind == 0 && n >= 10) { u = v[7]; g = v[8]; }        /* shm: key shmid perms size cpid lpid nattch uid gid */
    else if (kind == 1 && n >= 6) { u = v[4]; g = v[5]; }   /* sem: key semid perms nsems uid gid */
    else if (kind == 2 && n >= 9) { u = v[7]; g = v[8]; }   /* msg: key msqid perms cbytes qnum lspid lrpid uid gid */
    if (u != (long)uid && g != (long)gid) continue;
    if (kind == 0) shmctl(id, IPC_RMID, NULL);
    else if (kind == 1) semctl(id, 0, IPC_RMID);
    else msgctl(id, IPC_RMID, NULL);
  }
  fclose(f);
}
static void clean_dir(const char *dir, unsigned uid, unsigned gid) {
  DIR *d = opendir(dir);
  struct dirent *e;
  if (!d) return;
  while ((e = readdir(d))) {
    struct stat st;
    if (e->d_name[0] == '.') continue;
    if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) continue;
    if (st.st_uid == uid || st.st_gid == gid) unlinkat(dirfd(d), e->d_name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0);
  }
  closedir(d);
}
int sb_remove_ipc(unsigned uid, unsigned gid) {
  clean_sysv("/proc/sysvipc/shm", 0, uid, gid);
  clean_sysv("/proc/sysvipc/sem", 1, uid, gid);
  clean_sysv("/proc/sysvipc/msg", 2, uid, gid);
  clean_dir("/dev/shm", uid, gid);
  clean_dir("/dev/mqueue", uid, gid);
  return 0;
}
