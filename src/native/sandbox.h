/* Sandboxing steps of the exec helper (tsysd-exec): the mount namespace (sandbox-mount.c), the other
 * namespaces (sandbox-ns.c), seccomp filters (sandbox-seccomp.c) and the capability probe the manager
 * runs once (sandbox-probe.c). The manager's planner (src/exec/sandbox*.ts) decides everything: what to
 * mount where, in which order, what to filter; these files only apply it, in systemd 252's order
 * (src/core/namespace.c, execute.c exec_child, src/shared/seccomp-util.c). Every function returns 0 or a
 * negative errno and never exits; the helper maps failures to systemd's exit codes. */
#ifndef TSYSD_SANDBOX_H
#define TSYSD_SANDBOX_H
#include <stddef.h>

/* Field separator inside one --mount=/--seccomp= argument (paths never contain it: the planner refuses). */
#define SB_SEP '\x1f'

enum sb_mode {
  SB_INACCESSIBLE, SB_BIND, SB_RBIND, SB_PRIVATE_TMP, SB_PRIVATE_DEV, SB_BIND_DEV, SB_EMPTY_DIR, SB_SYSFS,
  SB_PROCFS, SB_READONLY, SB_READWRITE, SB_RW_IMPLICIT, SB_EXEC, SB_NOEXEC, SB_TMPFS, SB_RUN, SB_MQUEUEFS,
};

struct sb_mount {
  int mode;
  int ignore, read_only, nosuid, noexec, exec;
  unsigned long flags;      /* MS_* for tmpfs/procfs/mqueue mounts */
  char *path, *source, *options;
};

#define SB_MAX_MOUNTS 512
struct sb_mount_plan {
  struct sb_mount m[SB_MAX_MOUNTS];
  int n;
  const char *inaccessible_dir;   /* where the inaccessible nodes live (created on demand) */
  const char *root;               /* RootDirectory= applied through the namespace ('' = none) */
  const char *symlinks[64];       /* "SRC\x1fDST" pairs created before the read-only pass */
  int nsymlinks;
  int nosuid;                     /* NoNewPrivileges=: MS_NOSUID on every entry */
  unsigned long propagation;      /* MountFlags= (MS_SHARED by default) */
};

/* Parses one --mount= value into plan (0 or -EINVAL). */
int sb_mount_parse(struct sb_mount_plan *plan, char *arg);
/* unshare(CLONE_NEWNS) and everything after it. Returns -ENOANO when the namespace cannot be created for
 * lack of privilege (the caller decides whether that is fatal); on other failures *err_path names the
 * entry that failed. */
int sb_mount_apply(struct sb_mount_plan *plan, const char **err_path);

/* Network/IPC namespaces: join the namespace pinned at path, or create it and pin it there (the first
 * process of an activation); private network namespaces get a loopback interface that is up.
 * Returns -ENOANO on a privilege error (the caller ignores it as systemd does). */
int sb_netns_join_or_create(const char *path, int nstype);
int sb_ns_join_path(const char *path, int nstype);
int sb_private_users(unsigned uid, unsigned gid);
int sb_loopback_up(void);

/* Seccomp: one filter program per --seccomp= op, loaded in argv order (see sandbox-seccomp.c). */
int sb_seccomp_apply(const char *op);
int sb_seccomp_available(void);

/* tsysd-exec --probe: prints what this process may do ("mnt=1 net=1 ..."), exit 0. */
int sb_probe(void);
/* tsysd-exec --umount-ns=PATH: detach a pinned namespace and unlink the pin. */
int sb_release_pin(const char *path);
/* tsysd-exec --remove-ipc=UID:GID: RemoveIPC= at the end of a unit (System V + POSIX IPC of uid/gid). */
int sb_remove_ipc(unsigned uid, unsigned gid);

#endif
