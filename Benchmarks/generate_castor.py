#!/usr/bin/env python3
"""Writes a deterministic Castor-style baseline export for the benchmarks.

Semicolon-delimited, one wide row (40 columns) per participant, as Castor EDC exports study data:
dd-mm-yyyy dates, decimal commas, Castor's user-missing codes, and free-text comments that are
sometimes quoted because they hold a ';', a newline or a quote. UTF-8 without a byte-order mark.

Usage: generate_castor.py SIZE_MB OUTPUT   (the same arguments always give the same bytes)
"""
import sys

HEADER = [
    "Participant Id", "Participant Status", "Site Abbreviation", "Randomization Group",
    "Randomized On", "Participant Creation Date", "age", "sex", "height_cm", "weight_kg", "bmi",
    "duration_weeks", "pain_nrs_baseline", "rmdq_baseline", "odi_baseline", "leg_pain_dominant",
    "radiating_pain", "neuro_deficit", "reflex_change", "night_pain", "morning_stiffness_hours",
    "history_malignancy", "weight_loss", "corticosteroids", "trauma", "onset_age",
] + ["oempsq_%d" % item for item in range(1, 11)] + [
    "employment", "sick_leave_days", "visit_date", "comments",
]
assert len(HEADER) == 40

SITES = ["AMC", "UMCU", "RUMC", "MUMC", "LUMC", "EMC"]
ARMS = ["Strengthening", "Aerobic", "Motor control", "McKenzie", "Graded activity"]
STATUSES = ["Completed", "Completed", "Completed", "In progress", "Withdrawn"]
EMPLOYMENT = ["Fulltime", "Parttime", "Unemployed", "Retired", "Student", "##USER_MISSING_97##"]
COMMENTS = [
    "",
    "",
    "",
    "Geen bijzonderheden",
    "Pijn bij bukken",
    "\"Pijn bij bukken; soms uitstraling\nnaar linkerbeen\"",
    "\"Patiënt meldt \"\"stijfheid\"\" in de ochtend\"",
    "\"Verhuisd naar café-eigenaar; vervolg telefonisch\"",
    "\"Follow-up gemist; nieuwe afspraak\r\ngepland\"",
    "##USER_MISSING_95##",
]


class Generator:
    """A 31-bit linear congruential generator: tiny, and identical on every Python version."""

    def __init__(self, seed):
        self.state = seed

    def below(self, bound):
        self.state = (self.state * 1103515245 + 12345) & 0x7FFFFFFF
        return (self.state >> 8) % bound


def date(random, first_year, years):
    return "%02d-%02d-%04d" % (1 + random.below(28), 1 + random.below(12), first_year + random.below(years))


def row(number, random):
    site = SITES[random.below(len(SITES))]
    height = 150 + random.below(50)
    weight = 50 + random.below(60) + random.below(10) / 10
    bmi = weight / (height / 100) ** 2
    missing = random.below(50) == 0
    fields = [
        "%s-%06d" % (site, number),
        STATUSES[random.below(len(STATUSES))],
        site,
        ARMS[random.below(len(ARMS))],
        "01-01-2995" if missing else date(random, 2019, 5),
        date(random, 2019, 5),
        str(18 + random.below(60)),
        "MV"[random.below(2)],
        str(height),
        ("%.1f" % weight).replace(".", ","),
        ("%.1f" % bmi).replace(".", ","),
        str(random.below(120)),
        "-99" if missing else str(random.below(11)),
        str(random.below(25)),
        str(random.below(101)),
    ]
    fields += [str(random.below(2)) for _ in range(4)]
    fields += [str(random.below(2)), ("%.1f" % (random.below(30) / 10)).replace(".", ",")]
    fields += [str(random.below(2)) for _ in range(4)]
    fields += [str(15 + random.below(50))]
    fields += [str(random.below(11)) for _ in range(10)]
    fields += [
        EMPLOYMENT[random.below(len(EMPLOYMENT))],
        str(random.below(90)),
        date(random, 2019, 5),
        COMMENTS[random.below(len(COMMENTS))],
    ]
    return ";".join(fields)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: generate_castor.py SIZE_MB OUTPUT")
    target = int(float(sys.argv[1]) * 1_000_000)
    random = Generator(20240611)
    # Rows come from a pool so that hundreds of megabytes take seconds; the participant id (with
    # its site) and the pool index vary per row, so the file never repeats a row.
    pool = []
    for number in range(4096):
        fields = row(number, random).split(";", 3)
        pool.append((fields[1], fields[3]))
    written = 0
    number = 0
    with open(sys.argv[2], "wb") as out:
        text = (";".join(HEADER) + "\r\n").encode()
        out.write(text)
        written += len(text)
        while written < target:
            block = []
            for _ in range(2048):
                number += 1
                site = SITES[number % len(SITES)]
                status, rest = pool[random.below(len(pool))]
                block.append("%s-%06d;%s;%s;%s\r\n" % (site, number, status, site, rest))
            data = "".join(block).encode()
            out.write(data)
            written += len(data)


if __name__ == "__main__":
    main()
