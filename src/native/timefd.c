/* inotify and CLOCK_REALTIME timerfds for timer and path units: thin wrappers, no policy.
 * inotifyInit() -> fd | -errno; inotifyAddWatch(fd, path, mask) -> wd | -errno;
 * inotifyRead(fd) -> [{wd, mask, name}] | -errno (-EAGAIN when nothing is pending): one read(2), as
 * systemd's path_spec_fd_event reads one buffer per wake-up;
 * realtimeTimerCreate() -> fd | -errno (timerfd on CLOCK_REALTIME, non-blocking, close-on-exec);
 * realtimeTimerSet(fd, absUs, cancelOnSet) -> 0 | -errno: TFD_TIMER_ABSTIME, absUs 0 disarms; with
 * cancelOnSet a jump of the wall clock makes the next read fail with ECANCELED;
 * realtimeTimerRead(fd) -> expirations (>0) | -ECANCELED (clock was set) | -EAGAIN | -errno;
 * realtimeNow() -> CLOCK_REALTIME in µs (Date.now() has only milliseconds).
 * The fds are polled by the existing pollStart(); the platform layer decides what an event means. */
#define _GNU_SOURCE
#include "napi-util.h"
#include <errno.h>
#include <sys/inotify.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#ifndef TFD_TIMER_CANCEL_ON_SET
#define TFD_TIMER_CANCEL_ON_SET (1 << 1)
#endif

static napi_value InotifyInit(napi_env env, napi_callback_info info) {
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  return tsysd_int(env, fd < 0 ? -errno : fd);
}

static napi_value InotifyAddWatch(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 3);
  if (argc < 3) THROW(env, "inotifyAddWatch(fd, path, mask)");
  int64_t fd, mask;
  if (tsysd_get_int(env, argv[0], &fd) < 0 || tsysd_get_int(env, argv[2], &mask) < 0) return NULL;
  char *path = tsysd_get_string(env, argv[1], NULL);
  if (!path) return NULL;
  int wd = inotify_add_watch((int)fd, path, (uint32_t)mask);
  int e = errno;
  free(path);
  return tsysd_int(env, wd < 0 ? -e : wd);
}

static napi_value InotifyRead(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1);
  if (argc < 1) THROW(env, "inotifyRead(fd)");
  int64_t fd;
  if (tsysd_get_int(env, argv[0], &fd) < 0) return NULL;
  char buf[sizeof(struct inotify_event) * 64 + 4096] __attribute__((aligned(__alignof__(struct inotify_event))));
  ssize_t n = read((int)fd, buf, sizeof(buf));
  if (n < 0) return tsysd_int(env, -errno);
  napi_value arr;
  NAPI_CALL(env, napi_create_array(env, &arr));
  uint32_t i = 0;
  for (char *p = buf; p < buf + n;) {
    struct inotify_event *ev = (struct inotify_event *)p;
    napi_value o, name;
    NAPI_CALL(env, napi_create_object(env, &o));
    tsysd_set_int(env, o, "wd", ev->wd);
    tsysd_set_int(env, o, "mask", ev->mask);
    NAPI_CALL(env, napi_create_string_utf8(env, ev->len ? ev->name : "", NAPI_AUTO_LENGTH, &name));
    tsysd_set_value(env, o, "name", name);
    NAPI_CALL(env, napi_set_element(env, arr, i++, o));
    p += sizeof(struct inotify_event) + ev->len;
  }
  return arr;
}

static napi_value RealtimeTimerCreate(napi_env env, napi_callback_info info) {
  int fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
  return tsysd_int(env, fd < 0 ? -errno : fd);
}

static napi_value RealtimeTimerSet(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 3);
  if (argc < 3) THROW(env, "realtimeTimerSet(fd, absUs, cancelOnSet)");
  int64_t fd, us;
  bool cancel = false;
  if (tsysd_get_int(env, argv[0], &fd) < 0 || tsysd_get_int(env, argv[1], &us) < 0) return NULL;
  napi_get_value_bool(env, argv[2], &cancel);
  struct itimerspec its = {0};
  if (us > 0) {
    its.it_value.tv_sec = us / 1000000;
    its.it_value.tv_nsec = (us % 1000000) * 1000;
  }
  int r = timerfd_settime((int)fd, TFD_TIMER_ABSTIME | (cancel ? TFD_TIMER_CANCEL_ON_SET : 0), &its, NULL);
  return tsysd_int(env, r < 0 ? -errno : 0);
}

static napi_value RealtimeTimerRead(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1);
  if (argc < 1) THROW(env, "realtimeTimerRead(fd)");
  int64_t fd;
  if (tsysd_get_int(env, argv[0], &fd) < 0) return NULL;
  uint64_t exp = 0;
  ssize_t n = read((int)fd, &exp, sizeof(exp));
  if (n < 0) return tsysd_int(env, -errno);
  return tsysd_int(env, (int64_t)exp);
}

static napi_value RealtimeNow(napi_env env, napi_callback_info info) {
  (void)info;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return tsysd_int(env, (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

void tsysd_init_timefd(napi_env env, napi_value exports) {
  tsysd_export(env, exports, "realtimeNow", RealtimeNow);
  tsysd_export(env, exports, "inotifyInit", InotifyInit);
  tsysd_export(env, exports, "inotifyAddWatch", InotifyAddWatch);
  tsysd_export(env, exports, "inotifyRead", InotifyRead);
  tsysd_export(env, exports, "realtimeTimerCreate", RealtimeTimerCreate);
  tsysd_export(env, exports, "realtimeTimerSet", RealtimeTimerSet);
  tsysd_export(env, exports, "realtimeTimerRead", RealtimeTimerRead);
}
