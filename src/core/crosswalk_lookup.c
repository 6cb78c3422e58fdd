/* One crosswalk question answered, its refusals naming the input at fault (from, to, id), so the
 * CLI and the web API refuse the same ids the same way. */
#include <string.h>
#include <strings.h>

#include "core/crosswalk.h"

static const char *const fw_names[] = {"", "iso27001:2013", "iso27001:2022", "soc2"};
static const char *const fw_titles[] = {"", "ISO/IEC 27001:2013", "ISO/IEC 27001:2022", "SOC 2"};

int crosswalk_framework(const char *s)
{
    static const struct { const char *name; int fw; } names[] = {
        {"iso27001:2013", CROSSWALK_FW_2013}, {"iso27001-2013", CROSSWALK_FW_2013}, {"27001:2013", CROSSWALK_FW_2013},
        {"2013", CROSSWALK_FW_2013},          {"iso27001:2022", CROSSWALK_FW_2022}, {"iso27001-2022", CROSSWALK_FW_2022},
        {"27001:2022", CROSSWALK_FW_2022},    {"2022", CROSSWALK_FW_2022},          {"iso27001", CROSSWALK_FW_2022},
        {"soc2", CROSSWALK_FW_SOC2},          {"soc 2", CROSSWALK_FW_SOC2},         {"tsc", CROSSWALK_FW_SOC2},
    };
    if (!s)
        return CROSSWALK_FW_NONE;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcasecmp(s, names[i].name))
            return names[i].fw;
    return -1;
}

const char *crosswalk_framework_name(int fw) { return fw > 0 && fw <= CROSSWALK_FW_SOC2 ? fw_names[fw] : ""; }
const char *crosswalk_framework_title(int fw) { return fw > 0 && fw <= CROSSWALK_FW_SOC2 ? fw_titles[fw] : ""; }

static int lookup_soc2_unknown(const char *id, isms_err *err)
{
    if (crosswalk_soc2_known(id))
        return err_field(err, ISMS_ENOTFOUND, "id", "SOC 2 criterion '%s' is not in the crosswalk. %s", id,
                         crosswalk_soc2_source);
    return err_field(err, ISMS_ENOTFOUND, "id", "unknown SOC 2 criterion '%s' (criteria look like CC6.1, A1.2 or C1.1)", id);
}

int crosswalk_lookup(const char *from, const char *to, const char *id, crosswalk_answer *out, isms_err *err)
{
    memset(out, 0, sizeof *out);
    out->i2013 = -1;
    int rc = crosswalk_init(err);
    if (rc)
        return rc;
    int f = crosswalk_framework(from), t = crosswalk_framework(to);
    if (f < 0 || t < 0)
        return err_field(err, ISMS_EINVAL, f < 0 ? "from" : "to",
                         "unknown framework '%s': use iso27001:2013, iso27001:2022 or soc2", f < 0 ? from : to);
    if (f == CROSSWALK_FW_NONE && t == CROSSWALK_FW_NONE)
        return err_field(err, ISMS_EINVAL, "from",
                         "say where the id comes from (iso27001:2013 or soc2) or where to map it (soc2 or "
                         "iso27001:2013)");
    if (f == CROSSWALK_FW_NONE)
        f = CROSSWALK_FW_2022;
    if (t == CROSSWALK_FW_NONE) {
        if (f == CROSSWALK_FW_2022)
            return err_field(err, ISMS_EINVAL, "to", "an iso27001:2022 id maps to iso27001:2013 or to soc2: say which");
        t = CROSSWALK_FW_2022;
    }
    out->from = f;
    out->to = t;
    if (!id || !*id)
        return err_field(err, ISMS_EINVAL, "id", "give one id to map, like A.9.4.2 from iso27001:2013");
    if (f == CROSSWALK_FW_2013 && t == CROSSWALK_FW_2022) {
        if ((out->i2013 = crosswalk_2013_index(id)) < 0) {
            const catalog_control *c22 = catalog_control_find(id);
            return err_field(err, ISMS_ENOTFOUND, "id",
                             "'%s' is not an ISO 27001:2013 Annex A control (2013 ids look like A.9.4.2)%s%s%s", id,
                             c22 ? "; it is a 2022 id: map " : "", c22 ? c22->id : "",
                             c22 ? " from iso27001:2022 to iso27001:2013" : "");
        }
        out->n2022 = crosswalk_2013_to_2022(out->i2013, out->to2022, CROSSWALK_MAX_TARGETS);
        return ISMS_OK;
    }
    if (f == CROSSWALK_FW_SOC2 && t == CROSSWALK_FW_2022) {
        if (!(out->soc2 = crosswalk_soc2_find(id)))
            return lookup_soc2_unknown(id, err);
        return ISMS_OK;
    }
    if (f == CROSSWALK_FW_2022 && t == CROSSWALK_FW_2013) {
        if (!(out->ctl = catalog_control_find(id)))
            return err_field(err, ISMS_ENOTFOUND, "id", "unknown control id '%s' (Annex A 2022 ids look like A.5.15 or A.8.24)",
                             id);
        out->n2013 = crosswalk_2022_to_2013(out->ctl, out->from2013, CROSSWALK_MAX_SOURCES);
        return ISMS_OK;
    }
    if (f == CROSSWALK_FW_2022 && t == CROSSWALK_FW_SOC2) {
        if (crosswalk_iso_target(id, &out->target))
            return err_field(err, ISMS_ENOTFOUND, "id",
                             "'%s' is no ISO 27001:2022 control or clause (A.5.15 for a control; 9.3.1 or \"clause "
                             "5.1\" for a clause)",
                             id);
        out->ncriteria = crosswalk_soc2_for(&out->target, out->criteria, CROSSWALK_MAX_CRITERIA);
        return ISMS_OK;
    }
    return err_set(err, ISMS_EINVAL, "no crosswalk from %s to %s: the crosswalks are iso27001:2013 <-> iso27001:2022 "
                                     "and soc2 <-> iso27001:2022", fw_titles[f], fw_titles[t]);
}
