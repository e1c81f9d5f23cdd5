#!/usr/bin/python3
"""suppress-property: random dossiers through thads-report --suppress.

For each run, a seeded generator writes a random dossier (persons,
episodes in a few facilities, releases for various reasons, quarterly
classifications), thads-import loads it into a fresh database, and
thads-report writes the same tables twice: without --suppress (the true
values) and with --suppress K for a random K.  The published table is
then attacked with the equations a reader knows:

- every "(all)" row is the sum of the rows it covers;
- within a row, releases are the sum of the released_* columns and
  the assessed are the sum of the four classification results;
- a share is a count over its total (the grand total's own share,
  always 100, tells nothing).

The checks: no count from 1 to K-1 is shown; the shown cells equal the
true ones; the true table satisfies the equations (so the model of the
table is right); every equation holding a hidden cell holds at least
two (no cell is the margin less the rest); no hidden cell is determined
by any combination of the equations (exact Gaussian elimination over
the rationals on the hidden cells: the cell's unit vector must not lie
in the row space); a share is shown only when its count and total are.

Usage: suppress-property.py RUNS SEED  (BIN and THADS_DATADIR from the
environment, as tests/lib.sh sets them).  Prints a summary line; exits
1 on the first failure with the seed, the run and the cell.
"""

import csv
import io
import os
import random
import subprocess
import sys
from fractions import Fraction

BIN = os.environ["BIN"]
AS_OF = "2024-06-30"

FACILITIES = [
    ("P-A", "prison"), ("P-B", "prison"), ("P-C", "prison"),
    ("D-C", "detention_centre"), ("D-E", "detention_centre"),
    ("T-D", "temporary_custody_house"),
]
REASONS = {
    "prison": ["sentence_served", "reduction", "amnesty",
               "conditional_release", "transfer", "death"],
    "detention_centre": ["transfer", "acquitted", "charges_dropped",
                         "bail", "measure_changed"],
    "temporary_custody_house": ["charges_dropped", "bail"],
}
STATUS = {"prison": "serving", "detention_centre": "pretrial_detention",
          "temporary_custody_house": "temporary_custody"}
RESULTS = ["good", "fair", "average", "poor"]
QUARTERS = ["2022-11-25", "2023-02-25", "2023-05-25", "2023-08-25",
            "2023-11-25", "2024-02-25"]


class Fail(Exception):
    pass


def gen(rng, path_dossier, path_records):
    """Write a random dossier: 8 to 60 persons over 2 to 6 facilities."""
    facs = rng.sample(FACILITIES, rng.randint(2, len(FACILITIES)))
    npers = rng.randint(8, 60)
    dos = ["person.id,person.sex,person.birth_date,episode.facility,"
           "facility.kind,facility.ward,episode.status,episode.admitted,"
           "episode.released,episode.release_reason,episode.custody_level,"
           "episode.judgment,judgment.number,judgment.date,"
           "judgment.article,judgment.sentence_type,judgment.term_years,"
           "judgment.term_months,judgment.probation_months,"
           "judgment.release_date_ext"]
    rec = ["person.id,classification.period,classification.period_end,"
           "classification.result"]
    for p in range(npers):
        pid = "Q%04d" % p
        sex = rng.choice(["male", "female"])
        birth = "%d-%02d-%02d" % (rng.randint(1950, 2003),
                                  rng.randint(1, 12), rng.randint(1, 28))
        code, kind = rng.choice(facs)
        y = rng.randint(2020, 2024)
        m = rng.randint(1, 6 if y == 2024 else 12)
        adm = "%d-%02d-%02d 10:00" % (y, m, rng.randint(1, 28))
        rel = reason = ""
        if rng.random() < 0.6:
            ry = rng.randint(y, 2024)
            rm = rng.randint(m if ry == y else 1, 6 if ry == 2024 else 12)
            rd = rng.randint(1, 28)
            r = "%d-%02d-%02d 11:00" % (ry, rm, rd)
            if r > adm and r[:10] <= AS_OF:
                rel, reason = r, rng.choice(REASONS[kind])
        jud = ",,,,,,,,"
        level = ""
        if kind == "prison":
            level = rng.choice(["minimum", "medium", "maximum"])
            jd = "%d-%02d-%02d" % (y - 1, rng.randint(1, 12),
                                   rng.randint(1, 28))
            jud = "J%s,J%s,%s,173,fixed_term,%d,%d,," % (
                pid, pid, jd, rng.randint(1, 9), rng.randint(0, 11))
        dos.append("%s,%s,%s,%s,%s,Ward,%s,%s,%s,%s,%s,%s" % (
            pid, sex, birth, code, kind, STATUS[kind], adm, rel, reason,
            level, jud))
        if kind == "prison":
            for q in QUARTERS:
                if q > adm[:10] and (not rel or q < rel[:10]) and \
                        rng.random() < 0.7:
                    rec.append("%s,quarter,%s,%s,,,,,,," % (
                        pid, q, rng.choice(RESULTS)))
    with open(path_dossier, "w") as f:
        f.write("\n".join(dos) + "\n")
    with open(path_records, "w") as f:
        hdr = rec[0] + ",reduction.date,reduction.years,reduction.months," \
            "reduction.days,reduction.judgment,violation.date,violation.kind"
        f.write("\n".join([hdr] + rec[1:]) + "\n")


