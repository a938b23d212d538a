/* Reaping and signals.
 * Invariants:
 *  - startReaper(cb) installs ONE uv_signal on SIGCHLD (unref'd) whose callback loops
 *    waitpid(-1, WNOHANG) and calls cb(pid, exitCode, signal, coreDumped) per child: exitCode is -1 when
 *    killed, signal is 0 when exited. This reaps EVERY child, orphans included, so the process must
 *    not also use child_process asynchronously (spawnSync is safe: it blocks the loop and reaps its
 *    own child first).
 *  - reapNow() runs the same loop synchronously (for statuses that arrived before startReaper).
 *  - signalWatch(signum, cb) works for any signal number including SIGRTMIN+n; handles are unref'd; the
 *    watch table grows as needed (no fixed count); allocation failures return -ENOMEM.
 *  - kill/killpg return 0 or -errno, never throw. */
#define _GNU_SOURCE
#include "napi-util.h"
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

static uv_signal_t g_chld;
static napi_ref g_reap_cb = NULL;
static int g_reaper_started = 0;

static int reap_loop(napi_env env) {
  int n = 0;
  for (;;) {
    int st = 0;
    pid_t pid = waitpid(-1, &st, WNOHANG);
    if (pid <= 0) {
      if (pid < 0 && errno == EINTR) continue;
      break;
    }
    n++;
    if (!g_reap_cb) continue;
    int code = -1, sig = 0, core = 0;
    if (WIFEXITED(st))
      code = WEXITSTATUS(st);
    else if (WIFSIGNALED(st)) {
      sig = WTERMSIG(st);
      core = WCOREDUMP(st) ? 1 : 0;
    } else
      continue;
    napi_handle_scope scope;
    napi_open_handle_scope(env, &scope);
    napi_value args[4] = {tsysd_int(env, pid), tsysd_int(env, code), tsysd_int(env, sig), NULL};
    napi_get_boolean(env, core, &args[3]);
    tsysd_callback_in_scope(env, g_reap_cb, 4, args);
    napi_close_handle_scope(env, scope);
  }
  return n;
}

static void on_sigchld(uv_signal_t *h, int signum) {
  (void)h;
  (void)signum;
  reap_loop(tsysd_env);
}

static napi_value StartReaper(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1);
  if (argc < 1) THROW(env, "startReaper(cb)");
  if (g_reap_cb) napi_delete_reference(env, g_reap_cb);
  napi_create_reference(env, argv[0], 1, &g_reap_cb);
  if (!g_reaper_started) {
    uv_loop_t *loop;
    napi_get_uv_event_loop(env, &loop);
    uv_signal_init(loop, &g_chld);
    uv_signal_start(&g_chld, on_sigchld, SIGCHLD);
    uv_unref((uv_handle_t *)&g_chld);
    g_reaper_started = 1;
  }
  return tsysd_undefined(env);
}

/* reaperRef(on): keep the event loop alive while the manager has live children (like child_process). */
static napi_value ReaperRef(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1);
  bool on = true;
  if (argc >= 1) napi_get_value_bool(env, argv[0], &on);
  if (!g_reaper_started) return tsysd_int(env, -EINVAL);
  if (on)
    uv_ref((uv_handle_t *)&g_chld);
  else
    uv_unref((uv_handle_t *)&g_chld);
  return tsysd_int(env, 0);
}

static napi_value ReapNow(napi_env env, napi_callback_info info) {
  (void)info;
  return tsysd_int(env, reap_loop(env));
}

static napi_value SetSubreaper(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1);
  bool on = true;
  if (argc >= 1) napi_get_value_bool(env, argv[0], &on);
  if (prctl(PR_SET_CHILD_SUBREAPER, on ? 1 : 0, 0, 0, 0) < 0) return tsysd_int(env, -errno);
  return tsysd_int(env, 0);
}

