/* SPDX-License-Identifier: MIT */
/* `printprobe ingest` and `printprobe meters`: the vendor's commands.
 * argv[0] is the command's name. Each returns the exit status. */
#ifndef PP_INGEST_CMD_H
#define PP_INGEST_CMD_H

/* 0 every message handled (stored, already stored, or quarantined with a
 * reason); 1 some could not be handled now (left for the next run); 2 a
 * usage error. */
#define PP_INGEST_EXIT_DONE 0
#define PP_INGEST_EXIT_RETRY 1
#define PP_INGEST_EXIT_USAGE 2

int pp_cmd_ingest(int argc, char **argv);
/* The meter CSV on standard output; 0, 1 when the database cannot be
 * read, 2 on a usage error. */
int pp_cmd_meters(int argc, char **argv);

#endif
