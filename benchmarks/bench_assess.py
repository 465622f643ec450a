"""Throughput of the assess stage (rules only), one core.

    .venv/bin/python benchmarks/bench_assess.py [--seconds 5]

Texts: the dev set and real news feed items from ../shared when present, else a few built-in
ones. Target: >= 2,000 items/s per core. Measured on the 2-vCPU build machine (shared with
other jobs: CPU time is measured, figures still vary by +-20 %).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import tracemalloc
from pathlib import Path

from alerts.assess import assess
from alerts.rules import default_rules

SHARED = Path(__file__).resolve().parents[2] / "shared"
BUILT_IN = [
    "Suicide bomber kills 31 at market in Maiduguri. Islamist militants claimed the bombing.",
    "Police fire tear gas at protesters in Dakar. Roads were blocked with burning tyres.",
    "Rovers attack runs riot in 4-0 derby win. The striker scored twice at the stadium.",
    "Airport in Port Moresby reopens after riots. Flights resumed on Friday morning.",
]


def texts() -> list[str]:
    """Dev-set texts and real feed titles+summaries, or the built-in samples."""
    dev = SHARED / "eval" / "dev.jsonl"
    if not dev.is_file():
        return BUILT_IN
    rows = [json.loads(line) for line in dev.read_text(encoding="utf-8").splitlines()]
    return [f"{r['title']}. {r['summary']}" for r in rows]


def main() -> None:
    """Run assess over the texts for a while and print items/s."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=5.0)
    a = ap.parse_args()
    t0 = time.perf_counter()
    rules = default_rules()
    load_ms = (time.perf_counter() - t0) * 1000
    items = texts()
    tracemalloc.start()
    for text in items:
        assess(text, rules=rules)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # CPU time of this process, not wall time: the machine is shared, and the target is per core.
    n, start = 0, time.process_time()
    while time.process_time() - start < a.seconds:
        for text in items:
            assess(text, rules=rules)
        n += len(items)
    rate = n / (time.process_time() - start)
    mean_len = sum(map(len, items)) / len(items)
    print(
        f"machine: {platform.machine()} {os.cpu_count()} vCPU, Python {platform.python_version()}"
    )
    print(f"rules load + compile: {load_ms:.0f} ms (once per process)")
    print(f"texts: {len(items)} (mean {mean_len:.0f} chars)")
    print(f"assess: {rate:,.0f} items/s on one core ({1e6 / rate:.0f} us/item); target >= 2,000")
    print(f"peak memory during one pass: {peak / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
