/* spawn(): posix_spawn of a program (normally the tsysd-exec helper) with an exact fd layout.
 * Invariants:
 *  - the child's fds are exactly fds[0..n-1] (entry -1 = /dev/null), plus, when an outcome callback is
 *    given, the write end of a status pipe at fd n; every other fd is closed (closefrom) in the child;
 *  - all signals are reset to default and the signal mask is emptied (Node ignores SIGPIPE);
 *  - optional new session (POSIX_SPAWN_SETSID);
 *  - the status pipe read end stays in the parent, watched with uv_poll; the callback is called once:
 *    (stage, errno) if the helper wrote an 8-byte {int32 stage, int32 errno} record, or () on EOF
 *    without a record (execve succeeded, or the child died before writing);
 *  - returns the pid synchronously (or -errno); the exit itself is reported by the reaper only. */
#define _GNU_SOURCE
#include "napi-util.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>
#include <uv.h>

typedef struct {
  uv_poll_t poll;
  int fd;
  napi_ref cb;
  char buf[8];
  size_t got;
} outcome_t;

static void outcome_closed(uv_handle_t *h) {
  outcome_t *o = (outcome_t *)h->data;
  free(o);
}

static void outcome_finish(outcome_t *o, int have_record) {
  napi_env env = tsysd_env;
  uv_poll_stop(&o->poll);
  close(o->fd);
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
  uv_close((uv_handle_t *)&o->poll, outcome_closed);
}

static void outcome_ready(uv_poll_t *h, int status, int events) {
  outcome_t *o = (outcome_t *)h->data;
  (void)events;
  if (status < 0) {
    outcome_finish(o, 0);
    return;
  }
  for (;;) {
    ssize_t r = read(o->fd, o->buf + o->got, sizeof(o->buf) - o->got);
    if (r > 0) {
      o->got += (size_t)r;
      if (o->got == sizeof(o->buf)) {
        outcome_finish(o, 1);
        return;
      }
      continue;
    }
    if (r == 0) {
      outcome_finish(o, 0);
      return;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return;
    outcome_finish(o, 0);
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
  char **out = calloc(n + 1, sizeof(char *));
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

static void free_string_array(char **a) {
  if (!a) return;
  for (char **p = a; *p; p++) free(*p);
  free(a);
}

/* spawn(file, argv[], envp[], fds[], setsid: boolean, onOutcome?: fn) -> pid | -errno */
static napi_value Spawn(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 6);
  if (argc < 5) THROW(env, "spawn(file, argv, envp, fds, setsid, onOutcome?)");
  char *file = tsysd_get_string(env, argv[0], NULL);
  if (!file) return NULL;
  uint32_t nargs = 0, nenv = 0, nfds = 0;
  char **args = get_string_array(env, argv[1], &nargs);
  char **envp = args ? get_string_array(env, argv[2], &nenv) : NULL;
  bool is_arr = false;
  napi_is_array(env, argv[3], &is_arr);
  bool setsid_flag = false;
  napi_get_value_bool(env, argv[4], &setsid_flag);
  int want_outcome = argc >= 6 && !tsysd_is_nullish(env, argv[5]);
  if (!args || !envp || !is_arr) {
    free(file);
    free_string_array(args);
    free_string_array(envp);
    if (!is_arr) THROW(env, "fds must be an array");
    return NULL;
  }
  napi_get_array_length(env, argv[3], &nfds);
  int total = (int)nfds + (want_outcome ? 1 : 0);
  int *tmp = calloc((size_t)total + 1, sizeof(int));
  int status_pipe[2] = {-1, -1};
  int err = 0;
  for (int i = 0; i < total; i++) tmp[i] = -1;
  if (want_outcome && pipe2(status_pipe, O_CLOEXEC | O_NONBLOCK) < 0) err = errno;
  /* Park every source fd above the target range so dup2 order cannot clobber a later source. */
  for (uint32_t i = 0; i < nfds && !err; i++) {
    napi_value v;
    int64_t src;
    napi_get_element(env, argv[3], i, &v);
    if (napi_get_value_int64(env, v, &src) != napi_ok) src = -1;
    if (src < 0) continue;
    tmp[i] = fcntl((int)src, F_DUPFD_CLOEXEC, total < 3 ? 3 : total);
    if (tmp[i] < 0) err = errno;
  }
  if (want_outcome && !err) {
    tmp[nfds] = fcntl(status_pipe[1], F_DUPFD_CLOEXEC, total < 3 ? 3 : total);
    if (tmp[nfds] < 0) err = errno;
    /* The blocking-ness of the write end belongs to the child; make it blocking. */
    if (!err) fcntl(tmp[nfds], F_SETFL, fcntl(tmp[nfds], F_GETFL) & ~O_NONBLOCK);
  }
  pid_t pid = -1;
  if (!err) {
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t all, none;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    for (int i = 0; i < total; i++) {
      if (tmp[i] < 0)
        posix_spawn_file_actions_addopen(&fa, i, "/dev/null", O_RDWR, 0);
      else
        posix_spawn_file_actions_adddup2(&fa, tmp[i], i);
    }
    posix_spawn_file_actions_addclosefrom_np(&fa, total);
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&at, &all);
    posix_spawnattr_setsigmask(&at, &none);
    short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
    if (setsid_flag) flags |= POSIX_SPAWN_SETSID;
    posix_spawnattr_setflags(&at, flags);
    err = posix_spawn(&pid, file, &fa, &at, args, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
  }
  for (int i = 0; i < total; i++)
    if (tmp[i] >= 0) close(tmp[i]);
  free(tmp);
  free(file);
  free_string_array(args);
  free_string_array(envp);
  if (status_pipe[1] >= 0) close(status_pipe[1]);
  if (err) {
    if (status_pipe[0] >= 0) close(status_pipe[0]);
    return tsysd_int(env, -err);
  }
  if (want_outcome) {
    outcome_t *o = calloc(1, sizeof(outcome_t));
    uv_loop_t *loop;
    napi_get_uv_event_loop(env, &loop);
    o->fd = status_pipe[0];
    napi_create_reference(env, argv[5], 1, &o->cb);
    uv_poll_init(loop, &o->poll, o->fd);
    o->poll.data = o;
    uv_poll_start(&o->poll, UV_READABLE | UV_DISCONNECT, outcome_ready);
  }
  return tsysd_int(env, pid);
}

void tsysd_init_spawn(napi_env env, napi_value exports) {
  tsysd_export(env, exports, "spawn", Spawn);
}
