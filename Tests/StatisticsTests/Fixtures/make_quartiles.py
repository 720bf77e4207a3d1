#!/usr/bin/env python3
"""Reference quartiles for the Statistics tests, computed independently of the Swift code.

Run by hand from this folder (numpy required):

    python3 make_quartiles.py > quartiles.json

Each sample is generated here from a fixed seed and written next to numpy's type-7 quantiles
(numpy.quantile with method="linear", Hyndman and Fan 1996 type 7, R's default) at 0.25, 0.5
and 0.75. The samples cover single values, small samples of every size up to 12, ties (scores
on 0-24 and 0-10 scales), sorted and reverse-sorted input, all-equal values, negative and
non-integer values, and large samples.
"""

import json

import numpy as np


def case(name, values):
    values = [float(v) for v in values]
    q = np.quantile(np.array(values), [0.25, 0.5, 0.75], method="linear")
    return {"name": name, "values": values, "lower": float(q[0]), "median": float(q[1]), "upper": float(q[2])}


def main():
    rng = np.random.default_rng(20261123)
    cases = [case("single", [7.5])]
    for n in range(2, 13):
        cases.append(case(f"normal n={n}", np.round(rng.normal(10, 4, n), 3)))
        cases.append(case(f"rmdq n={n}", rng.integers(0, 25, n)))
    cases.append(case("all equal", [3.0] * 40))
    cases.append(case("sorted", np.arange(0, 101)))
    cases.append(case("reverse sorted", np.arange(100, -1, -1) * 0.5))
    cases.append(case("negative", np.round(rng.normal(-3, 2, 57), 2)))
    cases.append(case("nrs ties n=1000", rng.integers(0, 11, 1000)))
    cases.append(case("rmdq ties n=5001", rng.integers(0, 25, 5001)))
    cases.append(case("age n=4000", np.round(rng.normal(45, 12, 4000))))
    cases.append(case("skewed n=3333", np.round(rng.exponential(20, 3333), 4)))
    # One case per line: the file stays small and its diffs readable.
    print('{"cases": [')
    print(",\n".join(json.dumps(c, separators=(",", ":")) for c in cases))
    print("]}")


if __name__ == "__main__":
    main()
