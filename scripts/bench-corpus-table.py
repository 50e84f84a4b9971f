"""Prints bench-corpus.sh's table from its work folder: one row per model x recipe.

usage: bench-corpus-table.py WORK ROUNDS MODEL...
A variant's latency ratio in a round is its p50 over the mean p50 of the baseline runs just before and after
it (B v1 B v2 ... B); the row shows the median over rounds and, in brackets, each round's ratio.
"""
import json
import os
import statistics
import sys


def p50s(path):
    """batch -> p50 ms of one bench run, or None when the run failed."""
    if not os.path.exists(path):
        return None
    return {r["batch"]: r["p50Ms"] for r in json.load(open(path))}


def last_error(path):
    """The last line of a bench run's stderr that is not its progress bar, shortened."""
    if not os.path.exists(path):
        return "?"
    lines = [l.strip() for l in open(path).read().replace("\r", "\n").splitlines() if l.strip()
             and not l.startswith("bench ")]
    text = lines[-1] if lines else "?"
    return text if len(text) <= 240 else text[:237] + "..."


def fmt(x, spec):
    return "-" if x is None else format(x, spec)


def ratios(work, model, i, rounds, batch):
    out = []
    for r in range(1, rounds + 1):
        v = p50s(f"{work}/{model}.r{r}.v{i}")
        before = p50s(f"{work}/{model}.r{r}.base{i - 1}")
        after = p50s(f"{work}/{model}.r{r}.base{i}")
        bases = [b[batch] for b in (before, after) if b and batch in b]
        if v and batch in v and bases:
            out.append(v[batch] / statistics.mean(bases))
    return out


def cell(rs):
    if not rs:
        return "-"
    return f"{statistics.median(rs):.2f} [{' '.join(f'{x:.2f}' for x in rs)}]"


def main():
    work, rounds, models = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    header = ["model", "recipe", "ratio b1 [rounds]", "ratio b8 [rounds]", "size", "cosine", "SQNR dB", "int8",
              "base p50 b1/b8 ms", "no-op / skip / note"]
    rows = [header]
    for m in models:
        path = f"{work}/{m}/manifest.json"
        if not os.path.exists(path):
            rows.append([m, "-", "-", "-", "-", "-", "-", "-", "-", "variants build failed (see " + work + "/" + m
                         + ".build.err)"])
            continue
        man = json.load(open(path))
        batches_file = f"{work}/{m}.batches"
        batches = open(batches_file).read().strip().split(",") if os.path.exists(batches_file) else ["1"]
        fixed = "" if "8" in batches else "b8 refused, b1 only: " + last_error(f"{work}/{m}.batch-refused")
        if not any(p50s(f"{work}/{m}.r{r}.base0") for r in range(1, rounds + 1)):
            fixed = "agent bench failed: " + last_error(f"{work}/{m}.r1.base0.err")
        base = [p50s(f"{work}/{m}.r{r}.base0") for r in range(1, rounds + 1)]
        base_ms = "/".join(fmt(statistics.median([b[int(x)] for b in base if b and int(x) in b] or [float("nan")]),
                               ".3g") for x in batches)
        for i, v in enumerate(man["variants"]):
            f = v.get("fidelity") or {}
            note = v.get("noopReason") if v.get("noop") else ""
            if i == 0:
                note = fixed
                b1, b8 = "1.00", ("1.00" if "8" in batches else "-")
            else:
                b1 = cell(ratios(work, m, i, rounds, 1))
                b8 = cell(ratios(work, m, i, rounds, 8)) if "8" in batches else "-"
            rows.append([m, v["recipe"], b1, b8, fmt(v.get("sizeRatio"), ".3f"), fmt(f.get("cosineSimilarity"), ".4f"),
                         fmt(f.get("sqnrDb"), ".1f"), "yes" if v.get("int8KernelsExecuted") else "no",
                         base_ms if i == 0 else "", ("NO-OP: " + note) if v.get("noop") else note])
        for s in man.get("skipped", []):
            rows.append([m, s["recipe"], "-", "-", "-", "-", "-", "-", "", "SKIPPED: " + s["reason"]])
    widths = [max(len(r[c]) for r in rows) for c in range(len(header) - 1)]
    for r in rows:
        print("  ".join(r[c].ljust(widths[c]) for c in range(len(header) - 1)) + "  " + r[-1])


if __name__ == "__main__":
    main()
