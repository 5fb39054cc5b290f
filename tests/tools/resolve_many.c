/* SPDX-License-Identifier: MIT */
/*
 * resolve_many - looks up many host names at once with pp_resolver and
 * prints each answer and the time the whole batch took. It shows what an
 * event loop polling many printers pays for names that are slow, missing
 * or cached.
 *
 * Usage:
 *   resolve_many [options] NAME...
 *   resolve_many [options] --names FILE      one name a line
 *   resolve_many [options] --stdin           batches, one a line
 *
 *   --family any|4|6     address family asked (default any: AF_UNSPEC)
 *   --timeout-ms N       per try (default: resolv.conf, else 5000)
 *   --tries N            (default: resolv.conf, else 2)
 *   --cache-seconds N    keep answers N s (default 0)
 *   --loop epoll|wait    drive the resolver from an epoll loop of this
 *                        program (its socket callback, next timeout,
 *                        process functions), or with pp_resolver_wait
 *                        (default epoll)
 *   --max-seconds N      give up a batch after N s (default 60)
 *
 * With --stdin each input line is a batch of names separated by blanks,
 * looked up with the same resolver (so its cache) as the batches before;
 * the answers of a batch are printed when all have come. The DNS servers
 * and resolv.conf are the resolver's: PRINTPROBE_DNS_SERVERS and
 * PRINTPROBE_RESOLV_CONF point it elsewhere.
 *
 * Output, one line per name in input order, then one per batch:
 *   NAME ok ADDRESS
 *   NAME STATUS ERROR-TEXT        (STATUS: pp_resolve_status_name)
 *   batch names=N elapsed_ms=N lookups_started=N
 * Exit status: 0 when every name got an answer (whatever it was), 1 when
 * a batch ran out of time or the resolver could not start, 2 on bad
 * arguments.
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "pp_resolve.h"

#define MAX_LINE 65536

struct answer {
  const char *name;
  bool done;
  int status;
  char text[400]; /* the address, or the error */
};

struct config {
  int family;
  int max_ms;
  bool use_wait;
};

static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void on_answer(void *arg, int status, const struct sockaddr *addr,
                      socklen_t addr_len, const char *error_text) {
  struct answer *a = arg;
  a->done = true;
  a->status = status;
  if (status != PP_RESOLVE_OK) {
    snprintf(a->text, sizeof a->text, "%s", error_text);
    return;
  }
  if (getnameinfo(addr, addr_len, a->text, sizeof a->text, NULL, 0,
                  NI_NUMERICHOST) != 0)
    snprintf(a->text, sizeof a->text, "(address not printable)");
}

/* The owner's side of the socket callback: the epoll set. */
static void on_socket(void *arg, int fd, bool want_read, bool want_write) {
  int epfd = *(int *)arg;
  struct epoll_event ev = {.events = (want_read ? EPOLLIN : 0u) |
                                     (want_write ? EPOLLOUT : 0u),
                           .data.fd = fd};
  if (!want_read && !want_write) {
    epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
    return;
  }
  if (epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev) < 0 && errno == ENOENT)
    epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

/* The loop an engine runs: wait on the epoll set no longer than the
 * resolver allows, hand it what is ready, then its timeouts. */
static int epoll_until_done(struct pp_resolver *r, int epfd, int max_ms) {
  uint64_t deadline = now_ms() + (uint64_t)max_ms;
  while (pp_resolver_pending(r) > 0) {
    uint64_t now = now_ms();
    if (now >= deadline)
      return -1;
    int wait_ms = pp_resolver_next_timeout_ms(r);
    int left = (int)(deadline - now);
    if (wait_ms < 0 || wait_ms > left)
      wait_ms = left;
    struct epoll_event events[16];
    int n = epoll_wait(epfd, events, 16, wait_ms);
    for (int i = 0; i < n; i++)
      pp_resolver_process_fd(
          r, events[i].data.fd,
          (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0,
          (events[i].events & EPOLLOUT) != 0);
    pp_resolver_process_timeouts(r);
  }
  return 0;
}

static int run_batch(struct pp_resolver *r, int epfd, char **names,
                     size_t count, const struct config *cfg) {
  struct answer *answers = calloc(count ? count : 1, sizeof *answers);
  if (!answers) {
    fprintf(stderr, "resolve_many: out of memory\n");
    return 1;
  }
  uint64_t start = now_ms();
  for (size_t i = 0; i < count; i++) {
    answers[i].name = names[i];
    int rc =
        pp_resolver_lookup(r, names[i], cfg->family, on_answer, &answers[i]);
    if (rc < 0) {
      answers[i].done = true;
      answers[i].status = -1;
      snprintf(answers[i].text, sizeof answers[i].text, "%s", strerror(-rc));
    }
  }
  int rc = cfg->use_wait ? pp_resolver_wait(r, cfg->max_ms)
                         : epoll_until_done(r, epfd, cfg->max_ms);
  uint64_t elapsed = now_ms() - start;
  for (size_t i = 0; i < count; i++)
    printf("%s %s %s\n", answers[i].name,
           answers[i].done ? pp_resolve_status_name(answers[i].status)
                           : "unanswered",
           answers[i].done ? answers[i].text : "-");
  printf("batch names=%zu elapsed_ms=%llu lookups_started=%llu\n", count,
         (unsigned long long)elapsed,
         (unsigned long long)pp_resolver_lookups_started(r));
  fflush(stdout);
  /* Out of time: the answers still to come must not land in freed
   * memory. */
  for (size_t i = 0; rc < 0 && i < count; i++)
    pp_resolver_cancel(r, on_answer, &answers[i]);
  free(answers);
  return rc < 0 ? 1 : 0;
}

/* Splits line into blank-separated words, in place. */
static size_t split_words(char *line, char **words, size_t max) {
  size_t n = 0;
  for (char *w = strtok(line, " \t\r\n"); w && n < max;
       w = strtok(NULL, " \t\r\n"))
    words[n++] = w;
  return n;
}

static int run_stdin(struct pp_resolver *r, int epfd,
                     const struct config *cfg) {
  static char line[MAX_LINE];
  static char *words[MAX_LINE / 2];
  int status = 0;
  while (fgets(line, sizeof line, stdin)) {
    size_t n = split_words(line, words, sizeof words / sizeof *words);
    if (run_batch(r, epfd, words, n, cfg) != 0)
      status = 1;
  }
  return status;
}

static int run_file(struct pp_resolver *r, int epfd, const char *path,
                    const struct config *cfg) {
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "resolve_many: %s: %s\n", path, strerror(errno));
    return 1;
  }
  char **names = NULL;
  size_t count = 0, cap = 0;
  char line[1024];
  int status = 0;
  while (fgets(line, sizeof line, f)) {
    char *word = strtok(line, " \t\r\n");
    if (!word || word[0] == '#')
      continue;
    if (count == cap) {
      cap = cap ? cap * 2 : 256;
      char **grown = realloc(names, cap * sizeof *names);
      if (!grown) {
        status = 1;
        break;
      }
      names = grown;
    }
    if (!(names[count] = strdup(word))) {
      status = 1;
      break;
    }
    count++;
  }
  fclose(f);
  if (status == 0)
    status = run_batch(r, epfd, names, count, cfg);
  else
    fprintf(stderr, "resolve_many: out of memory\n");
  for (size_t i = 0; i < count; i++)
    free(names[i]);
  free(names);
  return status;
}

