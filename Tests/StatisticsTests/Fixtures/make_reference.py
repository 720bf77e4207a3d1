#!/usr/bin/env python3
"""Reference values for the Statistics tests, computed independently of the Swift code.

Run by hand from this folder (numpy, scipy, statsmodels and mpmath required):

    python3 make_reference.py > reference.json

Every data set is generated here from a fixed seed and written into the JSON next to the
statistics computed from it, so the Swift tests read exactly the same numbers.

Sources of the reference values:
- distributions: mpmath at 50 significant digits (cdf, sf, and quantiles solved by root
  finding on the high-precision tail). scipy.stats is evaluated too and its relative
  difference recorded per row under "scipyRelativeDifference"; scipy is not used as the
  reference for distributions because some of its far-tail quantiles are off (for example
  f(3, 20).isf(1e-12) = 113.45107, while the true value is 113.45080: relative 2.3e-6).
- moments: numpy (mean, var with ddof=1).
- mean t-interval: scipy.stats.t.
- Welch and pooled two-sample t: scipy.stats.ttest_ind (statistic, pvalue, df,
  confidence_interval).
- Wilson: statsmodels proportion_confint(method='wilson').
- Newcombe hybrid score: statsmodels confint_proportions_2indep(method='newcomb').
- Risk ratio (Katz log interval): statsmodels Table2x2.riskratio / riskratio_confint /
  log_riskratio_se; with the 0.5 correction the corrected table is built here (0.5 added to all
  four cells) and passed to Table2x2 with shift_zeros=False (its own shift, the default, adds
  0.5 to the zero cells only).
- Hedges' g: d from numpy, exact J from scipy.special.gammaln, variance transcribed from
  Borenstein et al. (2009) eq. 4.20 and 4.24; the approximate-J point estimate is checked against
  statsmodels effectsize_smd.
- Fisher: scipy.stats.fisher_exact. Chi-square: scipy.stats.chi2_contingency.
- ANOVA: scipy.stats.f_oneway.
- OLS: statsmodels OLS with patsy formulas (an independent design builder); aliased columns are
  found here by adding columns in order and keeping those that raise numpy.linalg.matrix_rank,
  the fit is then done on the kept columns; F-tests by OLSResults.compare_f_test.
- Meta-analysis: statsmodels combine_effects(method_re='dl'); z and p from scipy.stats.norm.
  statsmodels does not truncate tau^2 at 0, so data sets with Q < k - 1 are only used for Q, its
  p-value and the fixed effect, and the Swift test checks the truncation separately.
  A data set where one study's weight dominates ("dominant") is computed with mpmath at 60 digits
  from the formulas instead: in double precision the DerSimonian-Laird denominator
  sum(w) - sum(w^2)/sum(w) loses every digit there, in statsmodels as in a plain numpy version.
"""

import json
import re
import sys
import warnings

import mpmath as mp
import numpy as np
import pandas as pd
import scipy
import scipy.special
import scipy.stats as st
import statsmodels
import statsmodels.formula.api as smf
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.meta_analysis import combine_effects, effectsize_smd
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

mp.mp.dps = 50
SEED = 20240611
rng = np.random.default_rng(SEED)


def f(x):
    """A plain float for JSON (None stays None)."""
    return None if x is None else float(x)


def rel(a, b):
    a = mp.mpf(a)
    b = mp.mpf(b)
    if b == 0:
        return 0.0 if a == 0 else float("inf")
    return float(abs(a / b - 1))


# ---------------------------------------------------------------------------------------------
# Distributions (mpmath reference, scipy recorded for comparison)

def norm_tails(x):
    x = mp.mpf(x)
    return mp.erfc(-x / mp.sqrt(2)) / 2, mp.erfc(x / mp.sqrt(2)) / 2


def t_tails(x, df):
    x = mp.mpf(x)
    df = mp.mpf(df)
    if x == 0:
        return mp.mpf(0.5), mp.mpf(0.5)
    tail = mp.betainc(df / 2, mp.mpf(1) / 2, 0, df / (df + x * x), regularized=True) / 2
    return (tail, 1 - tail) if x < 0 else (1 - tail, tail)


def chi2_tails(x, df):
    x = mp.mpf(x)
    a = mp.mpf(df) / 2
    return (mp.gammainc(a, 0, x / 2, regularized=True),
            mp.gammainc(a, x / 2, mp.inf, regularized=True))


