/* spawn(): start a program (normally the tsysd-exec helper) with an exact fd layout, without blocking the
 * event loop on the child's execve.
 * Invariants:
 *  - the child's fds are exactly fds[0..n-1] (entry -1 = /dev/null), plus, when an outcome callback is
 *    given, the write end of a status pipe at fd n; every other fd is closed in the child before execve;
 *  - all signal dispositions are reset to default and the signal mask is emptied (Node ignores SIGPIPE);
 *  - optional new session (setsid);
 *  - the status pipe read end stays in the parent, watched with uv_poll; the callback is called once:
 *    (stage, errno) as soon as the child or the helper wrote an 8-byte {int32 stage, int32 errno} record (an
 *    execve failure of the program itself is reported as stage 203/EXEC), or () on EOF without a record;
 *    the watch itself (and with it the spawn block and the child's stack) lives until EOF either way: after
 *    writing its record the child still runs on that stack until its exit_group;
 *  - every allocation is checked: a failure before clone() returns -ENOMEM and starts nothing;
 *  - returns the pid synchronously (or -errno for failures in the parent); the exit itself is reported by
 *    the reaper only.
 * Fast path (x86_64): clone(CLONE_VM) WITHOUT CLONE_VFORK. The parent does not wait for the
 * child's execve (posix_spawn's vfork wait costs 0.3-1 ms per spawn here, most of a 1,000-service boot).
 * The child runs on a private stack and reads only a private, immutable spawn block; it makes raw system
 * calls only (no libc: it shares the parent's memory and TLS, so it must not touch errno, malloc, locks).
 * All signals are blocked in the parent thread around clone(), so no Node handler can ever run in the
 * child. The block and stack are reclaimed when the pipe the child holds until (at least) its execve
 * reports EOF: the status pipe, or, without an outcome callback, a private close-on-exec sync pipe.
 * With a cgroup (the `cgroup` option) the child is created directly in it by clone3(CLONE_INTO_CGROUP)
 * (Linux >= 5.7): no migration, so no cgroup_threadgroup_rwsem write lock and RCU grace period per start,
 * which otherwise also stall the manager's own cgroup mkdirs; on older kernels the child writes its pid to
 * <cgroup>/cgroup.procs itself (219/CGROUP on failure) before anything else.
 * Elsewhere (other architectures: their raw-syscall code is not written/tested), or with TSYSD_SPAWN=posix
 * in the environment, it falls back to posix_spawn (vfork wait); the helper then joins the cgroup.
 * Direct mode (fast path only, `direct` options given): the child applies the few exec-context steps a
 * plain root service needs itself and execs the SERVICE, saving the tsysd-exec helper's execve (about
 * half the CPU of a start here). The manager (TypeScript, src/platform/helper-args.ts directPlan) decides
 * when that is allowed; anything with credentials, namespaces, capabilities, limits, a tty or an idle
 * wait goes through the helper. Steps, in the helper's order: setsid, SIGPIPE ignore, $LISTEN_PID/$WATCHDOG_PID/$SYSTEMD_EXEC_PID filled with the child's pid, umask, chdir
 * (200/CHDIR unless optional), execve with systemd's fixed search path for bare names (203/EXEC). The
 * status pipe is then close-on-exec at fd n, outside the service's fds. */
#define _GNU_SOURCE
#include "napi-util.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <uv.h>
#include "exit-codes.h"

#define CHILD_STACK (64 * 1024)

#if defined(__x86_64__)
#define TSYSD_ASYNC_SPAWN 1
static inline long raw6(long n, long a, long b, long c, long d, long e, long f) {
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
  return ret;
}
#endif

/* Everything the child reads; immutable after clone(), freed when the watched pipe reports EOF (never when a
 * failure record arrives: the child writes it from this block's stack and is still on it until it exits). */
