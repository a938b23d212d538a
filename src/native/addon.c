/* tsysd_native: the N-API entry point and shared value helpers.
 * Owns module registration only; each area (spawn, reaper/signals, sockets, misc OS calls) registers
 * its own functions. Only src/platform/real.ts loads this addon. */
#include "napi-util.h"

napi_value tsysd_int(napi_env env, int64_t v) {
  napi_value r;
  napi_create_int64(env, v, &r);
  return r;
}
napi_value tsysd_undefined(napi_env env) {
  napi_value r;
  napi_get_undefined(env, &r);
  return r;
}
napi_value tsysd_null(napi_env env) {
  napi_value r;
  napi_get_null(env, &r);
  return r;
}
int tsysd_get_int(napi_env env, napi_value v, int64_t *out) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_number) {
    napi_throw_type_error(env, NULL, "expected a number");
    return -1;
  }
  napi_get_value_int64(env, v, out);
  return 0;
}
char *tsysd_get_string(napi_env env, napi_value v, size_t *len_out) {
  napi_valuetype t;
  size_t len = 0;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_string) {
    napi_throw_type_error(env, NULL, "expected a string");
    return NULL;
  }
  napi_get_value_string_utf8(env, v, NULL, 0, &len);
  char *s = malloc(len + 1);
  if (!s) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  napi_get_value_string_utf8(env, v, s, len + 1, &len);
  if (len_out) *len_out = len;
  return s;
}
int tsysd_is_nullish(napi_env env, napi_value v) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return 1;
  return t == napi_undefined || t == napi_null;
}
void tsysd_set_int(napi_env env, napi_value obj, const char *key, int64_t v) {
  napi_set_named_property(env, obj, key, tsysd_int(env, v));
}
void tsysd_set_value(napi_env env, napi_value obj, const char *key, napi_value v) {
  napi_set_named_property(env, obj, key, v);
}
napi_value tsysd_get_prop(napi_env env, napi_value obj, const char *key) {
  napi_value r = NULL;
  if (napi_get_named_property(env, obj, key, &r) != napi_ok) return NULL;
  return r;
}
void tsysd_export(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn);
  napi_set_named_property(env, exports, name, fn);
}

napi_env tsysd_env = NULL;
static napi_async_context g_async_ctx = NULL;

void tsysd_callback_in_scope(napi_env env, napi_ref fn, size_t argc, const napi_value *argv) {
  napi_value f, global, result;
  if (napi_get_reference_value(env, fn, &f) != napi_ok || f == NULL) return;
  napi_get_global(env, &global);
  napi_status st = napi_make_callback(env, g_async_ctx, global, f, argc, argv, &result);
  if (st == napi_pending_exception) {
    napi_value exc;
    napi_get_and_clear_last_exception(env, &exc);
    napi_fatal_exception(env, exc);
  }
}

void tsysd_callback(napi_env env, napi_ref fn, size_t argc, const napi_value *argv) {
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  tsysd_callback_in_scope(env, fn, argc, argv);
  napi_close_handle_scope(env, scope);
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_value resource_name;
  tsysd_env = env;
  napi_create_string_utf8(env, "tsysd_native", NAPI_AUTO_LENGTH, &resource_name);
  napi_async_init(env, NULL, resource_name, &g_async_ctx);
  tsysd_init_spawn(env, exports);
  tsysd_init_reaper(env, exports);
  tsysd_init_sock(env, exports);
  tsysd_init_dgram(env, exports);
  tsysd_init_misc(env, exports);
  tsysd_init_journal(env, exports);
  tsysd_init_timefd(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
