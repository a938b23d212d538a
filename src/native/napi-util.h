/* Small helpers shared by the tsysd N-API addon sources (plain node_api.h, C).
 * Invariant: every exported function validates its arguments and throws a JS Error on misuse; OS
 * failures are returned as negative errno values (never thrown) so the TypeScript platform layer
 * decides policy. No policy lives in C. */
#ifndef TSYSD_NAPI_UTIL_H
#define TSYSD_NAPI_UTIL_H
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NAPI_CALL(env, call)                                                   \
  do {                                                                         \
    if ((call) != napi_ok) {                                                   \
      const napi_extended_error_info *ei_ = NULL;                              \
      napi_get_last_error_info((env), &ei_);                                   \
      bool pending_;                                                           \
      napi_is_exception_pending((env), &pending_);                             \
      if (!pending_)                                                           \
        napi_throw_error((env), NULL,                                          \
                         ei_ && ei_->error_message ? ei_->error_message        \
                                                   : "napi call failed");     \
      return NULL;                                                             \
    }                                                                          \
  } while (0)

#define GET_ARGS(env, info, n)                                                 \
  size_t argc = (n);                                                           \
  napi_value argv[(n) > 0 ? (n) : 1];                                          \
  NAPI_CALL(env, napi_get_cb_info((env), (info), &argc, argv, NULL, NULL))

#define THROW(env, msg)                                                        \
  do {                                                                         \
    napi_throw_error((env), NULL, (msg));                                      \
    return NULL;                                                               \
  } while (0)

napi_value tsysd_int(napi_env env, int64_t v);
napi_value tsysd_undefined(napi_env env);
napi_value tsysd_null(napi_env env);
/* Returns 0 on success, -1 after throwing. */
int tsysd_get_int(napi_env env, napi_value v, int64_t *out);
/* Returns malloc'ed NUL-terminated string (caller frees) or NULL after throwing. */
char *tsysd_get_string(napi_env env, napi_value v, size_t *len_out);
int tsysd_is_nullish(napi_env env, napi_value v);
void tsysd_set_int(napi_env env, napi_value obj, const char *key, int64_t v);
void tsysd_set_value(napi_env env, napi_value obj, const char *key, napi_value v);
napi_value tsysd_get_prop(napi_env env, napi_value obj, const char *key);
void tsysd_export(napi_env env, napi_value exports, const char *name, napi_callback cb);

/* Calls a JS function kept by reference from a libuv callback (opens a handle scope and uses
 * napi_make_callback so process.nextTick/microtasks run afterwards). Exceptions are reported via
 * napi_fatal_exception (they surface as 'uncaughtException' like any other callback error). */
void tsysd_callback(napi_env env, napi_ref fn, size_t argc, const napi_value *argv);
/* Callback with the handle scope already opened by the caller. */
void tsysd_callback_in_scope(napi_env env, napi_ref fn, size_t argc, const napi_value *argv);
extern napi_env tsysd_env;

/* Module registration hooks implemented by each source file. */
void tsysd_init_spawn(napi_env env, napi_value exports);
void tsysd_init_reaper(napi_env env, napi_value exports);
void tsysd_init_sock(napi_env env, napi_value exports);
void tsysd_init_dgram(napi_env env, napi_value exports);
void tsysd_init_misc(napi_env env, napi_value exports);
void tsysd_init_journal(napi_env env, napi_value exports);
void tsysd_init_timefd(napi_env env, napi_value exports);
#endif
