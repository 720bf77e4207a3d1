"""Reference values for the Analysis tests, computed independently with numpy, scipy and
statsmodels. Run by hand (python3 make_reference.py > reference.json); the output is committed.

The data are seeded and written into the JSON so the Swift tests analyse the same numbers."""
import json
import math

import numpy as np
import pandas as pd
import scipy.stats as st
import statsmodels.formula.api as smf
from scipy.special import gammaln
from statsmodels.stats.anova import anova_lm
from statsmodels.stats.meta_analysis import combine_effects
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

rng = np.random.default_rng(20241122)
ARMS = ["motor_control", "graded_activity", "general_exercise"]
REFERENCE = "general_exercise"
SUBPROFILES = ["2", "3a", "3a+Y", "3b", "3b+Y"]
effect = {("graded_activity", "3b+Y"): -5.0, ("motor_control", "2"): -1.5}

subjects = []
for i in range(150):
    arm = ARMS[i % 3]
    sub = SUBPROFILES[(i // 3) % 5]
    base = float(rng.integers(4, 22))
    if i == 7:
        base = 0.0  # a baseline of 0: no room to improve
    change = rng.normal(-4.0 + effect.get((arm, sub), 0.0), 3.5)
    follow = float(np.clip(round(base + change), 0, 24))
    gpe = float(rng.integers(1, 8))
    missing = rng.random() < 0.15
    subjects.append({
        "id": f"P{i:03d}", "arm": arm, "profile": sub.replace("+Y", ""), "subprofile": sub,
        "baseline": base, "week12": None if missing else follow, "gpe": None if missing else gpe,
    })

df = pd.DataFrame(subjects)


def responder(b, f):
    imp = b - f
    absolute = imp >= 5 and imp > 0
    relative = b > 0 and imp / b >= 0.30
    return absolute or relative


def group_members(grouping, group):
    if grouping == "all":
        return df
    return df[df[grouping] == group]


def t_interval(x):
    n = len(x)
    m = float(np.mean(x))
    s = float(np.std(x, ddof=1))
    h = st.t.ppf(0.975, n - 1) * s / math.sqrt(n)
    return m, s, m - h, m + h


def wilson(k, n):
    lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
    return float(lo), float(hi)


def hedges(x1, x2):
    n1, n2 = len(x1), len(x2)
    sp = math.sqrt(((n1 - 1) * np.var(x1, ddof=1) + (n2 - 1) * np.var(x2, ddof=1)) / (n1 + n2 - 2))
    d = (np.mean(x1) - np.mean(x2)) / sp
    nu = n1 + n2 - 2
    j = math.exp(gammaln(nu / 2) - gammaln((nu - 1) / 2)) / math.sqrt(nu / 2)
    var_d = (n1 + n2) / (n1 * n2) + d * d / (2 * (n1 + n2))
    g = j * d
    se = j * math.sqrt(var_d)
    z = st.norm.ppf(0.975)
    return float(g), float(se), float(g - z * se), float(g + z * se)


groups = [("all", "all")] + [("profile", p) for p in ["2", "3a", "3b"]] + [("subprofile", s) for s in SUBPROFILES]
response = []
comparisons = []
for grouping, group in groups:
    members = group_members(grouping, group)
    cells = {}
    for arm in ARMS:
        m = members[members.arm == arm]
        cc = m[m.week12.notna()]
        b = cc.baseline.to_numpy(float)
        f = cc.week12.to_numpy(float)
        ch = f - b
        resp = [responder(x, y) for x, y in zip(b, f)]
        mean, sd, lo, hi = t_interval(ch)
        wl, wh = wilson(sum(resp), len(resp))
        response.append({
            "grouping": grouping, "group": group, "arm": arm, "outcome": "rmdq", "approach": "complete_case",
            "randomised": len(m), "analysed": len(cc), "missing": len(m) - len(cc), "imputed": 0,
            "baseline_mean": float(np.mean(b)), "baseline_sd": float(np.std(b, ddof=1)),
            "followup_mean": float(np.mean(f)), "followup_sd": float(np.std(f, ddof=1)),
            "change_mean": mean, "change_sd": sd, "change_lower": lo, "change_upper": hi,
            "srm": mean / sd, "responders": int(sum(resp)), "responder_total": len(resp),
            "wilson_lower": wl, "wilson_upper": wh,
        })
        # BOCF: missing follow-up counts as no change.
        fb = m.week12.fillna(m.baseline).to_numpy(float)
        bb = m.baseline.to_numpy(float)
        chb = fb - bb
        mean_b, sd_b, lo_b, hi_b = t_interval(chb)
        response.append({
            "grouping": grouping, "group": group, "arm": arm, "outcome": "rmdq", "approach": "bocf",
            "randomised": len(m), "analysed": len(m), "missing": 0, "imputed": int(m.week12.isna().sum()),
            "change_mean": mean_b, "change_sd": sd_b, "change_lower": lo_b, "change_upper": hi_b,
        })
        # NRI: every randomised participant without data is a non-responder.
        resp_nri = [bool(responder(x, y)) if not (isinstance(y, float) and math.isnan(y)) else False
                    for x, y in zip(m.baseline, m.week12.astype(float))]
        wl_n, wh_n = wilson(sum(resp_nri), len(resp_nri))
        response.append({
            "grouping": grouping, "group": group, "arm": arm, "outcome": "rmdq", "approach": "nri",
            "randomised": len(m), "responders": int(sum(resp_nri)), "responder_total": len(resp_nri),
            "imputed": int(m.week12.isna().sum()),
            "wilson_lower": wl_n, "wilson_upper": wh_n,
        })
        gp = m[m.gpe.notna()]
        succ = int(gp.gpe.isin([1.0, 2.0]).sum())
        gl, gh = wilson(succ, len(gp))
        response.append({
            "grouping": grouping, "group": group, "arm": arm, "outcome": "gpe_success", "approach": "complete_case",
            "randomised": len(m), "analysed": len(gp), "responders": succ, "responder_total": len(gp), "imputed": 0,
            "wilson_lower": gl, "wilson_upper": gh,
        })
        cells[arm] = (b, f, ch, resp)
    # Comparisons against the reference arm (complete case, RMDQ week 12).
    cc_all = members[members.week12.notna()].copy()
    model = smf.ols(f"week12 ~ C(arm, Treatment('{REFERENCE}')) + baseline", data=cc_all).fit()
    for arm in ARMS:
        if arm == REFERENCE:
            continue
        b1, f1, ch1, r1 = cells[arm]
        b2, f2, ch2, r2 = cells[REFERENCE]
        welch = st.ttest_ind(ch1, ch2, equal_var=False)
        ci = welch.confidence_interval(0.95)
        name = f"C(arm, Treatment('{REFERENCE}'))[T.{arm}]"
        a_ci = model.conf_int().loc[name]
        g, gse, glo, ghi = hedges(ch1, ch2)
        k1, n1, k2, n2 = sum(r1), len(r1), sum(r2), len(r2)
        rd_lo, rd_hi = confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff")
        rr_lo, rr_hi = confint_proportions_2indep(k1, n1, k2, n2, method="log", compare="ratio")
        # NNT (Altman 1998): the reciprocal of the risk difference (responders count as benefit)
        # and of its Newcombe limits.
        nnt = {"nnt_rd": k1 / n1 - k2 / n2, "nnt_rd_lower": float(rd_lo), "nnt_rd_upper": float(rd_hi)}
        comparisons.append({**nnt,
            "grouping": grouping, "group": group, "arm": arm, "outcome": "rmdq", "approach": "complete_case",
            "welch_difference": float(np.mean(ch1) - np.mean(ch2)), "welch_lower": float(ci.low),
            "welch_upper": float(ci.high), "welch_p": float(welch.pvalue), "welch_df": float(welch.df),
            "ancova_estimate": float(model.params[name]), "ancova_se": float(model.bse[name]),
            "ancova_lower": float(a_ci[0]), "ancova_upper": float(a_ci[1]), "ancova_p": float(model.pvalues[name]),
            "hedges_g": g, "hedges_se": gse, "hedges_lower": glo, "hedges_upper": ghi,
            "rd": k1 / n1 - k2 / n2, "rd_lower": float(rd_lo), "rd_upper": float(rd_hi),
            "rr": (k1 / n1) / (k2 / n2), "rr_lower": float(rr_lo), "rr_upper": float(rr_hi),
        })

    # The sensitivity analyses against the reference arm. BOCF: every randomised participant,
    # a missing follow-up taken as the baseline (no change); Welch, Hedges' g and the ANCOVA of
    # follow-up ~ arm + baseline on those data. NRI: every randomised participant, one without a
    # follow-up a non-responder; risk difference (Newcombe) and risk ratio (log scale).
    bocf = members.copy()
    bocf["week12"] = bocf.week12.fillna(bocf.baseline)
    bocf_model = smf.ols(f"week12 ~ C(arm, Treatment('{REFERENCE}')) + baseline", data=bocf).fit()

    def nri_responders(m):
        return [bool(responder(x, y)) if not math.isnan(y) else False for x, y in zip(m.baseline, m.week12.astype(float))]

    for arm in ARMS:
        if arm == REFERENCE:
            continue
        mine, ref = bocf[bocf.arm == arm], bocf[bocf.arm == REFERENCE]
        ch1 = (mine.week12 - mine.baseline).to_numpy(float)
        ch2 = (ref.week12 - ref.baseline).to_numpy(float)
        welch = st.ttest_ind(ch1, ch2, equal_var=False)
        ci = welch.confidence_interval(0.95)
        name = f"C(arm, Treatment('{REFERENCE}'))[T.{arm}]"
        a_ci = bocf_model.conf_int().loc[name]
        g, gse, glo, ghi = hedges(ch1, ch2)
        comparisons.append({
            "grouping": grouping, "group": group, "arm": arm, "outcome": "rmdq", "approach": "bocf",
            "n_arm": len(ch1), "n_reference": len(ch2),
            "welch_difference": float(np.mean(ch1) - np.mean(ch2)), "welch_lower": float(ci.low),
            "welch_upper": float(ci.high), "welch_p": float(welch.pvalue), "welch_df": float(welch.df),
            "ancova_estimate": float(bocf_model.params[name]), "ancova_se": float(bocf_model.bse[name]),
            "ancova_lower": float(a_ci[0]), "ancova_upper": float(a_ci[1]), "ancova_p": float(bocf_model.pvalues[name]),
            "hedges_g": g, "hedges_se": gse, "hedges_lower": glo, "hedges_upper": ghi,
        })
        r1 = nri_responders(members[members.arm == arm])
        r2 = nri_responders(members[members.arm == REFERENCE])
        k1, n1, k2, n2 = sum(r1), len(r1), sum(r2), len(r2)
        rd_lo, rd_hi = confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff")
        rr_lo, rr_hi = confint_proportions_2indep(k1, n1, k2, n2, method="log", compare="ratio")
        comparisons.append({
            "grouping": grouping, "group": group, "arm": arm, "outcome": "rmdq", "approach": "nri",
            "n_arm": n1, "n_reference": n2,
            "rd": k1 / n1 - k2 / n2, "rd_lower": float(rd_lo), "rd_upper": float(rd_hi),
            "rr": (k1 / n1) / (k2 / n2), "rr_lower": float(rr_lo), "rr_upper": float(rr_hi),
            "nnt_rd": k1 / n1 - k2 / n2, "nnt_rd_lower": float(rd_lo), "nnt_rd_upper": float(rd_hi),
        })

interaction = []
for grouping, levels in [("profile", ["2", "3a", "3b"]), ("subprofile", SUBPROFILES)]:
    cc = df[df.week12.notna()].copy()
    cc["change"] = cc.week12 - cc.baseline
    cc["grp"] = cc[grouping]
    full = smf.ols(f"change ~ C(arm, Treatment('{REFERENCE}')) * C(grp)", data=cc).fit()
    reduced = smf.ols(f"change ~ C(arm, Treatment('{REFERENCE}')) + C(grp)", data=cc).fit()
    table = anova_lm(reduced, full)
    heterogeneity = {}
    for arm in ARMS:
        if arm == REFERENCE:
            continue
        effects, variances = [], []
        for level in levels:
            c1 = cc[(cc.arm == arm) & (cc.grp == level)].change.to_numpy(float)
            c2 = cc[(cc.arm == REFERENCE) & (cc.grp == level)].change.to_numpy(float)
            effects.append(np.mean(c1) - np.mean(c2))
            variances.append(np.var(c1, ddof=1) / len(c1) + np.var(c2, ddof=1) / len(c2))
        res = combine_effects(np.array(effects), np.array(variances), method_re="dl")
        heterogeneity[arm] = {"q": float(res.q), "df": int(res.df_resid), "p": float(st.chi2.sf(res.q, res.df_resid)),
                              "i2": float(res.i2)}
    interaction.append({
        "grouping": grouping, "observations": int(len(cc)), "f": float(table["F"][1]),
        "df_num": int(table["df_diff"][1]), "df_den": int(full.df_resid), "p": float(table["Pr(>F)"][1]),
        "heterogeneity": heterogeneity,
    })

print(json.dumps({"subjects": subjects, "response": response, "comparisons": comparisons,
                  "interaction": interaction}, indent=1))
