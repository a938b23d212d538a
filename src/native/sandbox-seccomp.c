/* Seccomp filters of the exec helper, through libseccomp, as systemd 252's src/shared/seccomp-util.c builds
 * them: one filter per local architecture (x86, x32, then the native x86-64 last), bad-arch action allow,
 * no implicit NO_NEW_PRIVS (the helper sets it where systemd implies it). A rule libseccomp cannot express
 * for an architecture (-EDOM: the call does not exist there) is skipped; a load refused for lack of
 * privilege (EPERM, EACCES, ENOMEM, EFAULT) fails the spawn with 228/SECCOMP, any other load error skips
 * that architecture, as systemd does. Ops (one --seccomp= argument each, fields separated by \x1f):
 *   set  DEFAULT ACTION NAME[=ACT],...   a syscall set: listed calls get ACTION (or their own ACT), others
 *                                        DEFAULT; ACT = allow | kill | log | e<errno>   (SystemCallFilter=,
 *                                        SystemCallLog=, ProtectClock=, ProtectKernelModules=, ...)
 *   ns   RETAIN                          RestrictNamespaces= (CLONE_NEW* flags kept)
 *   af   allow|deny AF,...               RestrictAddressFamilies=
 *   mdwe | realtime | suidsgid           MemoryDenyWriteExecute=, RestrictRealtime=, RestrictSUIDSGID=
 *   personality N                        LockPersonality= (N < 0: the current PER_LINUX/PER_LINUX32)
 *   archs NAME,...                       SystemCallArchitectures= (later filters skip blocked archs) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sandbox.h"

#if defined(__x86_64__) && !defined(__ILP32__)
static uint32_t local_archs[] = {SCMP_ARCH_X86, SCMP_ARCH_X32, SCMP_ARCH_X86_64};
#elif defined(__aarch64__)
static uint32_t local_archs[] = {SCMP_ARCH_ARM, SCMP_ARCH_AARCH64};
#else
static uint32_t local_archs[] = {SCMP_ARCH_NATIVE};
#endif
#define NARCH ((int)(sizeof(local_archs) / sizeof(local_archs[0])))
static int arch_blocked[NARCH];

int sb_seccomp_available(void) {
  return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0 && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, NULL, 0, 0) < 0 && errno == EFAULT;
}

static uint32_t kill_action(void) {
#ifdef SCMP_ACT_KILL_PROCESS
  if (seccomp_api_get() >= 3) return SCMP_ACT_KILL_PROCESS;
#endif
  return SCMP_ACT_KILL;
}

static int parse_action(const char *s, uint32_t *out) {
  if (!strcmp(s, "allow")) *out = SCMP_ACT_ALLOW;
  else if (!strcmp(s, "kill")) *out = kill_action();
  else if (!strcmp(s, "log")) *out = SCMP_ACT_LOG;
  else if (s[0] == 'e' && s[1]) *out = SCMP_ACT_ERRNO((uint16_t)atoi(s + 1));
  else return -EINVAL;
  return 0;
}

static scmp_filter_ctx init_for_arch(uint32_t arch, uint32_t dflt) {
  scmp_filter_ctx c = seccomp_init(dflt);
  if (!c) return NULL;
  if (arch != SCMP_ARCH_NATIVE && arch != seccomp_arch_native()) {
    if (seccomp_arch_remove(c, seccomp_arch_native()) < 0 || seccomp_arch_add(c, arch) < 0) { seccomp_release(c); return NULL; }
  }
  if (seccomp_attr_set(c, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW) < 0 || seccomp_attr_set(c, SCMP_FLTATR_CTL_NNP, 0) < 0) {
    seccomp_release(c);
    return NULL;
  }
  return c;
}

static int load(scmp_filter_ctx c) {
  int r = seccomp_load(c);
  seccomp_release(c);
  if (r == -EPERM || r == -EACCES || r == -ENOMEM || r == -EFAULT) return r;
  return 0;   /* other errors: skip this architecture */
}