static void usage(void) {
  fprintf(stderr, "usage: resolve_many [--family any|4|6] [--timeout-ms N] "
                  "[--tries N]\n"
                  "         [--cache-seconds N] [--loop epoll|wait] "
                  "[--max-seconds N]\n"
                  "         (NAME... | --names FILE | --stdin)\n");
}

static bool parse_unsigned(const char *s, unsigned *out) {
  char *end;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (errno || end == s || *end || v > 86400000ul)
    return false;
  *out = (unsigned)v;
  return true;
}

int main(int argc, char **argv) {
  static const struct option longopts[] = {
      {"family", required_argument, NULL, 'f'},
      {"timeout-ms", required_argument, NULL, 't'},
      {"tries", required_argument, NULL, 'r'},
      {"cache-seconds", required_argument, NULL, 'c'},
      {"loop", required_argument, NULL, 'l'},
      {"max-seconds", required_argument, NULL, 'm'},
      {"names", required_argument, NULL, 'n'},
      {"stdin", no_argument, NULL, 's'},
      {NULL, 0, NULL, 0}};
  struct pp_resolver_opts opts = {0};
  struct config cfg = {.family = AF_UNSPEC, .max_ms = 60000};
  const char *names_file = NULL;
  bool from_stdin = false;
  unsigned value;
  int c;
  while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
    switch (c) {
    case 'f':
      if (strcmp(optarg, "4") == 0)
        cfg.family = AF_INET;
      else if (strcmp(optarg, "6") == 0)
        cfg.family = AF_INET6;
      else if (strcmp(optarg, "any") != 0)
        return usage(), 2;
      break;
    case 't':
      if (!parse_unsigned(optarg, &opts.timeout_ms))
        return usage(), 2;
      break;
    case 'r':
      if (!parse_unsigned(optarg, &opts.tries))
        return usage(), 2;
      break;
    case 'c':
      if (!parse_unsigned(optarg, &opts.cache_seconds))
        return usage(), 2;
      break;
    case 'l':
      if (strcmp(optarg, "wait") == 0)
        cfg.use_wait = true;
      else if (strcmp(optarg, "epoll") != 0)
        return usage(), 2;
      break;
    case 'm':
      if (!parse_unsigned(optarg, &value) || value == 0 || value > 3600)
        return usage(), 2;
      cfg.max_ms = (int)value * 1000;
      break;
    case 'n':
      names_file = optarg;
      break;
    case 's':
      from_stdin = true;
      break;
    default:
      return usage(), 2;
    }
  }
  if ((names_file != NULL) + from_stdin + (optind < argc) != 1)
    return usage(), 2;

  int epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) {
    perror("resolve_many: epoll_create1");
    return 1;
  }
  if (!cfg.use_wait) {
    opts.socket_cb = on_socket;
    opts.socket_cb_arg = &epfd;
  }
  char err[512];
  struct pp_resolver *r = pp_resolver_new(&opts, err, sizeof err);
  if (!r) {
    fprintf(stderr, "resolve_many: %s\n", err);
    close(epfd);
    return 1;
  }
  int status = from_stdin   ? run_stdin(r, epfd, &cfg)
               : names_file ? run_file(r, epfd, names_file, &cfg)
                            : run_batch(r, epfd, argv + optind,
                                        (size_t)(argc - optind), &cfg);
  pp_resolver_free(r);
  close(epfd);
  return status;
}