typedef struct {
  char *file;
  char **argv;
  char **envp;
  int *src;          /* src[i]: close-on-exec fd to place at i (i < total) */
  int total;         /* fds 0..total-1 in the child */
  int sync_fd;       /* >= 0: close-on-exec fd to place at `total` (kept until execve), else -1 */
  int setsid_flag;
  int status_target; /* fd number of the status pipe in the child, or -1 */
  int fail_fd;       /* where child_fail writes: the parked status fd until the layout is set up, then
                      * status_target (the child updates it; the parent never reads it after clone) */
  long close_max;    /* fallback upper bound when close_range is missing */
  void *stack;
  /* direct mode */
  int direct;
  int ignore_sigpipe;
  int umask_v;       /* -1: leave */
  int chdir_optional;
  char *cgroup_procs; /* "<cgroup>/cgroup.procs" when the child must join it itself, else NULL */
  char *cgroup_dir;   /* the `cgroup` option */
  int cgroup_join;    /* `cgroupJoin`: do not use CLONE_INTO_CGROUP for this cgroup (see spawn_clone) */
  char *chdir_path;   /* or NULL */
  char *search_path;  /* for bare names */
  int pid_slots[4];   /* envp indexes whose value (after '=') receives the child's pid */
  int npid_slots;
  int nofile_set;     /* the `nofile` option: RLIMIT_NOFILE the child sets before execve (the manager's own */
  long nofile_soft;   /* is raised far above what services should inherit: systemd's 1024:524288) */
  long nofile_hard;
} spawn_block_t;

typedef struct {
  uv_poll_t poll;
  int fd;
  napi_ref cb; /* may be NULL (no outcome wanted: the pipe only tracks the block's lifetime) */
  char buf[8];
  size_t got;
  int reported; /* the callback has run (record seen); the watch waits for EOF before freeing */
  spawn_block_t *blk;
} outcome_t;

static void free_string_array(char **a) {
  if (!a) return;
  for (char **p = a; *p; p++) free(*p);
  free(a);
}

static void block_free(spawn_block_t *b) {
  if (!b) return;
  free(b->file);
  free_string_array(b->argv);
  free_string_array(b->envp);
  free(b->src);
  free(b->cgroup_procs);
  free(b->cgroup_dir);
  free(b->chdir_path);
  free(b->search_path);
  if (b->stack) munmap(b->stack, CHILD_STACK);
  free(b);
}

static void outcome_closed(uv_handle_t *h) {
  outcome_t *o = (outcome_t *)h->data;
  block_free(o->blk);
  free(o);
}

/* Calls the outcome callback once: with the record, or without arguments (EOF, no record). */
static void outcome_report(outcome_t *o, int have_record) {
  napi_env env = tsysd_env;
  if (o->reported) return;
  o->reported = 1;
  if (!o->cb) return;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  if (have_record) {
    int32_t stage, err;
    memcpy(&stage, o->buf, 4);
    memcpy(&err, o->buf + 4, 4);
    napi_value args[2] = {tsysd_int(env, stage), tsysd_int(env, err)};
    tsysd_callback_in_scope(env, o->cb, 2, args);
  } else {
    tsysd_callback_in_scope(env, o->cb, 0, NULL);
  }
  napi_close_handle_scope(env, scope);
  napi_delete_reference(env, o->cb);
  o->cb = NULL;
}

/* EOF (or a read error): every copy of the write end is gone, so the child has exec'd or exited and no
 * longer uses its stack or the block. Only now are they freed. */
static void outcome_eof(outcome_t *o) {
  outcome_report(o, 0);
  uv_poll_stop(&o->poll);
  close(o->fd);
  uv_close((uv_handle_t *)&o->poll, outcome_closed);
}