def f_tails(x, d1, d2):
    x = mp.mpf(x)
    d1 = mp.mpf(d1)
    d2 = mp.mpf(d2)
    lower = mp.betainc(d1 / 2, d2 / 2, 0, d1 * x / (d1 * x + d2), regularized=True)
    upper = mp.betainc(d2 / 2, d1 / 2, 0, d2 / (d1 * x + d2), regularized=True)
    return lower, upper


def solve(tails, target, upper, start, positive):
    """x with lower (or upper) tail equal to target, by root finding on the log tail."""
    target = mp.mpf(target)

    def g(x):
        lo, up = tails(x)
        value = up if upper else lo
        return mp.log(value) - mp.log(target)

    if positive:
        u = mp.findroot(lambda u: g(mp.exp(u)), mp.log(mp.mpf(start)), tol=mp.mpf(10) ** -40)
        return mp.exp(u)
    return mp.findroot(g, mp.mpf(start), tol=mp.mpf(10) ** -40)


def distribution_rows():
    rows = {"normal": [], "t": [], "chiSquared": [], "f": []}
    quantile_rows = {"normal": [], "t": [], "chiSquared": [], "f": []}

    # |x| <= 37 keeps every tail above the subnormal range (Phi(-37) = 5.7e-300).
    for x in [-37, -35, -20, -8.3, -5, -1.96, -1, -0.3, 0, 0.3, 1, 1.959963984540054, 3, 7.5, 9, 20, 37]:
        lo, up = norm_tails(x)
        rows["normal"].append({
            "x": x, "cdf": f(lo), "sf": f(up),
            "scipyRelativeDifference": max(rel(st.norm.cdf(x), lo), rel(st.norm.sf(x), up)),
        })
    for p in [1e-300, 1e-100, 1e-20, 1e-12, 1e-6, 0.001, 0.025, 0.05, 0.3, 0.5, 0.7, 0.975, 0.999999]:
        # True quantile of the double p: the root of cdf(x) = p.
        ppf = solve(lambda x: norm_tails(x), p, False, st.norm.ppf(p), False) if p != 0.5 else mp.mpf(0)
        isf = -ppf
        quantile_rows["normal"].append({
            "p": p, "ppf": f(ppf), "isf": f(isf),
            "scipyRelativeDifference": max(rel(st.norm.ppf(p), ppf) if ppf != 0 else 0,
                                           rel(st.norm.isf(p), isf) if isf != 0 else 0),
        })

    t_cases = [(1, [-1e6, -30, -3, 0.5, 2, 1e3, 1e10]),
               (2, [-100, -3, 0.2, 4.3, 1e5]),
               (2.5, [-7, 0.7, 12, 250]),
               (3, [-12.9, -2, 1, 3.18, 60]),
               (7.3, [-50, -2.5, 0.1, 1, 10, 1000]),
               (11.41, [-4, 0.25, 2.2, 9]),
               (29.9, [-3, 1.7, 8.5, 15]),
               (120, [-2, 0.4, 7, 12]),
               (2500, [-3, 1.5, 7.1]),
               (1e6, [0.5, 3, 8]),
               (1e9, [0.5, 3, 7.2])]
    for df, xs in t_cases:
        for x in xs:
            lo, up = t_tails(x, df)
            rows["t"].append({
                "df": df, "x": x, "cdf": f(lo), "sf": f(up),
                "scipyRelativeDifference": max(rel(st.t.cdf(x, df), lo), rel(st.t.sf(x, df), up)),
            })
        for p in [1e-14, 1e-12, 1e-6, 0.001, 0.025, 0.2, 0.6, 0.975, 0.9999]:
            start = st.t.ppf(p, df)
            ppf = solve(lambda x: t_tails(x, df), p, False, start, False)
            isf = -ppf
            quantile_rows["t"].append({
                "df": df, "p": p, "ppf": f(ppf), "isf": f(isf),
                "scipyRelativeDifference": max(rel(st.t.ppf(p, df), ppf), rel(st.t.isf(p, df), isf)),
            })

    chi_cases = [(0.5, [1e-8, 0.01, 0.5, 3, 40]),
                 (1, [1e-6, 0.1, 3.84, 20, 50.7, 200]),
                 (2, [0.05, 1, 5.99, 60]),
                 (3, [0.01, 1, 7.81, 60, 100]),
                 (7.5, [1, 6, 30, 90]),
                 (25, [5, 24, 60, 140]),
                 (400, [300, 400, 520, 700]),
                 (10000, [9500, 10000, 10700])]
    for df, xs in chi_cases:
        for x in xs:
            lo, up = chi2_tails(x, df)
            rows["chiSquared"].append({
                "df": df, "x": x, "cdf": f(lo), "sf": f(up),
                "scipyRelativeDifference": max(rel(st.chi2.cdf(x, df), lo), rel(st.chi2.sf(x, df), up)),
            })
        for p in [1e-12, 1e-6, 0.025, 0.5, 0.95, 0.999999]:
            ppf = solve(lambda x: chi2_tails(x, df), p, False, st.chi2.ppf(p, df), True)
            isf = solve(lambda x: chi2_tails(x, df), p, True, st.chi2.isf(p, df), True)
            quantile_rows["chiSquared"].append({
                "df": df, "p": p, "ppf": f(ppf), "isf": f(isf),
                "scipyRelativeDifference": max(rel(st.chi2.ppf(p, df), ppf), rel(st.chi2.isf(p, df), isf)),
            })

    f_cases = [(1, 1, [0.01, 1, 161.4, 1e6]),
               (1, 10, [0.5, 4.96, 60]),
               (2.5, 7, [0.2, 1, 4.5, 200]),
               (3, 20, [0.1, 1, 3.1, 30, 113.45]),
               (4, 120, [0.3, 2.45, 15]),
               (7, 300, [0.5, 2, 8]),
               (12, 5000, [0.9, 1.75, 5])]
    for d1, d2, xs in f_cases:
        for x in xs:
            lo, up = f_tails(x, d1, d2)
            rows["f"].append({
                "df1": d1, "df2": d2, "x": x, "cdf": f(lo), "sf": f(up),
                "scipyRelativeDifference": max(rel(st.f.cdf(x, d1, d2), lo), rel(st.f.sf(x, d1, d2), up)),
            })
        for p in [1e-12, 1e-6, 0.05, 0.5, 0.95, 0.999999]:
            ppf = solve(lambda x: f_tails(x, d1, d2), p, False, st.f.ppf(p, d1, d2), True)
            isf = solve(lambda x: f_tails(x, d1, d2), p, True, st.f.ppf(1 - p, d1, d2), True)
            quantile_rows["f"].append({
                "df1": d1, "df2": d2, "p": p, "ppf": f(ppf), "isf": f(isf),
                "scipyRelativeDifference": max(rel(st.f.ppf(p, d1, d2), ppf), rel(st.f.isf(p, d1, d2), isf)),
            })
    return rows, quantile_rows