/* Rule helpers: -EDOM (no such call on this arch) is not an error. */
#define RULE(c, act, name, n, ...) do { \
    int _nr = seccomp_syscall_resolve_name(name); \
    if (_nr != __NR_SCMP_ERROR) { int _r = seccomp_rule_add_exact(c, act, _nr, n, ##__VA_ARGS__); if (_r < 0 && _r != -EDOM) bad = _r; } \
  } while (0)

static int op_set(char *p) {
  char *dflt = p, *act = strchr(dflt, SB_SEP);
  if (!act) return -EINVAL;
  *act++ = 0;
  char *list = strchr(act, SB_SEP);
  if (!list) return -EINVAL;
  *list++ = 0;
  uint32_t d, a;
  if (parse_action(dflt, &d) < 0 || parse_action(act, &a) < 0) return -EINVAL;
  if (d == SCMP_ACT_ALLOW && !*list) return 0;
  for (int i = 0; i < NARCH; i++) {
    if (arch_blocked[i]) continue;
    scmp_filter_ctx c = init_for_arch(local_archs[i], d);
    if (!c) return -ENOMEM;
    char *copy = strdup(list), *save = NULL;
    for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
      uint32_t wa = a;
      char *eq = strchr(w, '=');
      if (eq) { *eq++ = 0; if (parse_action(eq, &wa) < 0) wa = a; }
      int nr = seccomp_syscall_resolve_name(w);
      if (nr == __NR_SCMP_ERROR) continue;   /* unknown to this libseccomp: ignored, as systemd does */
      int r = seccomp_rule_add_exact(c, wa, nr, 0);
      if (r < 0 && r != -EDOM && r != -EEXIST && r != -EACCES) { free(copy); seccomp_release(c); return r; }
    }
    free(copy);
    int r = load(c);
    if (r < 0) return r;
  }
  return 0;
}

static int op_ns(unsigned long retain) {
  static const unsigned long flags[] = {CLONE_NEWCGROUP, CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWUSER, CLONE_NEWUTS};
  unsigned long all = 0;
  for (size_t k = 0; k < sizeof(flags) / sizeof(flags[0]); k++) all |= flags[k];
  if ((retain & all) == all) return 0;
  for (int i = 0; i < NARCH; i++) {
    if (arch_blocked[i]) continue;
    int bad = 0;
    scmp_filter_ctx c = init_for_arch(local_archs[i], SCMP_ACT_ALLOW);
    if (!c) return -ENOMEM;
    RULE(c, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0);
    bad = 0;
    if ((retain & all) == 0) RULE(c, SCMP_ACT_ERRNO(EPERM), "setns", 0);
    else RULE(c, SCMP_ACT_ERRNO(EPERM), "setns", 1, SCMP_A1(SCMP_CMP_EQ, 0));
    for (size_t k = 0; k < sizeof(flags) / sizeof(flags[0]) && !bad; k++) {
      unsigned long f = flags[k];
      if (retain & f) continue;
      RULE(c, SCMP_ACT_ERRNO(EPERM), "unshare", 1, SCMP_A0(SCMP_CMP_MASKED_EQ, f, f));
      RULE(c, SCMP_ACT_ERRNO(EPERM), "clone", 1, SCMP_A0(SCMP_CMP_MASKED_EQ, f, f));
      if (retain & all) RULE(c, SCMP_ACT_ERRNO(EPERM), "setns", 1, SCMP_A1(SCMP_CMP_MASKED_EQ, f, f));
    }
    if (bad) { seccomp_release(c); continue; }
    int r = load(c);
    if (r < 0) return r;
  }
  return 0;
}

static int op_af(int allow, char *list) {
  int set[64] = {0}, first = 0, last = 0;
  char *save = NULL;
  for (char *w = strtok_r(list, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
    int af = atoi(w);
    if (af <= 0 || af >= 64) continue;
    set[af] = 1;
    if (!first || af < first) first = af;
    if (!last || af > last) last = af;
  }
  for (int i = 0; i < NARCH; i++) {
    uint32_t arch = local_archs[i];
    if (arch_blocked[i] || arch == SCMP_ARCH_X86) continue;   /* socketcall() arches are not filtered */
    int bad = 0;
    scmp_filter_ctx c = init_for_arch(arch, SCMP_ACT_ALLOW);
    if (!c) return -ENOMEM;
    if (allow) {
      if (!first) RULE(c, SCMP_ACT_ERRNO(EAFNOSUPPORT), "socket", 0);
      else {
        RULE(c, SCMP_ACT_ERRNO(EAFNOSUPPORT), "socket", 1, SCMP_A0(SCMP_CMP_LT, (scmp_datum_t)first));
        RULE(c, SCMP_ACT_ERRNO(EAFNOSUPPORT), "socket", 1, SCMP_A0(SCMP_CMP_GT, (scmp_datum_t)last));
        for (int af = first + 1; af < last; af++)
          if (!set[af]) RULE(c, SCMP_ACT_ERRNO(EAFNOSUPPORT), "socket", 1, SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)af));
      }
    } else {
      for (int af = 1; af < 64; af++)
        if (set[af]) RULE(c, SCMP_ACT_ERRNO(EAFNOSUPPORT), "socket", 1, SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)af));
    }
    if (bad) { seccomp_release(c); continue; }
    int r = load(c);
    if (r < 0) return r;
  }
  return 0;
}

