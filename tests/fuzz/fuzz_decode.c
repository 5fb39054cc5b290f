/* SPDX-License-Identifier: MIT */
/* SNMP answers and their decoding.
 *
 * The input is snmprec text, one "OID|TAG|VALUE" line per varbind (tags 2 4
 * 4x 5 6 64 65 66 67 70; 4x carries any bytes). The whole text goes through
 * pp_varset_load_snmprec once; then each line is loaded on its own and a
 * line the loader refuses is skipped, so one bad line does not hide the
 * rest. The values then take the engine's path, in the order they came:
 * stored with pp_packed_add as a poll stores them, expanded, decoded by
 * pp_decode_standard and by the profile that pp_profile_select picks from
 * sysObjectID and the cleaned sysDescr, and also by every other profile of
 * the table that has a decode hook.
 *
 * Checked: the packed store gives back exactly the values put in; every
 * decoded printer survives the report round trip (what
 * pp_report_json_printer writes, pp_report_parse_printer reads, and writing
 * that again gives the same text); the CSV writers run. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_report_util.h"
#include "fuzz_util.h"
#include "pp_decode.h"
#include "pp_model.h"
#include "pp_packed.h"
#include "pp_profile.h"
#include "pp_str.h"
#include "pp_varset.h"
#include "profiles.h"

struct input {
  struct pp_varset direct; /* every value, added in input order */
  struct pp_packed packed; /* the same values, as the engine keeps them */
};

static void add_value(struct input *in, const struct pp_value *v) {
  int rc;
  switch (v->type) {
  case PP_V_INT:
  case PP_V_UNSIGNED:
    rc = pp_varset_add_int(&in->direct, &v->name, v->type, v->num);
    break;
  case PP_V_OID:
    rc = pp_varset_add_oid(&in->direct, &v->name, &v->oid);
    break;
  default:
    rc = pp_varset_add_bytes(&in->direct, &v->name, v->type, v->bytes, v->len);
    break;
  }
  FUZZ_CHECK(rc == 0);
  rc = pp_packed_add(&in->packed, &v->name, v->type, v->num, v->bytes, v->len,
                     &v->oid);
  FUZZ_CHECK(rc == 0);
}

static void load_line(char *line, void *user) {
  struct input *in = user;
  struct pp_varset one;
  pp_varset_init(&one);
  if (pp_varset_load_snmprec(&one, line, NULL) == 0) {
    for (size_t i = 0; i < one.count; i++)
      add_value(in, &one.values[i]);
  }
  pp_varset_free(&one);
}

static bool same_value(const struct pp_value *a, const struct pp_value *b) {
  if (pp_oid_compare(&a->name, &b->name) != 0 || a->type != b->type)
    return false;
  switch (a->type) {
  case PP_V_INT:
  case PP_V_UNSIGNED:
    return a->num == b->num;
  case PP_V_OID:
    return pp_oid_compare(&a->oid, &b->oid) == 0;
  case PP_V_OCTETS:
  case PP_V_IPADDR:
    return a->len == b->len && memcmp(a->bytes, b->bytes, a->len) == 0;
  case PP_V_NULL:
    return true;
  }
  return false;
}

/* What the engine knows before the walk: the profile is chosen from it. */
static const struct pp_profile *select_profile(struct pp_varset *values) {
  char descr[256] = "";
  uint32_t enterprise = 0;
  const struct pp_value *v = pp_varset_gets(values, PP_OID_SYS_DESCR);
  if (v != NULL && v->type == PP_V_OCTETS)
    pp_clean_text(v->bytes, v->len, descr, sizeof descr);
  v = pp_varset_gets(values, PP_OID_SYS_OBJECT_ID);
  if (v != NULL && v->type == PP_V_OID)
    enterprise = pp_enterprise_of(&v->oid);
  const struct pp_profile *profile =
      pp_profile_select(pp_profiles, enterprise, descr);
  FUZZ_CHECK(profile != NULL);
  return profile;
}

/* job_decode(): the standard MIBs, then the profile's hook. */
static void decode_with(struct pp_varset *values,
                        const struct pp_profile *profile) {
  struct pp_printer p;
  pp_printer_init(&p, "192.0.2.1");
  p.reachable = true;
  int rc = pp_decode_standard(values, &p);
  FUZZ_CHECK(rc == 0 || rc == -ENOMEM);
  if (rc == 0 && profile != NULL) {
    p.profile = profile->name;
    if (profile->decode != NULL)
      (void)profile->decode(values, &p);
  }
  for (size_t i = 0; i < p.supply_count; i++) {
    int pc = p.supplies[i].percent;
    FUZZ_CHECK(pc == PP_NO_PERCENT || (pc >= 0 && pc <= 100));
  }
  FUZZ_CHECK(p.counters.vendor_count <= PP_MAX_VENDOR_COUNTERS);
  fuzz_check_round_trip(&p);
  pp_printer_clear(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* The loader as tests and the bench responder use it: all or nothing. */
  char *text = fuzz_strndup(data, size);
  struct pp_varset whole;
  pp_varset_init(&whole);
  size_t bad_line = 0;
  (void)pp_varset_load_snmprec(&whole, text, &bad_line);
  pp_varset_free(&whole);
  free(text);

  struct input in;
  pp_varset_init(&in.direct);
  pp_packed_init(&in.packed);
  fuzz_each_line(data, size, load_line, &in);

  struct pp_varset values;
  pp_varset_init(&values);
  FUZZ_CHECK(pp_packed_expand(&in.packed, &values) == 0);
  pp_varset_sort(&values);
  pp_varset_sort(&in.direct);
  FUZZ_CHECK(values.count == in.direct.count);
  for (size_t i = 0; i < values.count; i++)
    FUZZ_CHECK(same_value(&values.values[i], &in.direct.values[i]));
  pp_packed_free(&in.packed);
  pp_varset_free(&in.direct);

  const struct pp_profile *chosen = select_profile(&values);
  decode_with(&values, chosen);
  for (size_t i = 0; pp_profiles[i] != NULL; i++) {
    if (pp_profiles[i] != chosen && pp_profiles[i]->decode != NULL)
      decode_with(&values, pp_profiles[i]);
  }
  pp_varset_free(&values);
  return 0;
}
