/* Test-only LD_PRELOAD shim: shifts this process's view of CLOCK_REALTIME by $TSYSD_TEST_CLOCK_SHIFT_US
 * (time, gettimeofday, clock_gettime) and translates absolute CLOCK_REALTIME timerfd deadlines back, so a
 * daemon can be tested "just before midnight" without touching the system clock. Built by the e2e test
 * that needs it (gcc), never shipped. Children the daemon spawns through its exec helper get a clean
 * environment and the real clock. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>

static int64_t shift_us(void) {
  static int64_t v = -1;
  if (v == -1) { const char *e = getenv("TSYSD_TEST_CLOCK_SHIFT_US"); v = e ? strtoll(e, NULL, 10) : 0; }
  return v;
}
static void add(struct timespec *ts, int64_t us) {
  int64_t ns = (int64_t)ts->tv_nsec + (us % 1000000) * 1000;
  ts->tv_sec += us / 1000000 + ns / 1000000000;
  ns %= 1000000000;
  if (ns < 0) { ns += 1000000000; ts->tv_sec--; }
  ts->tv_nsec = ns;
}
int clock_gettime(clockid_t c, struct timespec *ts) {
  static int (*real)(clockid_t, struct timespec *);
  if (!real) real = dlsym(RTLD_NEXT, "clock_gettime");
  int r = real(c, ts);
  if (r == 0 && (c == CLOCK_REALTIME || c == CLOCK_REALTIME_COARSE)) add(ts, shift_us());
  return r;
}
int gettimeofday(struct timeval *tv, void *tz) {
  struct timespec ts;
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return -1;
  if (tv) { tv->tv_sec = ts.tv_sec; tv->tv_usec = ts.tv_nsec / 1000; }
  (void)tz;
  return 0;
}
time_t time(time_t *t) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  if (t) *t = ts.tv_sec;
  return ts.tv_sec;
}
static unsigned char rt_fd[4096];
int timerfd_create(int clockid, int flags) {
  static int (*real)(int, int);
  if (!real) real = dlsym(RTLD_NEXT, "timerfd_create");
  int fd = real(clockid, flags);
  if (fd >= 0 && fd < 4096) rt_fd[fd] = clockid == CLOCK_REALTIME;
  return fd;
}
int timerfd_settime(int fd, int flags, const struct itimerspec *nv, struct itimerspec *ov) {
  static int (*real)(int, int, const struct itimerspec *, struct itimerspec *);
  if (!real) real = dlsym(RTLD_NEXT, "timerfd_settime");
  if (fd >= 0 && fd < 4096 && rt_fd[fd] && (flags & TFD_TIMER_ABSTIME) && (nv->it_value.tv_sec || nv->it_value.tv_nsec)) {
    struct itimerspec v = *nv;
    add(&v.it_value, -shift_us());
    return real(fd, flags, &v, ov);
  }
  return real(fd, flags, nv, ov);
}