# ---------------------------------------------------------------------------------------------
# Samples

def samples():
    """Named samples used by several sections."""
    s = {}
    s["small"] = [float(v) for v in rng.normal(10, 2, 5)]
    s["medium"] = [float(v) for v in rng.normal(-3.5, 7, 37)]
    s["large"] = [float(v) for v in rng.normal(1e6, 0.25, 400)]  # large mean, tiny spread
    s["skewed"] = [float(v) for v in rng.exponential(4, 23)]
    s["treated"] = [float(v) for v in rng.normal(12.5, 4, 48)]
    s["control"] = [float(v) for v in rng.normal(10.0, 6, 31)]
    s["twelveA"] = [float(v) for v in rng.normal(5, 1.5, 12)]
    s["twelveB"] = [float(v) for v in rng.normal(4, 1.5, 12)]
    s["single"] = [3.25]
    s["identical"] = [2.5] * 6
    s["pair"] = [1.0, 4.0]
    s["integers"] = [float(v) for v in rng.integers(0, 25, 60)]
    return s


def moments_rows(s):
    rows = []
    for name, values in s.items():
        a = np.array(values)
        rows.append({
            "sample": name, "count": len(values), "mean": f(a.mean()),
            "variance": f(a.var(ddof=1)) if len(values) > 1 else None,
            "standardDeviation": f(a.std(ddof=1)) if len(values) > 1 else None,
            "standardisedResponseMean": f(a.mean() / a.std(ddof=1)) if len(values) > 1 and a.std(ddof=1) > 0 else None,
        })
    return rows


def mean_interval_rows(s):
    rows = []
    for name in s:
        for level in [0.95, 0.9, 0.99]:
            a = np.array(s[name])
            n = len(a)
            if n < 2:
                rows.append({"sample": name, "level": level, "expected": None})
                continue
            se = a.std(ddof=1) / np.sqrt(n)
            if se == 0:
                lower = upper = a.mean()
            else:
                lower, upper = st.t.interval(level, n - 1, loc=a.mean(), scale=se)
            rows.append({"sample": name, "level": level, "expected": {
                "mean": f(a.mean()), "standardError": f(se), "degreesOfFreedom": n - 1,
                "lower": f(lower), "upper": f(upper)}})
    return rows