def report(db, args):
    env = dict(os.environ, THADS_DB=db)
    out = subprocess.run([BIN + "/thads-report", "--as-of", AS_OF,
                          "-f", "csv"] + args, env=env, check=True,
                         stdout=subprocess.PIPE).stdout.decode()
    rows = list(csv.reader(io.StringIO(out)))
    return rows[0], rows[1:]


# The tables attacked: the arguments, the key columns (a row's identity,
# "(all)" for a margin), the count columns, the within-row sums
# (total, [parts]) and the shares (share, count, total-or-None for the
# grand total of the count column).
TABLES = [
    (["--by", "facility", "population"], ["facility"], ["persons"], [],
     [("share_pct", "persons", None)]),
    (["--by", "facility,sex", "population"], ["facility", "sex"],
     ["persons"], [], [("share_pct", "persons", None)]),
    (["--from", "2021-01-01", "--to", AS_OF, "--by", "facility",
      "--every", "year", "flow"], ["facility", "period"], None,
     [("releases", "released_")], []),
    (["--from", "2022-01-01", "--to", AS_OF, "--by", "facility",
      "classification"], ["period_end", "facility"],
     ["assessed"] + RESULTS, [("assessed", RESULTS)],
     [(r + "_pct", r, "assessed") for r in RESULTS]),
]


