/* SPDX-License-Identifier: MIT */
/* measure: runs a command and writes its peak RSS and CPU time to a file.
 *
 *   measure OUTFILE COMMAND [ARG...]
 *
 * OUTFILE receives one line "maxrss_kib user_s system_s" for COMMAND and
 * every descendant it waited for (wait4). The exit status is COMMAND's
 * (128 + signal when killed; 127 when it cannot be started).
 *
 * Why not wait4 in the benchmark itself: a process forked from a large one
 * (the Python benchmark) starts with the parent's resident pages, and
 * Linux keeps that high-water mark in the child's ru_maxrss across exec,
 * so a small tool measured that way looks as big as the benchmark. Forked
 * from this small program, the figure is the command's own. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: measure OUTFILE COMMAND [ARG...]\n");
    return 2;
  }
  pid_t pid = fork();
  if (pid < 0) {
    perror("measure: fork");
    return 127;
  }
  if (pid == 0) {
    execvp(argv[2], argv + 2);
    fprintf(stderr, "measure: %s: %s\n", argv[2], strerror(errno));
    _exit(127);
  }
  int status;
  struct rusage ru;
  while (wait4(pid, &status, 0, &ru) < 0) {
    if (errno != EINTR) {
      perror("measure: wait4");
      return 127;
    }
  }
  FILE *f = fopen(argv[1], "w");
  if (f == NULL ||
      fprintf(f, "%ld %ld.%06ld %ld.%06ld\n", ru.ru_maxrss,
              (long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec,
              (long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec) < 0 ||
      fclose(f) != 0) {
    fprintf(stderr, "measure: %s: %s\n", argv[1], strerror(errno));
    return 127;
  }
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}
