/* bench/journal sender: N messages through one of journald's sockets, as fast as the server takes them
 * (blocking sends: the kernel's socket buffer is the backpressure).
 *   sender native N   sd_journal_send() (native protocol, /run/systemd/journal/socket)
 *   sender syslog N   RFC 3164 datagrams to /run/systemd/journal/dev-log
 *   sender stream N   one stdout stream (sd_journal_stream_fd), N lines */
#include <systemd/sd-journal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
int main(int argc, char **argv) {
  if (argc < 3) return 2;
  long n = atol(argv[2]);
  if (!strcmp(argv[1], "native")) {
    for (long i = 0; i < n; i++) sd_journal_send("MESSAGE=bench line %ld", i, "PRIORITY=6", "SYSLOG_IDENTIFIER=bench", NULL);
  } else if (!strcmp(argv[1], "syslog")) {
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    strcpy(a.sun_path, "/run/systemd/journal/dev-log");
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) { perror("connect"); return 1; }
    char buf[256];
    for (long i = 0; i < n; i++) { int l = snprintf(buf, sizeof buf, "<14>Dec  5 12:00:00 bench[1]: bench line %ld", i); send(fd, buf, l, 0); }
  } else {
    int fd = sd_journal_stream_fd("bench", 6, 0);
    if (fd < 0) return 1;
    FILE *f = fdopen(fd, "w");
    for (long i = 0; i < n; i++) fprintf(f, "bench line %ld\n", i);
    fclose(f);
  }
  return 0;
}
