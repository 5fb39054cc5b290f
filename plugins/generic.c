/* SPDX-License-Identifier: MIT */
/* The generic profile: Printer-MIB and HOST-RESOURCES-MIB only, plus what a
 * maker's name can be told from. */
#include <string.h>
#include <strings.h>

#include "pp_decode.h"
#include "pp_str.h"
#include "profiles.h"

struct maker {
  uint32_t enterprise;
  const char *name;
};

/* Enterprise numbers of printer makers (docs/printer-mib.md, system group). */
static const struct maker makers[] = {
    {11, "HP"},          {253, "Xerox"},     {367, "Ricoh"},
    {641, "Lexmark"},    {674, "Dell"},      {1248, "Epson"},
    {1347, "Kyocera"},   {1602, "Canon"},    {2001, "OKI"},
    {2435, "Brother"},   {236, "Samsung"},   {18334, "Konica Minolta"},
    {297, "Fuji Xerox"}, {1129, "Toshiba"},  {2385, "Sharp"},
    {1552, "Kyocera"},   {128, "Tektronix"},
};

const char *pp_maker_of_enterprise(uint32_t enterprise) {
  for (size_t i = 0; i < sizeof(makers) / sizeof(makers[0]); i++) {
    if (makers[i].enterprise == enterprise)
      return makers[i].name;
  }
  return NULL;
}

/* Names that sysDescr or the model start with, for OEM devices that carry
 * another maker's (or a print server's) enterprise number. */
static const char *const maker_words[][2] = {
    {"hp ", "HP"},
    {"hewlett", "HP"},
    {"brother", "Brother"},
    {"canon", "Canon"},
    {"epson", "Epson"},
    {"kyocera", "Kyocera"},
    {"ta_utax", "UTAX"},
    {"utax", "UTAX"},
    {"lexmark", "Lexmark"},
    {"xerox", "Xerox"},
    {"ricoh", "Ricoh"},
    {"konica minolta", "Konica Minolta"},
    {"oki", "OKI"},
    {"samsung", "Samsung"},
    {"sharp", "Sharp"},
    {"dell", "Dell"},
    {"fujifilm", "FUJIFILM"},
    {"toshiba", "Toshiba"},
};

static const char *maker_from_text(const char *text) {
  for (size_t i = 0; i < sizeof(maker_words) / sizeof(maker_words[0]); i++) {
    size_t n = strlen(maker_words[i][0]);
    if (strncasecmp(text, maker_words[i][0], n) == 0)
      return maker_words[i][1];
  }
  return NULL;
}

static int generic_decode(struct pp_varset *values, struct pp_printer *p) {
  (void)values;
  /* The model's own words first: OEM devices carry other makers' numbers. */
  const char *maker = maker_from_text(p->model);
  if (maker == NULL)
    maker = maker_from_text(p->sys_descr);
  if (maker == NULL)
    maker = pp_maker_of_enterprise(p->enterprise);
  if (maker != NULL)
    pp_strlcpy(p->manufacturer, maker, sizeof(p->manufacturer));
  /* No HOST-RESOURCES printer row: sysDescr is the best model name. */
  if (p->model[0] == '\0')
    pp_text_copy(p->model, p->sys_descr, sizeof(p->model));
  return 0;
}

const struct pp_profile pp_profile_generic = {
    .name = "generic",
    .decode = generic_decode,
};
