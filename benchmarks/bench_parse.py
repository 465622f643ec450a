"""Parse speed: the real feeds and synthetic 50-item feeds, fast path against feedparser.

Run: .venv/bin/python benchmarks/bench_parse.py [REAL_FEEDS_DIR]
Prints figures; asserts nothing (the machine is shared: compare ratios within one run).
Also prints how often the fast path and feedparser agree on the real feeds (same keys,
titles and dates for every entry), which is what allows the fast path to be used.
"""

from __future__ import annotations

import functools
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import feedparser

from alerts import parse as parse_module
from alerts import parse_text
from alerts.errors import AlertsError
from alerts.parse import fingerprint, parse

NOW = datetime(2026, 11, 23, tzinfo=UTC)
REAL = Path(__file__).resolve().parents[2] / "shared" / "feeds" / "real"


def synthetic(feed_no: int, items: int = 50, georss: bool = False) -> bytes:
    """A ~33 KB RSS 2.0 feed of ``items`` news-like entries (GeoRSS forces feedparser)."""
    ns = " xmlns:georss='http://www.georss.org/georss'" if georss else ""
    parts = [f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'{ns}><channel>"]
    parts.append(f"<title>Feed {feed_no}</title><link>http://127.0.0.1/{feed_no}</link>")
    for n in range(items):
        geo = "<georss:point>12.6 -8.0</georss:point>" if georss else ""
        parts.append(
            f"<item><title>Feed {feed_no} story {n}: protests near the airport in Bamako"
            "</title><link>http://127.0.0.1/story/{feed_no}/{n}</link>"
            f"<guid isPermaLink='false'>f{feed_no}-i{n}</guid>"
            "<pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate><description>&lt;p&gt;"
            + "Security forces closed roads around the city centre after clashes. " * 6
            + f"&lt;/p&gt;</description>{geo}</item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def timed(action: Callable[[], object], repeat: int = 3) -> float:
    """Median seconds of ``repeat`` runs."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def _parse_all(bodies: list[bytes]) -> None:
    for body in bodies:
        parse(body, {}, feed="f", fetched_at=NOW)


def bench_synthetic(feeds: int = 200) -> None:
    plain = [synthetic(n) for n in range(feeds)]
    geo = [synthetic(n, georss=True) for n in range(feeds)]
    items = feeds * 50
    size = sum(map(len, plain)) / feeds / 1024
    print(f"synthetic: {feeds} feeds x 50 items, {size:.1f} KB each")
    for label, bodies in (("parse(), fast path", plain), ("parse(), GeoRSS (fast+ns path)", geo)):
        seconds = timed(functools.partial(_parse_all, bodies))
        print(
            f"  {label:34s} {seconds * 1000 / feeds:7.2f} ms/feed {items / seconds:9,.0f} items/s"
        )
    seconds = timed(lambda: [feedparser.parse(x) for x in plain], repeat=1)
    print(f"  {'feedparser.parse alone':34s} {seconds * 1000 / feeds:7.2f} ms/feed "
          f"{items / seconds:9,.0f} items/s")  # fmt: skip
    seen = [
        frozenset(i.key for i in parse(x, {}, feed="f", fetched_at=NOW).items[2:]) for x in plain
    ]
    pairs = list(zip(plain, seen, strict=True))
    seconds = timed(lambda: [parse(x, {}, feed="f", fetched_at=NOW, skip=k) for x, k in pairs])
    print(f"  {'parse(skip=48 seen keys), 2 new':34s} {seconds * 1000 / feeds:7.2f} ms/feed")
    seconds = timed(lambda: [fingerprint(x) for x in plain])
    print(f"  {'fingerprint (skip unchanged body)':34s} {seconds * 1e6 / feeds:7.1f} us/feed")


def bench_real(folder: Path) -> None:
    print(f"real feeds in {folder}:")
    total_items = 0
    total_seconds = 0.0
    for path in sorted(folder.glob("*.xml")):
        body = path.read_bytes()
        try:
            parsed = parse(body, {}, feed=path.stem, fetched_at=NOW)
        except AlertsError as exc:
            print(f"  {path.name[:48]:48s} refused: {type(exc).__name__}")
            continue
        seconds = timed(functools.partial(parse, body, {}, feed="f", fetched_at=NOW), repeat=1)
        total_items += len(parsed.items)
        total_seconds += seconds
        print(f"  {path.name[:48]:48s} {len(parsed.items):5d} items {seconds * 1000:8.1f} ms "
              f"{parsed.parser}  agree={_agree(body)}")  # fmt: skip
    print(f"  total: {total_items:,} items in {total_seconds:.2f} s "
          f"({total_items / total_seconds:,.0f} items/s)")  # fmt: skip


def _agree(body: bytes) -> str:
    """Whether the fast path and feedparser give the same keys, titles and dates."""
    text, _ = parse_module._prepare(body, {})
    document = parse_text.as_utf8_document(text)
    fast = parse_module._fast(document, text)
    if fast is None:
        return "fast-refused"
    full = parse_module._full(document, [])
    same = [
        (a.guid or a.link, a.title, a.date) == (b.guid or b.link, b.title, b.date)
        for a, b in zip(fast[1], full[1], strict=False)
    ]
    if len(fast[1]) != len(full[1]):
        return f"count {len(fast[1])} vs {len(full[1])}"
    return "all" if all(same) else f"{sum(same)}/{len(same)}"


def main() -> None:
    print(f"machine: {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}")
    bench_synthetic()
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else REAL
    if folder.is_dir():
        bench_real(folder)
    else:
        print(f"real feeds: {folder} not found, skipped")


if __name__ == "__main__":
    main()