static int op_mdwe(void) {
  for (int i = 0; i < NARCH; i++) {
    uint32_t arch = local_archs[i];
    if (arch_blocked[i]) continue;
    const char *filter = "mmap", *block = NULL, *shm = "shmat";
    if (arch == SCMP_ARCH_X86) { filter = "mmap2"; block = "mmap"; shm = NULL; }
    int bad = 0;
    scmp_filter_ctx c = init_for_arch(arch, SCMP_ACT_ALLOW);
    if (!c) return -ENOMEM;
    RULE(c, SCMP_ACT_ERRNO(EPERM), filter, 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC | PROT_WRITE, PROT_EXEC | PROT_WRITE));
    if (block) RULE(c, SCMP_ACT_ERRNO(EPERM), block, 0);
    RULE(c, SCMP_ACT_ERRNO(EPERM), "mprotect", 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC));
    RULE(c, SCMP_ACT_ERRNO(EPERM), "pkey_mprotect", 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC));
    if (shm) RULE(c, SCMP_ACT_ERRNO(EPERM), shm, 1, SCMP_A2(SCMP_CMP_MASKED_EQ, SHM_EXEC, SHM_EXEC));
    if (bad) { seccomp_release(c); continue; }
    int r = load(c);
    if (r < 0) return r;
  }
  return 0;
}

static int op_realtime(void) {
  /* SCHED_OTHER(0), SCHED_BATCH(3), SCHED_IDLE(5) stay allowed; every other policy fails with EPERM. */
  for (int i = 0; i < NARCH; i++) {
    if (arch_blocked[i]) continue;
    int bad = 0;
    scmp_filter_ctx c = init_for_arch(local_archs[i], SCMP_ACT_ALLOW);
    if (!c) return -ENOMEM;
    for (int p = 0; p < 5; p++)
      if (p != 0 && p != 3) RULE(c, SCMP_ACT_ERRNO(EPERM), "sched_setscheduler", 1, SCMP_A1(SCMP_CMP_EQ, (scmp_datum_t)p));
    RULE(c, SCMP_ACT_ERRNO(EPERM), "sched_setscheduler", 1, SCMP_A1(SCMP_CMP_GT, 5));
    if (bad) { seccomp_release(c); continue; }
    int r = load(c);
    if (r < 0) return r;
  }
  return 0;
}

static void sxid_rules(scmp_filter_ctx c, scmp_datum_t m, int *any) {
  int bad = 0;
#define SX(...) do { bad = 0; RULE(c, __VA_ARGS__); if (!bad) *any = 1; } while (0)
  SX(SCMP_ACT_ERRNO(EPERM), "chmod", 1, SCMP_A1(SCMP_CMP_MASKED_EQ, m, m));
  SX(SCMP_ACT_ERRNO(EPERM), "fchmod", 1, SCMP_A1(SCMP_CMP_MASKED_EQ, m, m));
  SX(SCMP_ACT_ERRNO(EPERM), "fchmodat", 1, SCMP_A2(SCMP_CMP_MASKED_EQ, m, m));
  /* fchmodat2 (Linux 6.6) is unknown to this libseccomp: block it with ENOSYS by number, as 252.39 does. */
  { int _r = seccomp_rule_add_exact(c, SCMP_ACT_ERRNO(ENOSYS), 452, 0); if (_r >= 0) *any = 1; }
  SX(SCMP_ACT_ERRNO(EPERM), "mkdir", 1, SCMP_A1(SCMP_CMP_MASKED_EQ, m, m));
  SX(SCMP_ACT_ERRNO(EPERM), "mkdirat", 1, SCMP_A2(SCMP_CMP_MASKED_EQ, m, m));
  SX(SCMP_ACT_ERRNO(EPERM), "mknod", 1, SCMP_A1(SCMP_CMP_MASKED_EQ, m, m));
  SX(SCMP_ACT_ERRNO(EPERM), "mknodat", 1, SCMP_A2(SCMP_CMP_MASKED_EQ, m, m));
  SX(SCMP_ACT_ERRNO(EPERM), "open", 2, SCMP_A1(SCMP_CMP_MASKED_EQ, O_CREAT, O_CREAT), SCMP_A2(SCMP_CMP_MASKED_EQ, m, m));
  SX(SCMP_ACT_ERRNO(EPERM), "openat", 2, SCMP_A2(SCMP_CMP_MASKED_EQ, O_CREAT, O_CREAT), SCMP_A3(SCMP_CMP_MASKED_EQ, m, m));
  SX(SCMP_ACT_ERRNO(ENOSYS), "openat2", 0);
  SX(SCMP_ACT_ERRNO(EPERM), "creat", 1, SCMP_A1(SCMP_CMP_MASKED_EQ, m, m));
#undef SX
}