def two_sample_rows(s):
    pairs = [("treated", "control"), ("twelveA", "twelveB"), ("small", "medium"), ("skewed", "integers"),
             ("identical", "medium"), ("pair", "small"), ("single", "medium"), ("identical", "identical")]
    rows = []
    for first, second in pairs:
        for level in [0.95, 0.9]:
            row = {"first": first, "second": second, "level": level}
            a = np.array(s[first])
            b = np.array(s[second])
            for key, equal in [("welch", False), ("pooled", True)]:
                usable = len(a) >= 2 and len(b) >= 2 if not equal else len(a) + len(b) >= 3
                variance_zero = (a.var() == 0 and b.var() == 0)
                if not usable or variance_zero:
                    row[key] = None
                    continue
                with warnings.catch_warnings():
                    # scipy warns when one sample is constant; the result is still exact.
                    warnings.simplefilter("ignore", RuntimeWarning)
                    r = st.ttest_ind(a, b, equal_var=equal)
                ci = r.confidence_interval(confidence_level=level)
                diff = a.mean() - b.mean()
                row[key] = {"difference": f(diff), "standardError": f(diff / r.statistic),
                            "degreesOfFreedom": f(r.df), "t": f(r.statistic), "pValue": f(r.pvalue),
                            "lower": f(ci.low), "upper": f(ci.high)}
            rows.append(row)
    return rows


def hedges_rows(s):
    rows = []
    for first, second in [("twelveA", "twelveB"), ("treated", "control"), ("small", "pair"), ("medium", "skewed")]:
        a = np.array(s[first])
        b = np.array(s[second])
        n1, n2 = len(a), len(b)
        df = n1 + n2 - 2
        sp = np.sqrt(((n1 - 1) * a.var(ddof=1) + (n2 - 1) * b.var(ddof=1)) / df)
        d = (a.mean() - b.mean()) / sp
        j = np.exp(scipy.special.gammaln(df / 2) - scipy.special.gammaln((df - 1) / 2)) / np.sqrt(df / 2)
        j_approx = 1 - 3 / (4 * (n1 + n2) - 9)
        var_d = (n1 + n2) / (n1 * n2) + d * d / (2 * (n1 + n2))
        z = st.norm.isf(0.025)
        g = j * d
        se = j * np.sqrt(var_d)
        smd_bc, _ = effectsize_smd(a.mean(), a.std(ddof=1), n1, b.mean(), b.std(ddof=1), n2)
        rows.append({"first": first, "second": second, "cohensD": f(d), "correctionFactor": f(j), "g": f(g),
                     "standardError": f(se), "lower": f(g - z * se), "upper": f(g + z * se),
                     "approximateCorrectionFactor": f(j_approx), "approximateG": f(smd_bc)})
    return rows


# ---------------------------------------------------------------------------------------------
# Proportions and tables

def proportion_rows():
    wilson = []
    for x, n in [(81, 263), (15, 148), (0, 10), (10, 10), (1, 1), (0, 1), (3, 7), (56, 70), (48, 80), (9, 10),
                 (3, 10), (1, 2000), (1999, 2000), (17, 29)]:
        for level in [0.95, 0.9, 0.99]:
            lo, up = proportion_confint(x, n, alpha=1 - level, method="wilson")
            wilson.append({"successes": x, "trials": n, "level": level, "lower": f(lo), "upper": f(up)})
    newcombe = []
    for x1, n1, x2, n2 in [(56, 70, 48, 80), (9, 10, 3, 10), (6, 7, 2, 7), (5, 56, 0, 29), (0, 10, 0, 20),
                           (10, 10, 0, 10), (0, 10, 10, 10), (5, 5, 2, 9), (12, 40, 20, 38), (1, 1, 0, 1),
                           (33, 50, 33, 50)]:
        for level in [0.95, 0.9]:
            lo, up = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff", alpha=1 - level)
            newcombe.append({"successes1": x1, "trials1": n1, "successes2": x2, "trials2": n2, "level": level,
                             "difference": f(x1 / n1 - x2 / n2), "lower": f(lo), "upper": f(up)})
    risk = []
    for x1, n1, x2, n2 in [(4, 10, 3, 10), (30, 45, 18, 44), (10, 10, 5, 10), (10, 10, 10, 10), (1, 200, 7, 190),
                           (0, 10, 3, 10), (4, 10, 0, 10), (0, 12, 0, 15)]:
        for correction in [0.0, 0.5]:
            row = {"successes1": x1, "trials1": n1, "successes2": x2, "trials2": n2, "correction": correction}
            cells = [x1, n1 - x1, x2, n2 - x2]
            if correction > 0 and 0 in cells:
                table = np.array([[x1 + correction, n1 - x1 + correction], [x2 + correction, n2 - x2 + correction]])
                applied = correction
            else:
                table = np.array([[x1, n1 - x1], [x2, n2 - x2]], dtype=float)
                applied = 0.0
            # No events in a group: no ratio. Only events in both: the Katz SE is 0 and
            # statsmodels' interval [1, 1] is no interval, so lbp gives none either.
            if table[0, 0] == 0 or table[1, 0] == 0 or (table[0, 1] == 0 and table[1, 1] == 0):
                row["expected"] = None
            else:
                t = Table2x2(table, shift_zeros=False)  # the correction, if any, is applied above
                lo, up = t.riskratio_confint(alpha=0.05, method="normal")
                row["expected"] = {"ratio": f(t.riskratio), "standardErrorOfLog": f(t.log_riskratio_se),
                                   "lower": f(lo), "upper": f(up), "appliedCorrection": applied}
            risk.append(row)
    return wilson, newcombe, risk