static void outcome_ready(uv_poll_t *h, int status, int events) {
  outcome_t *o = (outcome_t *)h->data;
  (void)events;
  if (status < 0) {
    outcome_eof(o);
    return;
  }
  for (;;) {
    char drain[64];
    int want_record = o->got < sizeof(o->buf);
    ssize_t r = want_record ? read(o->fd, o->buf + o->got, sizeof(o->buf) - o->got) : read(o->fd, drain, sizeof drain);
    if (r > 0) {
      if (want_record) {
        o->got += (size_t)r;
        if (o->got == sizeof(o->buf)) outcome_report(o, 1); /* the child may still be running: keep the block */
      }
      continue;
    }
    if (r == 0) {
      outcome_eof(o);
      return;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return;
    outcome_eof(o);
    return;
  }
}

static char **get_string_array(napi_env env, napi_value arr, uint32_t *count) {
  bool is_arr;
  uint32_t n;
  napi_is_array(env, arr, &is_arr);
  if (!is_arr) {
    napi_throw_type_error(env, NULL, "expected an array of strings");
    return NULL;
  }
  napi_get_array_length(env, arr, &n);
  char **out = calloc((size_t)n + 1, sizeof(char *));
  if (!out) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  for (uint32_t i = 0; i < n; i++) {
    napi_value v;
    napi_get_element(env, arr, i, &v);
    out[i] = tsysd_get_string(env, v, NULL);
    if (!out[i]) {
      for (uint32_t j = 0; j < i; j++) free(out[j]);
      free(out);
      return NULL;
    }
  }
  *count = n;
  return out;
}

#ifdef TSYSD_ASYNC_SPAWN
#define RAW(n, a, b, c) raw6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define RAW4(n, a, b, c, d) raw6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

static void __attribute__((noreturn)) child_fail(const spawn_block_t *b, int code, int err) {
  if (b->fail_fd >= 0) {
    int32_t rec[2] = {code, err};
    RAW(SYS_write, b->fail_fd, rec, sizeof rec);
  }
  for (;;) RAW(SYS_exit_group, code, 0, 0);
}

static size_t c_strlen(const char *p) {
  size_t n = 0;
  while (p[n]) n++;
  return n;
}

/* Direct mode: the helper's steps for a plain service, raw system calls only (see the header). */
static void __attribute__((noreturn)) child_direct(spawn_block_t *b) {
  if (b->ignore_sigpipe) {
    unsigned long ign[4] = {(unsigned long)SIG_IGN, 0, 0, 0};
    RAW4(SYS_rt_sigaction, SIGPIPE, ign, 0, sizeof(unsigned long));
  }
  if (b->npid_slots > 0) {
    long pid = RAW(SYS_getpid, 0, 0, 0);
    char digits[24];
    int nd = 0;
    do digits[nd++] = (char)('0' + pid % 10), pid /= 10; while (pid > 0 && nd < 20);
    for (int k = 0; k < b->npid_slots; k++) {
      char *v = b->envp[b->pid_slots[k]];
      while (*v && *v != '=') v++;
      if (*v) v++;
      for (int i = 0; i < nd; i++) v[i] = digits[nd - 1 - i];
      v[nd] = 0; /* the slot was padded with 20 characters by the manager */
    }
  }
  if (b->umask_v >= 0) RAW(SYS_umask, b->umask_v, 0, 0);
  if (b->chdir_path) {
    long r = RAW(SYS_chdir, b->chdir_path, 0, 0);
    if (r < 0 && !b->chdir_optional) child_fail(b, EXIT_CHDIR, (int)-r);
  }
  unsigned long zero_set = 0;
  RAW4(SYS_rt_sigprocmask, SIG_SETMASK, &zero_set, 0, sizeof zero_set);
  const char *f = b->file;
  int has_slash = 0;
  for (const char *q = f; *q; q++)
    if (*q == '/') has_slash = 1;
  if (has_slash) child_fail(b, EXIT_EXEC, (int)-RAW(SYS_execve, f, b->argv, b->envp));
  /* systemd's fixed search path; remember the most telling error (not ENOENT/ENOTDIR). */
  int last = ENOENT;
  size_t flen = c_strlen(f);
  char full[4096];
  for (const char *p = b->search_path ? b->search_path : ""; *p;) {
    const char *e = p;
    while (*e && *e != ':') e++;
    size_t len = (size_t)(e - p);
    if (len > 0 && len + flen + 2 < sizeof full) {
      for (size_t i = 0; i < len; i++) full[i] = p[i];
      full[len] = '/';
      for (size_t i = 0; i <= flen; i++) full[len + 1 + i] = f[i];
      long r = RAW(SYS_execve, full, b->argv, b->envp);
      if (r != -ENOENT && r != -ENOTDIR) last = (int)-r;
    }
    p = *e ? e + 1 : e;
  }
  child_fail(b, EXIT_EXEC, last);
}

/* Runs in the child, on b->stack, sharing the parent's memory: raw system calls only. */
static int child_main(void *arg) {
  spawn_block_t *b = (spawn_block_t *)arg;
  unsigned long zero_set = 0;
  unsigned long dfl[4] = {0, 0, 0, 0}; /* handler SIG_DFL, flags, restorer, mask: all zero */
  for (int sig = 1; sig < 65; sig++)
    if (sig != SIGKILL && sig != SIGSTOP) RAW4(SYS_rt_sigaction, sig, dfl, 0, sizeof zero_set);
  if (b->setsid_flag) {
    long r = RAW(SYS_setsid, 0, 0, 0);
    if (r < 0 && b->direct) child_fail(b, EXIT_SETSID, (int)-r);
  }
  for (int i = 0; i < b->total; i++) {
    long r = RAW(SYS_dup3, b->src[i], i, 0);
    if (r < 0) child_fail(b, EXIT_EXEC, (int)-r);
  }
  int keep = b->total;
  if (b->sync_fd >= 0) {
    long r = RAW(SYS_dup3, b->sync_fd, keep, O_CLOEXEC);
    if (r < 0) child_fail(b, EXIT_EXEC, (int)-r);
    keep++;
  }
  if (RAW(SYS_close_range, keep, ~0U, 0) < 0)
    for (long fd = keep; fd < b->close_max; fd++) RAW(SYS_close, fd, 0, 0);
  b->fail_fd = b->status_target; /* the parked copy is closed now; the status pipe sits at its target */
  if (b->nofile_set) { /* best effort, as systemd's: a unit's own LimitNOFILE= is applied later by the helper */
    struct rlimit rl = {(rlim_t)b->nofile_soft, (rlim_t)b->nofile_hard};
    RAW4(SYS_prlimit64, 0, RLIMIT_NOFILE, &rl, 0);
  }
  if (b->cgroup_procs) { /* clone3 could not place us: join the unit's cgroup (as the helper would) */
    long fd = RAW4(SYS_openat, AT_FDCWD, b->cgroup_procs, O_WRONLY | O_CLOEXEC, 0);
    if (fd < 0) child_fail(b, EXIT_CGROUP, (int)-fd);
    long w = RAW(SYS_write, fd, "0", 1);
    if (w < 0) child_fail(b, EXIT_CGROUP, (int)-w);
    RAW(SYS_close, fd, 0, 0);
  }
  if (b->direct) child_direct(b);
  RAW4(SYS_rt_sigprocmask, SIG_SETMASK, &zero_set, 0, sizeof zero_set);
  long r = RAW(SYS_execve, b->file, b->argv, b->envp);
  child_fail(b, EXIT_EXEC, (int)-r);
}

/* clone3() has no libc wrapper here: the child returns from the syscall on the new stack, so it is
 * sent straight into fn(arg) (kept in callee-saved registers, which the child inherits) and exits. */
struct clone_args_v2 {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};
#define TSYSD_CLONE_INTO_CGROUP 0x200000000ULL

static long clone3_run(struct clone_args_v2 *ca, int (*fn)(void *), void *arg) {
  long ret;
  __asm__ volatile(
      "mov %[fn], %%r12\n\t"
      "mov %[arg], %%r13\n\t"
      "syscall\n\t"
      "test %%rax, %%rax\n\t"
      "jnz 1f\n\t"
      "xor %%ebp, %%ebp\n\t"
      "mov %%r13, %%rdi\n\t"
      "call *%%r12\n\t"
      "mov %%rax, %%rdi\n\t"
      "mov $231, %%eax\n\t" /* exit_group */
      "syscall\n\t"
      "hlt\n\t"
      "1:\n\t"
      : "=a"(ret)
      : "a"((long)SYS_clone3), "D"(ca), "S"(sizeof *ca), [fn] "r"(fn), [arg] "r"(arg)
      : "rcx", "r11", "r12", "r13", "memory");
  return ret;
}

static int use_async(void) {
  static int v = -1;
  if (v < 0) {
    const char *e = getenv("TSYSD_SPAWN");
    v = !(e && !strcmp(e, "posix"));
  }
  return v;
}
#endif

static int devnull_fd(void) {
  static int fd = -1;
  if (fd < 0) fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  return fd;
}

/* posix_spawn fallback: blocks until the child's execve (vfork semantics). */
static int spawn_posix(spawn_block_t *b, pid_t *pid) {
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t at;
  sigset_t all, none;
  posix_spawn_file_actions_init(&fa);
  posix_spawnattr_init(&at);
  for (int i = 0; i < b->total; i++) posix_spawn_file_actions_adddup2(&fa, b->src[i], i);
  posix_spawn_file_actions_addclosefrom_np(&fa, b->total);
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&at, &all);
  posix_spawnattr_setsigmask(&at, &none);
  short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
  if (b->setsid_flag) flags |= POSIX_SPAWN_SETSID;
  posix_spawnattr_setflags(&at, flags);
  int err = posix_spawn(pid, b->file, &fa, &at, b->argv, b->envp);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&at);
  return err;
}

