"""Benchmark: add_workdays against chinese_calendar.find_workday, printing one JSON line.

    .venv/bin/python bench/workdays.py [--calls N] [--reference-calls N] [--seed S]

The calendar is built from the same chinesecalendar data the seed migration loads, with no database,
so the script runs anywhere. Inputs: random starts in 2020–2026 and n in 1–60, keeping only those
whose answer is still in 2026, because find_workday raises past its last year.

find_workday(delta, d) counts from the first working day on or after d (delta = 0 returns d itself
when d is a working day), whereas add_workdays(d, n) is the n-th working day strictly after d. The
same question asked of find_workday is therefore find_workday(n - 1, d + 1 day); the script checks
that both answer identically on every reference input. find_workday validates each date it looks at
against its whole holiday table, so it is timed on the first `--reference-calls` inputs only (ours is
timed on those too, for a like-for-like speedup, and on all of them).
"""

import argparse
import json
import logging
import os
import platform
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")

import chinese_calendar

from onewindow.core import workdays
from onewindow.core.calendar_seed import seeded_workday_calendar


def make_inputs(calendar, count, seed):
    rng = random.Random(seed)
    first = date(2020, 1, 1).toordinal()
    last = date(2026, 12, 31)
    inputs = []
    while len(inputs) < count:
        start = date.fromordinal(first + rng.randrange(last.toordinal() - first + 1))
        n = rng.randint(1, 60)
        if calendar.add_workdays(start, n) <= last:
            inputs.append((start, n))
    return inputs


def rate(function, inputs, repeat):
    """Best calls per second over `repeat` passes (the loop overhead is included: conservative)."""
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        for start, n in inputs:
            function(start, n)
        best = min(best, time.perf_counter() - began)
    return len(inputs) / best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300_000)
    parser.add_argument("--reference-calls", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=20260213)
    options = parser.parse_args()

    # Filtering the inputs looks past 2026 on purpose; its missing-year warning is not news here.
    logging.getLogger("onewindow.core.workdays").setLevel(logging.ERROR)
    calendar = seeded_workday_calendar()
    workdays.set_calendar(calendar)
    inputs = make_inputs(calendar, options.calls, options.seed)
    reference_inputs = inputs[: options.reference_calls]

    # The same question in find_workday's terms, prepared outside the timed loop.
    shifted = [(start + timedelta(days=1), n - 1) for start, n in reference_inputs]
    for (start, n), (next_day, delta) in zip(reference_inputs, shifted, strict=True):
        ours, theirs = (
            calendar.add_workdays(start, n),
            chinese_calendar.find_workday(delta, next_day),
        )
        if ours != theirs:
            raise SystemExit(f"disagreement at {start} + {n}: {ours} vs find_workday {theirs}")

    def find_workday(next_day, delta):
        return chinese_calendar.find_workday(delta, next_day)

    method_rate = rate(calendar.add_workdays, inputs, repeat=5)
    module_rate = rate(workdays.add_workdays, inputs, repeat=5)
    subset_rate = rate(workdays.add_workdays, reference_inputs, repeat=20)
    reference_rate = rate(find_workday, shifted, repeat=1)

    print(
        json.dumps(
            {
                "benchmark": "workdays.add_workdays",
                "calls_per_s": round(module_rate),
                "method_calls_per_s": round(method_rate),
                "calls": len(inputs),
                "find_workday_calls_per_s": round(reference_rate),
                "find_workday_calls": len(shifted),
                "calls_per_s_on_find_workday_inputs": round(subset_rate),
                "speedup_vs_find_workday": round(subset_rate / reference_rate, 1),
                "results_agree": True,
                "inputs": "starts 2020-01-01..2026-12-31, n 1..60, answers <= 2026-12-31",
                "chinesecalendar": chinese_calendar.__version__,
                "python": platform.python_version(),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
