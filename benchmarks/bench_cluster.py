"""Benchmark: fold 100,000 synthetic reports with ~10,000 open events in memory.

    .venv/bin/python benchmarks/bench_cluster.py [--items N] [--open N]

Prints items/s for the fold loop (index lookup + decision + index update, as ``app.poll``
runs it), the number of events in memory before and after, and the peak traced memory.
Reports are made up front from fixed seeds: 30,000 made-up cities in 150 countries, headlines
from a small vocabulary, times advancing so that old events expire and are evicted. Target
(issue 6): >= 5,000 items/s on the 2-vCPU build machine, memory bounded.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
import tracemalloc
from datetime import UTC, datetime, timedelta

from alerts.cluster import ClusterPolicy, fold
from alerts.eventindex import EventIndex
from alerts.models import Assessment, Category, Item, Location, Place, PlaceKind, Report

VOCABULARY = """attack bomb blast gunmen hotel market airport convoy police army protest quake
    flood curfew embassy station school hospital bridge ministry square village rebels
    militants strike fire crowd train bus port highway mine"""
WORDS = VOCABULARY.split()
CATEGORIES = [
    Category.TERRORISM,
    Category.ARMED_CONFLICT,
    Category.CIVIL_UNREST,
    Category.NATURAL_DISASTER,
    Category.CRIME,
    Category.TRANSPORT,
]


def make_cities(n: int, seed: int = 7) -> list[Place]:
    """``n`` made-up cities spread over the inhabited latitudes, in 150 countries."""
    rng = random.Random(seed)
    countries = [f"{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(150)]
    return [
        Place(
            f"City{i}",
            rng.choice(countries),
            rng.uniform(-50, 60),
            rng.uniform(-170, 170),
            PlaceKind.CITY,
        )
        for i in range(n)
    ]


def make_reports(
    cities: list[Place], n: int, start: datetime, span: timedelta, seed: int
) -> list[Report]:
    """``n`` reports in time order over ``span``, each at a city drawn from ``cities``."""
    rng = random.Random(seed)
    step = span / n
    out = []
    for i in range(n):
        city = cities[i % len(cities)] if seed == 0 else rng.choice(cities)
        title = " ".join(rng.choice(WORDS) for _ in range(6)) + f" in {city.name}"
        summary = " ".join(rng.choice(WORDS) for _ in range(20))
        item = Item(
            feed=f"feed{i % 300}",
            key=f"k{seed}-{i}",
            title=title,
            summary=summary,
            link=f"https://x.test/{seed}/{i}",
            published=start + i * step,
            source_name="wire",
        )
        a = Assessment(rng.choice(CATEGORIES), rng.randint(1, 5))
        out.append(Report(item, Location((city.country,), (city,)), a))
    return out


def run(reports: list[Report], index: EventIndex, policy: ClusterPolicy) -> float:
    """Fold every report as the service does; return the CPU seconds taken."""
    began = time.process_time()  # CPU time: the machine is shared, wall time is noisy
    for i, r in enumerate(reports):
        now = r.item.published
        change = fold(r, index.candidates(r, now, policy), now, policy)
        index.put(change.event)
        if i % 1000 == 999:
            index.evict(now - policy.window)
    return time.process_time() - began


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--open", type=int, default=10_000)
    args = ap.parse_args()
    policy = ClusterPolicy()
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    # Warm-up: one report per city for the first ``open`` cities (seed 0 takes them in turn);
    # then 100,000 reports at 30,000 cities over five windows: ~20,000 per window, of which
    # about half start events, so ~10,000 stay open while old ones expire.
    cities = make_cities(3 * args.open)
    warm = make_reports(cities, args.open, t0, policy.window, seed=0)
    measured = make_reports(cities, args.items, t0 + policy.window, 5 * policy.window, seed=2)
    index = EventIndex()
    run(warm, index, policy)
    print(f"open events after warm-up: {len(index)}; max RSS {_rss_mib():.0f} MiB")
    seconds = run(measured, index, policy)
    print(
        f"folded {len(measured)} items in {seconds:.2f} s: {len(measured) / seconds:,.0f} "
        f"items/s; open events at the end: {len(index)}; max RSS {_rss_mib():.0f} MiB"
    )
    tracemalloc.start()
    index = EventIndex()
    run(warm, index, policy)
    middle = tracemalloc.get_traced_memory()[0]
    run(measured[: len(measured) // 5], index, policy)
    end, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"traced memory of the index: {middle / 2**20:.1f} MiB after warm-up, "
        f"{end / 2**20:.1f} MiB after {len(measured) // 5} more items (peak {peak / 2**20:.1f})"
    )


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