def fisher_rows():
    rows = []
    for table in [[8, 2, 1, 5], [3, 1, 1, 3], [0, 5, 5, 0], [10, 10, 10, 10], [1, 9, 11, 3], [2, 7, 8, 2],
                  [0, 0, 4, 6], [20, 380, 5, 395], [120, 80, 60, 140], [0, 12, 9, 3], [7, 0, 0, 7], [5, 0, 3, 0],
                  [41, 959, 12, 988]]:
        for alternative in ["two-sided", "less", "greater"]:
            r = st.fisher_exact(np.array(table).reshape(2, 2), alternative=alternative)
            odds = r.statistic
            rows.append({"table": table, "alternative": alternative, "pValue": f(r.pvalue),
                         "oddsRatio": None if np.isnan(odds) else ("inf" if np.isinf(odds) else f(odds))})
    return rows


def chi_square_rows():
    rows = []
    tables = [[[12, 5], [7, 9]], [[30, 10], [10, 30]], [[5, 0], [1, 6]], [[3, 4], [4, 3]],
              [[20, 15, 5], [10, 25, 30]], [[8, 6, 4, 2], [3, 5, 7, 9], [10, 10, 10, 10]],
              [[100, 0], [0, 100]], [[13, 13], [13, 13]]]
    for table in tables:
        for correction in [False, True]:
            r = st.chi2_contingency(np.array(table), correction=correction)
            rows.append({"table": table, "yatesCorrection": correction, "statistic": f(r.statistic),
                         "degreesOfFreedom": int(r.dof), "pValue": f(r.pvalue),
                         "expected": [[f(v) for v in row] for row in r.expected_freq]})
    return rows


def anova_rows(s):
    rows = []
    for names in [["treated", "control"], ["twelveA", "twelveB", "small"], ["medium", "skewed", "integers", "pair"],
                  ["single", "identical", "small"]]:
        groups = [np.array(s[n]) for n in names]
        r = st.f_oneway(*groups)
        k = len(groups)
        n = sum(len(g) for g in groups)
        rows.append({"groups": names, "f": f(r.statistic), "pValue": f(r.pvalue),
                     "degreesOfFreedomBetween": k - 1, "degreesOfFreedomWithin": n - k})
    return rows


# ---------------------------------------------------------------------------------------------
# Linear models

def swift_name(patsy_name):
    """Convert a patsy column name such as C(a, Treatment('a1'))[T.a2]:x to a[a2]:x."""
    if patsy_name == "Intercept":
        return "(Intercept)"
    parts = []
    for part in patsy_name.split(":"):
        m = re.fullmatch(r"C\((\w+), Treatment\('[^']*'\)\)\[T\.([^\]]+)\]", part)
        parts.append(f"{m.group(1)}[{m.group(2)}]" if m else part)
    return ":".join(parts)


def factor(name, levels):
    return f"C({name}, Treatment('{levels[0]}'))"


