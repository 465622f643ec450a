"""Locate against labels from real systems in ../shared/feeds/real (text only, hints withheld).

GDACS states each event's country (gdacs:iso3), USGS its epicentre (georss:point), the State
Department the country of each advisory (Country-Tag, a FIPS code). Only the title and the
summary text are given to ``locate``; the structured facts are the truth.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import feedparser
import pytest

from alerts.gazetteer import km, load
from alerts.locate import locate

_TAG = re.compile(r"<[^>]+>")


def _text(entry: Any) -> str:
    summary = html.unescape(_TAG.sub(" ", entry.get("summary", "") or "")).strip()
    title = html.unescape(entry.get("title", "") or "")
    return f"{title}. {summary}" if summary else title


def _entries(paths: list[Path]) -> list[Any]:
    out: list[Any] = []
    for path in paths:
        out.extend(feedparser.parse(path.read_bytes()).entries)
    return out


@pytest.fixture(scope="module")
def real(shared_dir: Path) -> Path:
    return shared_dir / "feeds" / "real"


def test_gdacs_country_matches_iso3(real: Path) -> None:
    gaz = load()
    paths = sorted(real.glob("gdacs-rss*.xml")) + sorted(real.glob("gdacs-archive*.xml"))
    pairs = [
        (gaz.iso3.get(str(e.get("gdacs_iso3", "")).strip().upper()), _text(e))
        for e in _entries(paths)
    ]
    pairs = [(cc, text) for cc, text in pairs if cc]
    hits = sum(locate(text).countries[:1] == (cc,) for cc, text in pairs)
    assert len(pairs) > 300
    assert hits / len(pairs) >= 0.95, f"{hits}/{len(pairs)}"


def _point(entry: Any) -> tuple[float, float] | None:
    where = entry.get("where") or {}  # feedparser's GeoJSON for georss:point: (lon, lat)
    coords = where.get("coordinates")
    if not coords or where.get("type") != "Point":
        return None
    return float(coords[1]), float(coords[0])


def test_usgs_place_within_161_km_of_epicentre(real: Path) -> None:
    rows = [(_point(e), _text(e)) for e in _entries(sorted(real.glob("usgs-*.xml")))]
    rows = [(p, text) for p, text in rows if p is not None]
    hits = sum(
        any(km(p[0], p[1], place.lat, place.lon) <= 161 for place in locate(text).places)
        for p, text in rows
        if p is not None
    )
    assert len(rows) > 1000
    assert hits / len(rows) >= 0.70, f"{hits}/{len(rows)}"


def test_state_department_main_country(real: Path) -> None:
    gaz = load()
    path = real / "us-state-dept-travel-advisories-rss2-2021-03-01.xml"
    rows = []
    for e in _entries([path]):
        tags = [t.get("term", "") for t in e.get("tags", []) if t.get("scheme") == "Country-Tag"]
        iso = gaz.fips.get(tags[0]) if tags else None  # FIPS 10-4, not ISO: map it
        if iso:
            rows.append((iso, _text(e)))
    hits = sum(locate(text).countries[:1] == (iso,) for iso, text in rows)
    assert len(rows) > 150
    assert hits / len(rows) >= 0.98, f"{hits}/{len(rows)}"
