"""What the staffed hours cost each message: ``coverage`` (is the team in, when is it next) and the away sentence.

Moments are spread over two years (weekdays, nights, weekends, holidays,
both DST changes) in the brand's zone, with the shipped ``brand.yml``; the
figures are microseconds per call, median and 99th percentile, first call
of a year (holidays computed) apart.

    .venv/app/bin/python -m benchmarks.staffing
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time

from bot.brand import load_brand
from bot.schedule import away_sentence, coverage


def main() -> None:
    brand = load_brand()
    zone = brand.staffing.zone
    start = dt.datetime(2027, 1, 1, tzinfo=zone)
    rng = random.Random(12)
    moments = [start + dt.timedelta(minutes=rng.randrange(2 * 366 * 24 * 60)) for _ in range(20_000)]
    first = time.perf_counter()
    coverage(brand, dt.datetime(2031, 6, 1, tzinfo=zone))  # a year the holiday calendar has not seen yet
    cold_us = (time.perf_counter() - first) * 1e6
    timings, away = [], 0
    for at in moments:
        t0 = time.perf_counter()
        cover = coverage(brand, at)
        sentence = away_sentence(brand, cover, "fr")
        timings.append((time.perf_counter() - t0) * 1e6)
        away += bool(sentence)
    timings.sort()
    print(f"staffing: {len(moments)} moments over 2 years, {away} outside staffed hours "
          f"({100 * away / len(moments):.0f} %)")
    print(f"  coverage + away sentence: median {statistics.median(timings):.1f} µs, "
          f"p99 {timings[int(len(timings) * 0.99)]:.1f} µs, max {timings[-1]:.0f} µs")
    print(f"  first call in a new year (holiday calendar built): {cold_us:.0f} µs")


if __name__ == "__main__":
    main()