def ols_case(name, data, levels, formula_terms, swift_terms, drop_tests):
    """Fit by statsmodels on the non-aliased columns and record everything the Swift test needs."""
    frame = pd.DataFrame(data)
    rhs = " + ".join(formula_terms)
    full = smf.ols(f"y ~ {rhs}", frame)
    names = [swift_name(c) for c in full.exog_names]
    x = full.exog
    kept, aliased = [], []
    for j in range(x.shape[1]):
        trial = kept + [j]
        if np.linalg.matrix_rank(x[:, trial]) == len(trial):
            kept.append(j)
        else:
            aliased.append(j)
    import statsmodels.api as sm
    fit = sm.OLS(frame["y"].to_numpy(), x[:, kept]).fit()
    coefficients = {}
    for position, j in enumerate(kept):
        coefficients[names[j]] = {"estimate": f(fit.params[position]), "standardError": f(fit.bse[position]),
                                  "pValue": f(fit.pvalues[position]),
                                  "lower": f(fit.conf_int(0.05)[position][0]),
                                  "upper": f(fit.conf_int(0.05)[position][1])}
    tests = []
    for dropped_swift, reduced_terms in drop_tests:
        reduced_rhs = " + ".join(reduced_terms) if reduced_terms else "1"
        reduced = smf.ols(f"y ~ {reduced_rhs}", frame)
        rx = reduced.exog
        rkept = []
        for j in range(rx.shape[1]):
            if np.linalg.matrix_rank(rx[:, rkept + [j]]) == len(rkept) + 1:
                rkept.append(j)
        rfit = sm.OLS(frame["y"].to_numpy(), rx[:, rkept]).fit()
        if len(rkept) == len(kept):
            # Dropping only aliased columns loses no rank: there is nothing to test.
            tests.append({"drop": dropped_swift, "expected": None})
            continue
        fval, pval, ddiff = fit.compare_f_test(rfit)
        tests.append({"drop": dropped_swift, "expected": {
            "f": f(fval), "pValue": f(pval), "numeratorDegreesOfFreedom": int(round(ddiff)),
            "denominatorDegreesOfFreedom": int(round(fit.df_resid)),
            "reducedResidualSumOfSquares": f(rfit.ssr)}})
    return {"name": name, "data": {k: (list(v) if not isinstance(v, list) else v) for k, v in data.items()},
            "levels": levels, "terms": swift_terms, "columnNames": names,
            "aliased": [names[j] for j in aliased], "rank": len(kept),
            "coefficients": coefficients, "residualSumOfSquares": f(fit.ssr),
            "residualDegreesOfFreedom": int(round(fit.df_resid)), "residualVariance": f(fit.scale),
            "fTests": tests}