static int op_suidsgid(void) {
  for (int i = 0; i < NARCH; i++) {
    if (arch_blocked[i]) continue;
    scmp_filter_ctx c = init_for_arch(local_archs[i], SCMP_ACT_ALLOW);
    if (!c) return -ENOMEM;
    int any = 0;
    sxid_rules(c, S_ISUID, &any);
    sxid_rules(c, S_ISGID, &any);
    if (!any) { seccomp_release(c); continue; }
    int r = load(c);
    if (r < 0) return r;
  }
  return 0;
}

static int op_personality(long p) {
  if (p < 0) {
    int cur = personality(0xffffffff);
    if (cur < 0) return -errno;
    p = ((unsigned long)cur & 0xffff) == PER_LINUX32 ? PER_LINUX32 : PER_LINUX;
  }
  for (int i = 0; i < NARCH; i++) {
    if (arch_blocked[i]) continue;
    int bad = 0;
    scmp_filter_ctx c = init_for_arch(local_archs[i], SCMP_ACT_ALLOW);
    if (!c) return -ENOMEM;
    RULE(c, SCMP_ACT_ERRNO(EPERM), "personality", 1, SCMP_A0(SCMP_CMP_NE, (scmp_datum_t)p));
    if (bad) { seccomp_release(c); continue; }
    int r = load(c);
    if (r < 0) return r;
  }
  return 0;
}

/* seccomp_restrict_archs(): an empty filter whose arch list is the allowed ones; the native arch stays. */
static int op_archs(char *list) {
  uint32_t allowed[16];
  int na = 0, blocked_new = 0;
  char *save = NULL;
  for (char *w = strtok_r(list, ",", &save); w && na < 16; w = strtok_r(NULL, ",", &save)) {
    if (!strcmp(w, "native")) allowed[na++] = seccomp_arch_native();
    else if (!strcmp(w, "x86-64")) allowed[na++] = SCMP_ARCH_X86_64;
    else if (!strcmp(w, "x86")) allowed[na++] = SCMP_ARCH_X86;
    else if (!strcmp(w, "x32")) allowed[na++] = SCMP_ARCH_X32;
    else if (!strcmp(w, "arm64")) allowed[na++] = SCMP_ARCH_AARCH64;
    else if (!strcmp(w, "arm")) allowed[na++] = SCMP_ARCH_ARM;
  }
  scmp_filter_ctx c = seccomp_init(SCMP_ACT_ALLOW);
  if (!c) return -ENOMEM;
  for (int i = 0; i < NARCH; i++) {
    uint32_t arch = local_archs[i];
    if (arch == seccomp_arch_native() || arch_blocked[i]) continue;
    int ok = 0;
    for (int k = 0; k < na; k++) if (allowed[k] == arch) ok = 1;
    if (!ok) { arch_blocked[i] = 1; blocked_new = 1; }
    else if (seccomp_arch_add(c, arch) < 0) { seccomp_release(c); return -EINVAL; }
  }
  if (!blocked_new) { seccomp_release(c); return 0; }
  seccomp_attr_set(c, SCMP_FLTATR_CTL_NNP, 0);
  return load(c);
}

int sb_seccomp_apply(const char *op) {
  char buf[65536];
  if (strlen(op) >= sizeof(buf)) return -E2BIG;
  strcpy(buf, op);
  char *arg = strchr(buf, SB_SEP);
  if (arg) *arg++ = 0;
  if (!strcmp(buf, "set") && arg) return op_set(arg);
  if (!strcmp(buf, "ns") && arg) return op_ns(strtoul(arg, NULL, 10));
  if (!strcmp(buf, "af") && arg) {
    char *list = strchr(arg, SB_SEP);
    if (!list) return -EINVAL;
    *list++ = 0;
    return op_af(!strcmp(arg, "allow"), list);
  }
  if (!strcmp(buf, "mdwe")) return op_mdwe();
  if (!strcmp(buf, "realtime")) return op_realtime();
  if (!strcmp(buf, "suidsgid")) return op_suidsgid();
  if (!strcmp(buf, "personality") && arg) return op_personality(strtol(arg, NULL, 10));
  if (!strcmp(buf, "archs") && arg) return op_archs(arg);
  return -EINVAL;
}
