"""Real labels from real feeds (../shared/feeds/real), text only: title + ". " + summary.

GDACS states an alert level per item, the State Department a level per advisory, and news
sites file sport, business and culture under their own paths. The text rules alone should
agree with those labels; the structured levels themselves are tested in test_assess.py.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser

from alerts.assess import assess, explain
from alerts.rules import default_rules

RULES = default_rules()
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_SOFT_SECTIONS = re.compile(
    r"/(sport|sports|football|business|culture|film|music|books|stage|artanddesign|"
    r"fashion|lifeandstyle|entertainment)/"
)
NEWS = [
    "bbc-news-home-rss2-2020-08-04-beirut.xml",
    "cnn-international-rss2-feedburner-2020-08-04-beirut.xml",
    "guardian-us-rss2-2018-01-31.xml",
    "guardian-world-rss2-2016-06-14.xml",
    "the-hindu-news-rss2-cdata-pubdate-2016-06-14.xml",
    "nyt-world-rss2-2018-09-05.xml",
    "aljazeera-english-all-rss2-no-xmldecl-2026-08-13.xml",
]


def _plain(s: str | None) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", s or ""))).strip()


def _entries(path: Path) -> Iterator[tuple[Any, str]]:
    for e in feedparser.parse(path.read_bytes()).entries:
        yield e, f"{_plain(e.get('title'))}. {_plain(e.get('summary'))}"


def _severity(text: str) -> int:
    return assess(text, rules=RULES).severity


def _gdacs(shared: Path) -> dict[str, list[tuple[int, str]]]:
    out: dict[str, list[tuple[int, str]]] = {"Red": [], "Green": []}
    for path in sorted((shared / "feeds" / "real").glob("gdacs-*.xml")):
        for e, text in _entries(path):
            level = e.get("gdacs_alertlevel")
            if level in out:
                out[level].append((_severity(text), text))
    return out


def test_gdacs_red_is_high_and_green_is_low(shared_dir: Path) -> None:
    by_level = _gdacs(shared_dir)
    red, green = by_level["Red"], by_level["Green"]
    assert len(red) >= 10 and len(green) >= 100
    red_ok = sum(s >= 4 for s, _ in red) / len(red)
    green_ok = sum(s <= 2 for s, _ in green) / len(green)
    print(f"GDACS red >=4: {red_ok:.3f} of {len(red)}; green <=2: {green_ok:.3f} of {len(green)}")
    assert red_ok >= 0.95, [t[:90] for s, t in red if s < 4][:5]
    assert green_ok >= 0.95, [t[:90] for s, t in green if s > 2][:5]


def test_state_department_levels(shared_dir: Path) -> None:
    path = shared_dir / "feeds" / "real" / "us-state-dept-travel-advisories-rss2-2021-03-01.xml"
    levels: dict[int, list[tuple[int, str]]] = {1: [], 4: []}
    for e, text in _entries(path):
        m = re.search(r"Level (\d)", e.get("title", ""))
        if m and int(m.group(1)) in levels:
            levels[int(m.group(1))].append((_severity(text), text))
    assert len(levels[4]) >= 20 and len(levels[1]) >= 2
    assert all(s >= 4 for s, _ in levels[4]), [t[:80] for s, t in levels[4] if s < 4]
    assert all(s <= 2 for s, _ in levels[1]), [t[:80] for s, t in levels[1] if s > 2]


def test_sport_business_and_culture_stay_below_three(shared_dir: Path) -> None:
    soft = []
    for name in NEWS:
        for e, text in _entries(shared_dir / "feeds" / "real" / name):
            if _SOFT_SECTIONS.search(e.get("link", "")):
                soft.append(text)
    assert len(soft) >= 30
    loud = [
        (text[:80], explain(assess(text, rules=RULES))) for text in soft if _severity(text) >= 3
    ]
    assert not loud, loud