def ols_rows():
    rows = []
    # y ~ group + x (analysis of covariance)
    n = 45
    group = [["g1", "g2", "g3"][i % 3] for i in range(n)]
    x = rng.normal(20, 5, n)
    effect = {"g1": 0.0, "g2": 1.5, "g3": -0.8}
    y = 3 + np.array([effect[g] for g in group]) + 0.6 * x + rng.normal(0, 2, n)
    levels = {"group": ["g1", "g2", "g3"]}
    rows.append(ols_case("covariance", {"y": [float(v) for v in y], "group": group, "x": [float(v) for v in x]},
                         levels, [factor("group", levels["group"]), "x"], [["group"], ["x"]],
                         [([["group"]], ["x"]), ([["x"]], [factor("group", levels["group"])])]))

    # y ~ a * b with every cell filled
    n = 72
    a = [["a1", "a2", "a3"][i % 3] for i in range(n)]
    b = [["b1", "b2"][(i // 3) % 2] for i in range(n)]
    cell = {("a1", "b1"): 0, ("a2", "b1"): 1, ("a3", "b1"): 0.5, ("a1", "b2"): 0.3, ("a2", "b2"): 2.2,
            ("a3", "b2"): -0.4}
    y = 10 + np.array([cell[(p, q)] for p, q in zip(a, b)]) + rng.normal(0, 1, n)
    levels = {"a": ["a1", "a2", "a3"], "b": ["b1", "b2"]}
    fa, fb = factor("a", levels["a"]), factor("b", levels["b"])
    rows.append(ols_case("interaction", {"y": [float(v) for v in y], "a": a, "b": b}, levels,
                         [fa, fb, f"{fa}:{fb}"], [["a"], ["b"], ["a", "b"]],
                         [([["a", "b"]], [fa, fb]), ([["b"], ["a", "b"]], [fa])]))

    # the same with the non-reference cell a3:b2 empty: its interaction column is all zero
    keep = [i for i in range(n) if not (a[i] == "a3" and b[i] == "b2")]
    rows.append(ols_case("emptyCell", {"y": [float(y[i]) for i in keep], "a": [a[i] for i in keep],
                                       "b": [b[i] for i in keep]}, levels,
                         [fa, fb, f"{fa}:{fb}"], [["a"], ["b"], ["a", "b"]],
                         [([["a", "b"]], [fa, fb])]))

    # a reference-level cell a1:b2 empty: no zero column, but the last interaction column is aliased
    keep = [i for i in range(n) if not (a[i] == "a1" and b[i] == "b2")]
    rows.append(ols_case("emptyReferenceCell", {"y": [float(y[i]) for i in keep], "a": [a[i] for i in keep],
                                                "b": [b[i] for i in keep]}, levels,
                         [fa, fb, f"{fa}:{fb}"], [["a"], ["b"], ["a", "b"]],
                         [([["a", "b"]], [fa, fb])]))

    # numeric collinearity: x3 = x1 + x2 is aliased; plus a numeric-by-factor interaction
    n = 30
    x1 = rng.normal(0, 1, n)
    x2 = rng.uniform(-2, 2, n)
    x3 = x1 + x2
    g = [["u", "v"][i % 2] for i in range(n)]
    y = 1 + 2 * x1 - x2 + np.array([0.7 if v == "v" else 0 for v in g]) * x1 + rng.normal(0, 0.5, n)
    levels = {"g": ["u", "v"]}
    fg = factor("g", levels["g"])
    rows.append(ols_case("collinear", {"y": [float(v) for v in y], "x1": [float(v) for v in x1],
                                       "x2": [float(v) for v in x2], "x3": [float(v) for v in x3], "g": g},
                         levels, ["x1", "x2", "x3", fg, f"{fg}:x1"], [["x1"], ["x2"], ["x3"], ["g"], ["g", "x1"]],
                         [([["g", "x1"]], ["x1", "x2", "x3", fg]), ([["x3"]], ["x1", "x2", fg, f"{fg}:x1"])]))
    return rows


# ---------------------------------------------------------------------------------------------
# Meta-analysis

BCG = [  # dat.bcg (metafor): trial, author, year, tpos, tneg, cpos, cneg
    (1, "Aronson", 1948, 4, 119, 11, 128),
    (2, "Ferguson & Simes", 1949, 6, 300, 29, 274),
    (3, "Rosenthal et al", 1960, 3, 228, 11, 209),
    (4, "Hart & Sutherland", 1977, 62, 13536, 248, 12619),
    (5, "Frimodt-Moller et al", 1973, 33, 5036, 47, 5761),
    (6, "Stein & Aronson", 1953, 180, 1361, 372, 1079),
    (7, "Vandiviere et al", 1973, 8, 2537, 10, 619),
    (8, "TPT Madras", 1980, 505, 87886, 499, 87892),
    (9, "Coetzee & Berjak", 1968, 29, 7470, 45, 7232),
    (10, "Rosenthal et al", 1961, 17, 1699, 65, 1600),
    (11, "Comstock et al", 1974, 186, 50448, 141, 27197),
    (12, "Comstock & Webster", 1969, 5, 2493, 3, 2338),
    (13, "Comstock et al", 1976, 27, 16886, 29, 17825),
]


def meta_case(name, y, se, level=0.95):
    y = np.asarray(y, dtype=float)
    se = np.asarray(se, dtype=float)
    with warnings.catch_warnings():
        # With Q < k - 1 statsmodels' untruncated tau^2 is negative and its random-effects SE NaN.
        warnings.simplefilter("ignore", RuntimeWarning)
        r = combine_effects(y, se ** 2, method_re="dl", alpha=1 - level)
    frame = r.summary_frame(alpha=1 - level)  # its alpha defaults to 0.05 whatever the fit used
    homogeneity = r.test_homogeneity()
    k = len(y)
    out = {"name": name, "estimates": [f(v) for v in y], "standardErrors": [f(v) for v in se], "level": level,
           "q": f(r.q), "degreesOfFreedom": k - 1, "qPValue": f(homogeneity.pvalue)}

    def pooled(row):
        est, sd = frame.loc[row, "eff"], frame.loc[row, "sd_eff"]
        z = est / sd
        return {"estimate": f(est), "standardError": f(sd), "lower": f(frame.loc[row, "ci_low"]),
                "upper": f(frame.loc[row, "ci_upp"]), "z": f(z), "pValue": f(2 * st.norm.sf(abs(z)))}

    out["fixedEffect"] = pooled("fixed effect")
    if r.q > k - 1:
        out["tauSquared"] = f(r.tau2)
        out["iSquared"] = f(r.i2)
        out["randomEffects"] = pooled("random effect")
    else:
        out["tauSquared"] = None
        out["iSquared"] = None
        out["randomEffects"] = None
    return out


def meta_case_exact(name, y, se, level=0.95):
    """meta_case's rows from the formulas in 60-digit arithmetic: Q, its chi-square p-value, I^2,
    the DerSimonian-Laird tau^2, and both pooled estimates with normal intervals."""
    with mp.workdps(60):
        ys = [mp.mpf(v) for v in y]
        w = [1 / mp.mpf(v) ** 2 for v in se]
        k = len(ys)
        critical = mp.sqrt(2) * mp.erfinv(mp.mpf(level))

        def pooled(weights):
            total = mp.fsum(weights)
            est = mp.fsum(wi * yi for wi, yi in zip(weights, ys)) / total
            sd = 1 / mp.sqrt(total)
            z = est / sd
            return {"estimate": f(est), "standardError": f(sd), "lower": f(est - critical * sd),
                    "upper": f(est + critical * sd), "z": f(z), "pValue": f(mp.erfc(abs(z) / mp.sqrt(2)))}

        fixed = mp.fsum(wi * yi for wi, yi in zip(w, ys)) / mp.fsum(w)
        q = mp.fsum(wi * (yi - fixed) ** 2 for wi, yi in zip(w, ys))
        assert q > k - 1
        tau2 = (q - (k - 1)) / (mp.fsum(w) - mp.fsum(wi ** 2 for wi in w) / mp.fsum(w))
        return {"name": name, "estimates": [f(v) for v in y], "standardErrors": [f(v) for v in se], "level": level,
                "q": f(q), "degreesOfFreedom": k - 1, "qPValue": f(mp.gammainc(mp.mpf(k - 1) / 2, q / 2, regularized=True)),
                "fixedEffect": pooled(w), "tauSquared": f(tau2), "iSquared": f((q - (k - 1)) / q),
                "randomEffects": pooled([1 / (1 / wi + tau2) for wi in w])}


def meta_rows():
    rows = []
    a = np.array([row[3:] for row in BCG], dtype=float)
    tpos, tneg, cpos, cneg = a.T
    log_rr = np.log(tpos / (tpos + tneg)) - np.log(cpos / (cpos + cneg))
    se = np.sqrt(1 / tpos - 1 / (tpos + tneg) + 1 / cpos - 1 / (cpos + cneg))
    bcg = meta_case("bcg", log_rr, se)
    bcg["counts"] = [[int(v) for v in row[3:]] for row in BCG]
    rows.append(bcg)
    rows.append(meta_case("subgroups", [0.42, 0.15, 0.61, -0.05], [0.12, 0.2, 0.18, 0.25]))
    rows.append(meta_case("subgroups90", [0.42, 0.15, 0.61, -0.05], [0.12, 0.2, 0.18, 0.25], level=0.9))
    rows.append(meta_case("homogeneous", [0.1, 0.2, 0.15], [0.2, 0.22360679774997896, 0.3]))
    ys = rng.normal(0.3, 0.6, 9)
    ses = rng.uniform(0.08, 0.4, 9)
    rows.append(meta_case("random", ys, ses))
    rows.append(meta_case_exact("dominant", [1.0, 3.0, 2.0], [1e-9, 0.4, 0.5]))
    return rows


def main():
    s = samples()
    distributions, quantiles = distribution_rows()
    wilson, newcombe, risk = proportion_rows()
    reference = {
        "generator": {"seed": SEED, "numpy": np.__version__, "scipy": scipy.__version__,
                      "statsmodels": statsmodels.__version__, "mpmath": mp.__version__},
        "samples": s,
        "distributions": distributions,
        "quantiles": quantiles,
        "moments": moments_rows(s),
        "meanIntervals": mean_interval_rows(s),
        "twoSample": two_sample_rows(s),
        "hedges": hedges_rows(s),
        "wilson": wilson,
        "newcombe": newcombe,
        "riskRatio": risk,
        "fisher": fisher_rows(),
        "chiSquare": chi_square_rows(),
        "anova": anova_rows(s),
        "linearModels": ols_rows(),
        "meta": meta_rows(),
    }
    json.dump(reference, sys.stdout, indent=1, sort_keys=True, allow_nan=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