static napi_value Kill(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 2);
  int64_t pid, sig;
  if (argc < 2 || tsysd_get_int(env, argv[0], &pid) || tsysd_get_int(env, argv[1], &sig)) return NULL;
  if (kill((pid_t)pid, (int)sig) < 0) return tsysd_int(env, -errno);
  return tsysd_int(env, 0);
}

/* Signal watches: heap handles addressed by integer ids (>= 1) in a table that grows as needed. */
typedef struct {
  uv_signal_t h;
  napi_ref cb;
  int id;
} sigwatch_t;
static sigwatch_t **g_watches = NULL;
static int g_nwatches = 0;

static void on_signal(uv_signal_t *h, int signum) {
  sigwatch_t *w = (sigwatch_t *)h->data;
  napi_env env = tsysd_env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value a = tsysd_int(env, signum);
  tsysd_callback_in_scope(env, w->cb, 1, &a);
  napi_close_handle_scope(env, scope);
}

static void watch_closed(uv_handle_t *h) { free(h->data); }

/* A free slot id (>= 1), growing the table; -ENOMEM when it cannot grow. */
static int watch_slot(void) {
  for (int i = 1; i < g_nwatches; i++)
    if (!g_watches[i]) return i;
  int n = g_nwatches ? g_nwatches * 2 : 64;
  sigwatch_t **t = realloc(g_watches, (size_t)n * sizeof(*t));
  if (!t) return -ENOMEM;
  memset(t + g_nwatches, 0, (size_t)(n - g_nwatches) * sizeof(*t));
  int id = g_nwatches ? g_nwatches : 1;
  g_watches = t;
  g_nwatches = n;
  return id;
}

static napi_value SignalWatch(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 2);
  int64_t sig;
  if (argc < 2 || tsysd_get_int(env, argv[0], &sig)) return NULL;
  int id = watch_slot();
  if (id < 0) return tsysd_int(env, id);
  sigwatch_t *w = calloc(1, sizeof(*w));
  if (!w) return tsysd_int(env, -ENOMEM);
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  uv_signal_init(loop, &w->h);
  w->h.data = w;
  w->id = id;
  if (napi_create_reference(env, argv[1], 1, &w->cb) != napi_ok) {
    uv_close((uv_handle_t *)&w->h, watch_closed);
    return NULL;
  }
  int r = uv_signal_start(&w->h, on_signal, (int)sig);
  if (r < 0) {
    napi_delete_reference(env, w->cb);
    uv_close((uv_handle_t *)&w->h, watch_closed);
    return tsysd_int(env, r);
  }
  uv_unref((uv_handle_t *)&w->h);
  g_watches[id] = w;
  return tsysd_int(env, id);
}

static napi_value SignalUnwatch(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1);
  int64_t id;
  if (argc < 1 || tsysd_get_int(env, argv[0], &id)) return NULL;
  if (id <= 0 || id >= g_nwatches || !g_watches[id]) return tsysd_int(env, -EBADF);
  sigwatch_t *w = g_watches[id];
  g_watches[id] = NULL;
  uv_signal_stop(&w->h);
  napi_delete_reference(env, w->cb);
  uv_close((uv_handle_t *)&w->h, watch_closed);
  return tsysd_int(env, 0);
}

static napi_value SigRtMin(napi_env env, napi_callback_info info) {
  (void)info;
  return tsysd_int(env, SIGRTMIN);
}

void tsysd_init_reaper(napi_env env, napi_value exports) {
  tsysd_export(env, exports, "startReaper", StartReaper);
  tsysd_export(env, exports, "reapNow", ReapNow);
  tsysd_export(env, exports, "reaperRef", ReaperRef);
  tsysd_export(env, exports, "setSubreaper", SetSubreaper);
  tsysd_export(env, exports, "kill", Kill);
  tsysd_export(env, exports, "signalWatch", SignalWatch);
  tsysd_export(env, exports, "signalUnwatch", SignalUnwatch);
  tsysd_export(env, exports, "sigrtmin", SigRtMin);
}
