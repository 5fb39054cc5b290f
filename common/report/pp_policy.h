/* SPDX-License-Identifier: MIT */
/* The monitoring policy every front end applies to the data model: what is
 * critical, warning or fine, when a printer is asleep rather than in error,
 * how a supply is named, which supplies a type filter selects, how special
 * levels read, and how long one printer may take. The scan table, the
 * Nagios checks, the collectd plugin and the fleet report must not decide
 * any of this themselves, or they drift apart. */
#ifndef PP_POLICY_H
#define PP_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pp_model.h"

/* Ordered: larger is worse. */
enum pp_severity {
  PP_SEV_OK = 0,
  PP_SEV_WARNING,
  PP_SEV_CRITICAL,
};

/* "ok", "warning", "critical". */
const char *pp_severity_name(enum pp_severity sev);

/* The severity an hrPrinterDetectedErrorState bit raises on an awake
 * printer; OK past the end. */
enum pp_severity pp_policy_bit_severity(unsigned bit);

/* The bits that count against this printer: all set bits except offline
 * while it is asleep (power save is not an error). */
uint32_t pp_policy_active_errors(const struct pp_printer *p);

/* What an alert row raises on this printer: critical alerts are critical,
 * warning and warningBinaryChangeEvent warning, others OK; the power-saver
 * codes (subunit offline, power saver, warming up) are OK while asleep. */
enum pp_severity pp_policy_alert_severity(const struct pp_printer *p,
                                          const struct pp_alert *a);

/* hrDeviceStatus down is critical, warning is warning, unless asleep. */
enum pp_severity pp_policy_device_severity(const struct pp_printer *p);

/* The worst of active error bits, device status and alerts. An unreachable
 * printer is OK here: reachability is judged apart (at night it is
 * normal). */
enum pp_severity pp_policy_printer_severity(const struct pp_printer *p);

/* "In error": reachable and critical. Warnings (low paper, low toner) are
 * not errors, and a printer asleep is not one either. */
bool pp_policy_in_error(const struct pp_printer *p);

/* --- supplies --- */

/* Room for a supply's display name, terminator included: 48 bytes, what a
 * perfdata label keeps (nagios/np_util.h), so no front end cuts it. */
#define PP_SUPPLY_NAME_MAX 49

/* One display name per supply, unique within the printer, the same in
 * every output: lower case, words joined by '_' (already a valid collectd
 * type instance and perfdata label). A colourant with a known colour is
 * its colour ("black"); another supply with a colour is its type and
 * colour ("opc_black"); without a colour its type ("waste_toner"), or its
 * description when the type says nothing ("toner_schwarz"); "supply_N"
 * (N its position, from 1) when all are empty. A second "black" becomes
 * "black_2". At most 39 bytes before that suffix. names must hold
 * p->supply_count entries. */
void pp_policy_supply_names(const struct pp_printer *p,
                            char (*names)[PP_SUPPLY_NAME_MAX]);

/* Whether a --type word selects supplies of prtMarkerSuppliesTypeTC type:
 * the families toner (toner, tonerCartridge, matteToner), ink (ink,
 * inkCartridge, inkRibbon, matteInk), waste (wasteToner, wasteInk,
 * wasteWater, wasteWax, wastePaper), opc (opc; "drum" too), fuser (fuser,
 * fuserOil, fuserOiler, fuserOilWick, fuserCleaningPad), or else exactly
 * the type of that name. Case-insensitive. */
bool pp_policy_type_matches(const char *word, int type);
/* Whether word is a family or a type name at all. */
bool pp_policy_type_known(const char *word);

/* The supply marks every front end applies unless told otherwise (they are
 * the checks' -w/-c defaults): warning below 20 % left (free room, for a
 * receptacle), critical below 10 %. */
#define PP_POLICY_SUPPLY_WARN_BELOW 20
#define PP_POLICY_SUPPLY_CRIT_BELOW 10

/* Whether a supply's state sets its severity whatever the marks: missing,
 * failed and a full receptacle are critical (nothing prints), "some
 * remaining" (level -3) is OK. false when the percentage decides. */
bool pp_policy_supply_state_severity(const struct pp_supply *s,
                                     enum pp_severity *out);

/* A supply's severity under the default marks. Without a percentage, the
 * printer's own near-end or near-full mark is a warning and an unknown
 * level OK (nothing known against it). */
enum pp_severity pp_policy_supply_severity(const struct pp_supply *s);

/* The words for a supply state a percentage cannot say, the same in every
 * front end: "missing", "failed", "full" (a receptacle), "some remaining"
 * (level -3), and without a percentage "near end" / "near full" (the
 * printer's own mark) or "level unknown" (levels -1 other and -2 unknown,
 * no maximum, unread, or a reading a profile does not trust). NULL when
 * the percentage says it all. */
const char *pp_policy_supply_text(const struct pp_supply *s);

/* --- trays --- */

/* One display name per tray and bin, unique within the printer, made like
 * supply names from prtInputName / prtOutputName ("tray_1", "bypass_tray",
 * "face_down_bin"), else "input_N" / "output_N" (N the index). names must
 * hold p->tray_count entries. */
void pp_policy_tray_names(const struct pp_printer *p,
                          char (*names)[PP_SUPPLY_NAME_MAX]);

/* A tray's severity: missing and a full output bin are critical (nothing
 * prints, or nothing can leave the printer), an empty or low input tray
 * and a nearly full bin are warnings (another tray may still feed: the
 * printer's own noPaper bit says when none does), except an empty manual
 * feed (bypass tray), which is how it is kept; the rest OK. */
enum pp_severity pp_policy_tray_severity(const struct pp_tray *t);

/* A tray's state in words, as supplies say theirs: "empty", "low",
 * "near full", "full", "missing", "some remaining", "level unknown"; NULL
 * when the percentage says it all. */
const char *pp_policy_tray_text(const struct pp_tray *t);

/* --- timing --- */

/* The most one printer may take, in seconds: room for the first GET, a
 * GETBULK that fails and the GETNEXT walk that follows, each with all its
 * tries (4 x timeout x (retries + 1)), and at least 5 s. The engine's tries
 * wait backoff times longer each but are scaled to add up to timeout x
 * tries, so backoff spreads the wait without changing the deadline. */
double pp_policy_deadline_s(double timeout_s, unsigned retries, double backoff);

/* How many per-try timeouts that deadline holds (4 x (retries + 1)): a
 * front end given a total time divides it by this for the per-try
 * timeout. */
double pp_policy_deadline_tries(unsigned retries);

#endif
