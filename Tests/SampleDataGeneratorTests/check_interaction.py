#!/usr/bin/env python3
"""Checks the arm x profile interaction planted in the sample data, independently of lbp.

Reads the REDCap export (or the Castor visits file) and the ground truth, drops the rows that
truth/problems.csv marks as errors (and one copy of the identical duplicate), and fits, for each
outcome, the change from baseline at a visit on arm * profile over the randomised profiles
(2, 3a, 3a+Y, 3b, 3b+Y) among completers, with ordinary least squares (statsmodels). The interaction
F-test compares that model with the additive one (arm + profile).

Expected with the committed SampleData/: RMDQ and pain NRS interaction p < 0.05 at week 12; ODI has
no planted interaction (p is whatever chance gives, usually > 0.05).

Usage: check_interaction.py [SampleData] [--style redcap|castor] [--visit week12] [--require]
With --require the script exits 1 unless RMDQ p < 0.05 and ODI p >= 0.05.
"""

import argparse
import csv
import io
import os
import sys

import pandas as pd
import statsmodels.formula.api as smf
from statsmodels.stats.anova import anova_lm

PROFILES = ["2", "3a", "3a+Y", "3b", "3b+Y"]
REDCAP_EVENTS = {"baseline_arm_1": "baseline", "week_6_arm_1": "week6", "week_12_arm_1": "week12",
                 "week_26_arm_1": "week26"}
CASTOR_VISITS = {"Baseline": "baseline", "Week 6": "week6", "Week 12": "week12", "Week 26": "week26"}


def read_truth(root):
    with open(os.path.join(root, "truth", "participants.csv"), newline="", encoding="utf-8") as handle:
        participants = list(csv.DictReader(handle))
    with open(os.path.join(root, "truth", "problems.csv"), newline="", encoding="utf-8") as handle:
        problems = list(csv.DictReader(handle))
    return participants, problems


def rejected_lines(problems, style, file):
    """Lines of records a correct pipeline rejects or drops, and keys in conflict."""
    lines, conflicting = set(), set()
    for problem in problems:
        if problem["style"] != style or problem["file"] != file:
            continue
        if problem["expected_severity"] == "error" or problem["kind"] == "duplicate_identical":
            lines.add(int(problem["line"]))
        if problem["kind"] == "duplicate_conflicting":
            conflicting.add((problem["participant_id"], problem["visit"]))
    return lines, conflicting


def read_visits(root, style, problems):
    """(participant, visit) -> dict of outcome values, from the export of one style."""
    if style == "redcap":
        file, delimiter, encoding = "redcap/export.csv", ",", "utf-8"
    else:
        file, delimiter, encoding = "castor/visits.csv", ";", "utf-8"
    skip, conflicting = rejected_lines(problems, style, file)
    with open(os.path.join(root, file), encoding=encoding, newline="") as handle:
        raw_lines = handle.read().split("\n")
    # Every record of these files is one physical line (no field holds a line break), so records
    # can be dropped by line number before parsing.
    kept = [text for number, text in enumerate(raw_lines, start=1) if number not in skip and text != ""]
    rows = list(csv.reader(io.StringIO("\n".join(kept)), delimiter=delimiter))
    header, records = rows[0], rows[1:]
    column = {name: index for index, name in enumerate(header)}
    visits = {}
    for record in records:
        if len(record) != len(header):
            raise SystemExit(f"unexpected ragged record left after rejection: {record[:3]}")
        if style == "redcap":
            visit = REDCAP_EVENTS.get(record[column["redcap_event_name"]])
            pid = record[column["record_id"]]
            pain, rmdq, odi = record[column["nrs_pain"]], record[column["rmdq"]], record[column["odi"]]
        else:
            visit = CASTOR_VISITS.get(record[column["Repeating Data Name"]])
            pid = record[column["Participant Id"]]
            pain, rmdq, odi = (record[column["pijn_nrs"]], record[column["rmdq_totaal"]],
                               record[column["odi_totaal"]])
        if visit is None or (pid, visit) in conflicting:
            continue
        visits[(pid, visit)] = {"pain_nrs": number(pain), "rmdq": number(rmdq), "odi": number(odi)}
    return visits


def number(text):
    text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return None if value <= -95 else value


def interaction_p(frame):
    full = smf.ols("change ~ C(arm, Treatment('general_exercise')) * C(profile)", data=frame).fit()
    additive = smf.ols("change ~ C(arm, Treatment('general_exercise')) + C(profile)", data=frame).fit()
    table = anova_lm(additive, full)
    return float(table["F"].iloc[1]), int(table["df_diff"].iloc[1]), float(table["Pr(>F)"].iloc[1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", nargs="?", default="SampleData")
    parser.add_argument("--style", default="redcap", choices=["redcap", "castor"])
    parser.add_argument("--visit", default="week12", choices=["week6", "week12", "week26"])
    parser.add_argument("--require", action="store_true")
    arguments = parser.parse_args()

    participants, problems = read_truth(arguments.root)
    visits = read_visits(arguments.root, arguments.style, problems)
    results = {}
    for outcome in ["rmdq", "pain_nrs", "odi"]:
        rows = []
        for participant in participants:
            if participant["randomised"] != "1" or participant["true_subprofile"] not in PROFILES:
                continue
            baseline = visits.get((participant["participant_id"], "baseline"))
            follow_up = visits.get((participant["participant_id"], arguments.visit))
            if not baseline or not follow_up or baseline[outcome] is None or follow_up[outcome] is None:
                continue
            rows.append({"arm": participant["arm"], "profile": participant["true_subprofile"],
                         "change": follow_up[outcome] - baseline[outcome]})
        frame = pd.DataFrame(rows)
        f_value, df, p_value = interaction_p(frame)
        results[outcome] = p_value
        means = frame.groupby(["profile", "arm"])["change"].mean().unstack()
        print(f"{outcome} at {arguments.visit} ({arguments.style}): n = {len(frame)}, "
              f"interaction F({df}, {len(frame) - 15}) = {f_value:.3f}, p = {p_value:.3g}")
        print(means.round(2).to_string())
        print()
    if arguments.require and not results["rmdq"] < 0.05:
        print("the planted RMDQ interaction is not significant", file=sys.stderr)
        return 1
    if arguments.require and not results["odi"] >= 0.05:
        print("ODI shows an interaction although none is planted", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
