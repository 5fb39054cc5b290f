/* SPDX-License-Identifier: MIT */
/* The vendor's side: one fleet report mail (as write_dss sent it) checked
 * and read into the data model.
 *
 * A message becomes data only when its report.sig verifies (pp_sign.h,
 * docs/signing.md) against a trusted site key; anything else gets a reason
 * and goes to quarantine. MIME is read with GMime, the report's outer
 * object with jansson and every printer object through the agent's own
 * allowlist parser (pp_report_parse), so the vendor stores exactly the
 * fields a site promises to send. */
#ifndef PP_INGEST_H
#define PP_INGEST_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "pp_model.h"
#include "pp_sign.h"

/* A report mail is a few MiB at most (a fleet's JSON and CSV, base64);
 * bigger is not one, and is quarantined before it is parsed. */
#define PP_INGEST_MAX_MESSAGE (32u * 1024 * 1024)
/* The report format versions this reader knows ("version" in report.json;
 * absent means 1). A newer one is quarantined, to be read again by a newer
 * printprobe, never half understood. */
#define PP_INGEST_REPORT_VERSION 1
#define PP_INGEST_SITE_MAX 128
/* The signature as text (hex): with the Message-ID, what makes a message
 * the same message. */
#define PP_INGEST_SIG_HEX (PP_SIGN_BYTES * 2 + 1)

struct pp_trusted_key {
  char site[PP_INGEST_SITE_MAX];
  struct pp_sign_public pub;
};

struct pp_trusted_keys {
  struct pp_trusted_key *keys;
  size_t count;
};

/* Every DIR/SITE.pub; a file that is not a key is an error (a vendor who
 * registers a key wants to know it did not take). */
int pp_trusted_keys_load(const char *dir, struct pp_trusted_keys *out,
                         char *err, size_t errlen);
void pp_trusted_keys_free(struct pp_trusted_keys *keys);

struct pp_ingest_report {
  char message_id[PP_SIGN_MESSAGE_ID_MAX];
  char signature[PP_INGEST_SIG_HEX];
  char site[PP_INGEST_SITE_MAX];
  char key_id[PP_SIGN_KEY_ID_LEN];
  /* The Date header: when the site sent the report. A printer's reading
   * is timed by its counters.read_at, by this only when that is 0. */
  int64_t sent_at;
  struct pp_printer *printers;
  size_t count;
};

/* Library start (GMime); once per process. */
void pp_ingest_init(void);

/* Reads one message of len bytes. Returns 0 with out filled (free it with
 * pp_ingest_report_free), -EBADMSG when it must be quarantined (reason
 * says why, for a log line and the reason file), or -ENOMEM. */
int pp_ingest_message(const char *data, size_t len,
                      const struct pp_trusted_keys *keys,
                      struct pp_ingest_report *out, char *reason,
                      size_t reasonlen);
void pp_ingest_report_free(struct pp_ingest_report *report);

#endif