def attack(name, hdr, true_rows, pub_rows, keys, counts, sums, shares, k):
    """Run every check on one table; return the number of hidden cells."""
    if len(true_rows) != len(pub_rows):
        raise Fail("%s: %d rows published, %d true" % (
            name, len(pub_rows), len(true_rows)))
    col = {h: i for i, h in enumerate(hdr)}
    if counts is None:
        counts = [h for h in hdr if h in ("admissions", "releases")
                  or h.startswith("released_")]
    ki = [col[c] for c in keys]
    cells = {}		# (row, column) -> true value, for count cells
    hidden = set()
    for r, (t, p) in enumerate(zip(true_rows, pub_rows)):
        if [t[i] for i in ki] != [p[i] for i in ki]:
            raise Fail("%s: row %d keys differ" % (name, r + 2))
        for c in counts:
            v = int(t[col[c]])
            cells[(r, c)] = v
            if p[col[c]] == "x":
                hidden.add((r, c))
            elif int(p[col[c]]) != v:
                raise Fail("%s: row %d %s shows %s, true %d" % (
                    name, r + 2, c, p[col[c]], v))
            elif 1 <= v < k:
                raise Fail("%s: row %d %s = %d shown under --suppress %d"
                           % (name, r + 2, c, v, k))
    # The equations, each a list of (coefficient, cell).
    eqs = []
    for r, t in enumerate(true_rows):
        tk = [t[i] for i in ki]
        if "(all)" not in tk:
            continue
        for c in counts:
            terms = [(1, (r, c))]
            for s, u in enumerate(true_rows):
                uk = [u[i] for i in ki]
                if all((a == b) if a != "(all)" else b != "(all)"
                       for a, b in zip(tk, uk)):
                    terms.append((-1, (s, c)))
            eqs.append(terms)
    for total, parts in sums:
        if isinstance(parts, str):
            parts = [h for h in hdr if h.startswith(parts)]
        for r in range(len(true_rows)):
            eqs.append([(1, (r, total))] + [(-1, (r, c)) for c in parts])
    for e in eqs:
        if sum(a * cells[x] for a, x in e) != 0:
            raise Fail("%s: the true table breaks the equation %s" % (
                name, e))
        nh = sum(1 for _, x in e if x in hidden)
        if nh == 1:
            x = [x for _, x in e if x in hidden][0]
            raise Fail("%s: row %d %s is the only hidden cell of an "
                       "equation: its margin gives it away" % (
                           name, x[0] + 2, x[1]))
    # Shares: shown only when the count and its total are shown.
    grand = [r for r, t in enumerate(true_rows)
             if all(t[i] == "(all)" for i in ki)]
    for share, cnt, tot in shares:
        for r, p in enumerate(pub_rows):
            # The grand total's own share is 100 whatever it counts.
            if p[col[share]] == "x" or (tot is None and r in grand):
                continue
            need = [(r, cnt)] + ([(r, tot)] if tot else
                                 [(g, cnt) for g in grand])
            for x in need:
                if x in hidden:
                    raise Fail("%s: row %d %s shown though %s of row %d "
                               "is hidden" % (name, r + 2, share, x[1],
                                              x[0] + 2))
    # Exact elimination on the hidden cells.
    var = {x: i for i, x in enumerate(sorted(hidden))}
    n = len(var)
    if n == 0:
        return 0
    rows = []
    for e in eqs:
        v = [Fraction(0)] * n
        for a, x in e:
            if x in var:
                v[var[x]] += a
        if any(v):
            rows.append(v)
    basis = []		# reduced rows, each with its pivot
    for v in rows:
        v = list(v)
        for piv, b in basis:
            if v[piv]:
                f = v[piv]
                v = [a - f * c for a, c in zip(v, b)]
        nz = [i for i, a in enumerate(v) if a]
        if not nz:
            continue
        piv = nz[0]
        f = v[piv]
        v = [a / f for a in v]
        basis = [(p2, [a - b2[piv] * c for a, c in zip(b2, v)])
                 for p2, b2 in basis]
        basis.append((piv, v))
    # With a fully reduced basis, e_j lies in the row space exactly when
    # some basis row is e_j itself.
    for piv, b in basis:
        if sum(1 for a in b if a) == 1:
            x = sorted(hidden)[piv]
            raise Fail("%s: hidden cell row %d %s = %d follows from the "
                       "published cells" % (name, x[0] + 2, x[1], cells[x]))
    return n


def main():
    runs, seed = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    work = os.environ.get("SCRATCH", ".")
    nhidden = ntables = 0
    for run in range(runs):
        db = os.path.join(work, "supp-%d.db" % run)
        d, r = (os.path.join(work, "supp-dossier.csv"),
                os.path.join(work, "supp-records.csv"))
        gen(rng, d, r)
        subprocess.run([BIN + "/thads-import", "-q", "--today", AS_OF,
                        d, r], env=dict(os.environ, THADS_DB=db),
                       check=True)
        k = rng.randint(2, 6)
        for args, keys, counts, sums, shares in TABLES:
            hdr, true_rows = report(db, args)
            hdr2, pub_rows = report(db, ["--suppress", str(k)] + args)
            name = "seed %d run %d --suppress %d %s" % (
                seed, run, k, " ".join(args))
            if hdr != hdr2:
                raise Fail(name + ": headers differ")
            try:
                nhidden += attack(name, hdr, true_rows, pub_rows, keys,
                                  counts, sums, shares, k)
            except Fail as e:
                print("FAIL:", e)
                sys.exit(1)
            ntables += 1
        for suffix in ("", "-wal", "-shm", ".audit-head",
                       ".audit-head.lock"):
            if os.path.exists(db + suffix):
                os.unlink(db + suffix)
    print("%d tables from %d random dossiers, %d hidden cells, none "
          "recoverable" % (ntables, runs, nhidden))


if __name__ == "__main__":
    main()