#ifdef TSYSD_ASYNC_SPAWN
static int spawn_clone(spawn_block_t *b, pid_t *pid) {
  b->stack = mmap(NULL, CHILD_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (b->stack == MAP_FAILED) {
    b->stack = NULL;
    return errno;
  }
  struct rlimit rl;
  b->close_max = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (1 << 20) ? (long)rl.rlim_cur : 65536;
  static int have_clone3 = 1;
  int cgfd = -1;
  /* Linux 6.x records the kill sequence number of the PARENT's cgroup for CLONE_INTO_CGROUP and compares it
   * with the target's after the fork, so a child cloned into a cgroup that was ever cgroup.kill'ed is
   * SIGKILLed at birth. The caller knows which cgroups it killed and asks for a plain join there. */
  if (b->cgroup_dir && have_clone3 && !b->cgroup_join) cgfd = open(b->cgroup_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  long r = -1;
  int err = 0;
  if (cgfd >= 0) {
    struct clone_args_v2 ca;
    memset(&ca, 0, sizeof ca);
    ca.flags = CLONE_VM | TSYSD_CLONE_INTO_CGROUP;
    ca.exit_signal = SIGCHLD;
    ca.stack = (uint64_t)(uintptr_t)b->stack;
    ca.stack_size = CHILD_STACK;
    ca.cgroup = (uint64_t)cgfd;
    r = clone3_run(&ca, child_main, b);
    if (r < 0) {
      err = (int)-r;
      if (err == ENOSYS || err == E2BIG) have_clone3 = 0; /* kernel without clone3/CLONE_INTO_CGROUP */
    }
  }
  if (r < 0 && b->cgroup_dir && !b->cgroup_procs) {
    /* Not placed (old kernel, cgroup not openable, or refused): the child joins by itself, and reports
     * 219/CGROUP with the real error if that fails too. No child exists yet, so the block may change. */
    size_t n = strlen(b->cgroup_dir) + sizeof "/cgroup.procs";
    b->cgroup_procs = malloc(n);
    if (b->cgroup_procs) snprintf(b->cgroup_procs, n, "%s/cgroup.procs", b->cgroup_dir);
  }
  if (r < 0) {
    int c = clone(child_main, (char *)b->stack + CHILD_STACK, CLONE_VM | SIGCHLD, b);
    r = c;
    err = c < 0 ? errno : 0;
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (cgfd >= 0) close(cgfd);
  if (r < 0) return err;
  *pid = (pid_t)r;
  return 0;
}
#endif

static char *opt_string(napi_env env, napi_value obj, const char *key) {
  napi_value v = tsysd_get_prop(env, obj, key);
  if (!v || tsysd_is_nullish(env, v)) return NULL;
  napi_valuetype t;
  napi_typeof(env, v, &t);
  return t == napi_string ? tsysd_get_string(env, v, NULL) : NULL;
}

static int64_t opt_int(napi_env env, napi_value obj, const char *key, int64_t dflt) {
  napi_value v = tsysd_get_prop(env, obj, key);
  int64_t out = dflt;
  if (v && !tsysd_is_nullish(env, v) && napi_get_value_int64(env, v, &out) != napi_ok) out = dflt;
  return out;
}

static int opt_bool(napi_env env, napi_value obj, const char *key) {
  napi_value v = tsysd_get_prop(env, obj, key);
  bool out = false;
  if (v && napi_get_value_bool(env, v, &out) != napi_ok) out = false;
  return out;
}

/* Reads the direct options {searchPath, chdir, chdirOptional, umask, ignoreSigpipe,
 * pidSlots: number[]} into the block; returns 0, or -1 when a pid slot index is invalid. */
static int read_direct(napi_env env, napi_value o, spawn_block_t *b, uint32_t nenv) {
  b->direct = 1;
  b->search_path = opt_string(env, o, "searchPath");
  b->chdir_path = opt_string(env, o, "chdir");
  b->chdir_optional = opt_bool(env, o, "chdirOptional");
  b->umask_v = (int)opt_int(env, o, "umask", -1);
  b->ignore_sigpipe = opt_bool(env, o, "ignoreSigpipe");
  napi_value slots = tsysd_get_prop(env, o, "pidSlots");
  bool is_arr = false;
  if (slots) napi_is_array(env, slots, &is_arr);
  if (!is_arr) return 0;
  uint32_t n = 0;
  napi_get_array_length(env, slots, &n);
  for (uint32_t i = 0; i < n && i < 4; i++) {
    napi_value v;
    int64_t k = -1;
    napi_get_element(env, slots, i, &v);
    napi_get_value_int64(env, v, &k);
    if (k < 0 || k >= (int64_t)nenv) return -1;
    /* the value must have room for the pid: the manager pads it to 20 characters */
    const char *e = strchr(b->envp[k], '=');
    if (!e || strlen(e + 1) < 20) return -1;
    b->pid_slots[b->npid_slots++] = (int)k;
  }
  return 0;
}

/* directSupported() -> boolean: the clone fast path (and so direct mode) is in use */
static napi_value DirectSupported(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  int on = 0;
#ifdef TSYSD_ASYNC_SPAWN
  on = use_async();
#endif
  napi_get_boolean(env, on, &r);
  return r;
}

/* spawn(file, argv[], envp[], fds[], setsid: boolean, onOutcome?: fn, opts?: {cgroup?, cgroupJoin?, direct?})
 *   -> pid | -errno
 * opts (fast path only, else -ENOSYS): cgroup = the unit's cgroup directory to start the child in
 * (cgroupJoin: by the child writing cgroup.procs instead of CLONE_INTO_CGROUP); nofile = {soft, hard}:
 * the child's RLIMIT_NOFILE, set before execve (or before the helper's own limits);
 * direct = exec FILE directly with these steps instead of through the helper (see the header). */
static void outcome_discard(uv_handle_t *h) { free(h->data); }

static napi_value Spawn(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 7);
  if (argc < 5) THROW(env, "spawn(file, argv, envp, fds, setsid, onOutcome?)");
  spawn_block_t *b = calloc(1, sizeof(spawn_block_t));
  if (!b) return tsysd_int(env, -ENOMEM);
  b->sync_fd = -1;
  b->status_target = -1;
  b->fail_fd = -1;
  b->file = tsysd_get_string(env, argv[0], NULL);
  uint32_t nargs = 0, nenv = 0, nfds = 0;
  b->argv = b->file ? get_string_array(env, argv[1], &nargs) : NULL;
  b->envp = b->argv ? get_string_array(env, argv[2], &nenv) : NULL;
  bool is_arr = false;
  napi_is_array(env, argv[3], &is_arr);
  bool setsid_flag = false;
  napi_get_value_bool(env, argv[4], &setsid_flag);
  b->setsid_flag = setsid_flag;
  int want_outcome = argc >= 6 && !tsysd_is_nullish(env, argv[5]);
  if (!b->envp || !is_arr) {
    block_free(b);
    if (!is_arr) THROW(env, "fds must be an array");
    return NULL;
  }
  int async = 0;
#ifdef TSYSD_ASYNC_SPAWN
  async = use_async();
#endif
  b->umask_v = -1;
  if (argc >= 7 && !tsysd_is_nullish(env, argv[6])) {
    if (!async) {
      block_free(b);
      return tsysd_int(env, -ENOSYS);
    }
    b->cgroup_dir = opt_string(env, argv[6], "cgroup");
    b->cgroup_join = opt_bool(env, argv[6], "cgroupJoin");
    napi_value nf = tsysd_get_prop(env, argv[6], "nofile");
    if (nf && !tsysd_is_nullish(env, nf)) {
      b->nofile_soft = (long)opt_int(env, nf, "soft", -1);
      b->nofile_hard = (long)opt_int(env, nf, "hard", -1);
      b->nofile_set = b->nofile_soft > 0 && (b->nofile_hard < 0 || b->nofile_hard >= b->nofile_soft); /* -1: unlimited */
    }
    napi_value d = tsysd_get_prop(env, argv[6], "direct");
    if (d && !tsysd_is_nullish(env, d) && read_direct(env, d, b, nenv) < 0) {
      block_free(b);
      THROW(env, "direct.pidSlots must index env entries padded to 20 characters");
    }
  }
  napi_get_array_length(env, argv[3], &nfds);
  int total = (int)nfds + (want_outcome && !b->direct ? 1 : 0);
  int low = total < 3 ? 3 : total + 1; /* parked fds never collide with a target nor the sync slot */
  b->total = total;
  b->src = calloc((size_t)total + 1, sizeof(int));
  if (!b->src) {
    block_free(b);
    return tsysd_int(env, -ENOMEM);
  }
  int pipefd[2] = {-1, -1};
  int err = 0;
  outcome_t *o = NULL;
  for (int i = 0; i < total; i++) b->src[i] = -1;
  /* The status pipe (outcome wanted) or, on the async path, a sync pipe tracks the child until execve. Its
   * watch is set up before any child exists, so nothing can fail once one does. */
  if ((want_outcome || async) && pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) < 0) err = errno;
  if (pipefd[0] >= 0) {
    uv_loop_t *loop;
    napi_get_uv_event_loop(env, &loop);
    o = calloc(1, sizeof(outcome_t));
    if (!o) err = ENOMEM;
    else {
      int r = uv_poll_init(loop, &o->poll, pipefd[0]);
      if (r < 0) {
        free(o);
        o = NULL;
        err = -r;
      } else {
        o->poll.data = o;
        o->fd = pipefd[0];
      }
    }
  }
  /* Park every source fd above the target range so dup order cannot clobber a later source. */
  for (uint32_t i = 0; i < nfds && !err; i++) {
    napi_value v;
    int64_t src;
    napi_get_element(env, argv[3], i, &v);
    if (napi_get_value_int64(env, v, &src) != napi_ok) src = -1;
    int from = src < 0 ? devnull_fd() : (int)src;
    b->src[i] = from < 0 ? -1 : fcntl(from, F_DUPFD_CLOEXEC, low);
    if (b->src[i] < 0) err = from < 0 ? ENOENT : errno;
  }
  if (pipefd[1] >= 0 && !err) {
    int w = fcntl(pipefd[1], F_DUPFD_CLOEXEC, low);
    if (w < 0) err = errno;
    /* The blocking-ness of the write end belongs to the child; make it blocking. */
    else fcntl(w, F_SETFL, fcntl(w, F_GETFL) & ~O_NONBLOCK);
    if (want_outcome && !b->direct) {
      b->src[nfds] = w;
      b->status_target = (int)nfds;
    } else {
      b->sync_fd = w; /* placed at fd `total`, close-on-exec */
      if (b->direct) b->status_target = total;
    }
    /* Until the child has its fd layout, a failure record goes to the parked copy (valid from clone on). */
    if (b->status_target >= 0) b->fail_fd = w;
  }
  pid_t pid = -1;
  if (!err) {
#ifdef TSYSD_ASYNC_SPAWN
    if (async) err = spawn_clone(b, &pid);
    else
#endif
      err = spawn_posix(b, &pid);
  }
  /* The child has its own fd table now: drop the parent's parked copies and the pipe's write end. The
   * block itself is NOT modified: a cloned child may still be reading it. */
  for (int i = 0; i < total; i++)
    if (b->src[i] >= 0) close(b->src[i]);
  if (b->sync_fd >= 0) close(b->sync_fd);
  if (pipefd[1] >= 0) close(pipefd[1]);
  if (err) {
    if (o) uv_close((uv_handle_t *)&o->poll, outcome_discard);
    if (pipefd[0] >= 0) close(pipefd[0]);
    block_free(b); /* no child exists (or it never started): nothing shares the block */
    return tsysd_int(env, -err);
  }
  if (!o) { /* posix path without outcome: nothing to watch */
    block_free(b);
    return tsysd_int(env, pid);
  }
  o->blk = async ? b : NULL;
  if (!async) block_free(b);
  if (want_outcome && napi_create_reference(env, argv[5], 1, &o->cb) != napi_ok) o->cb = NULL;
  uv_poll_start(&o->poll, UV_READABLE | UV_DISCONNECT, outcome_ready);
  return tsysd_int(env, pid);
}

void tsysd_init_spawn(napi_env env, napi_value exports) {
  tsysd_export(env, exports, "spawn", Spawn);
  tsysd_export(env, exports, "directSupported", DirectSupported);
}
