"""Structured hints a feed states about an item: GeoRSS, GDACS, CAP and advisory levels.

Input is a feedparser entry (a mapping); output is the frozen ``Hints`` record. Malformed
values are dropped, never guessed: a hint is a fact the publisher stated or nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from alerts.models import Hints

# Namespaces of hint elements, which the fast parser does not expose (parse_ns reads them).
HINT_MARKERS = ("georss", "gdacs", "emergency:cap", "w3.org/2003/01/geo", "<cap:", "<geo:")
_LEVEL = re.compile(r"^(?P<country>.+?)\s+[-–—]\s+Level\s+(?P<level>[1-4])\s*:", re.IGNORECASE)
_MAX_POLYGON = 2000  # points; enough for any alert area, bounded against hostile input


def has_hint_namespaces(text: str) -> bool:
    """True when the document uses a namespace of hint elements (a scan in C)."""
    return any(marker in text for marker in HINT_MARKERS)


def from_title(title: str) -> Hints:
    """Hints readable from a title alone: a State Department style 'X - Level N: ...'."""
    match = _LEVEL.match(title)
    if match is None:
        return Hints()
    return Hints(state_dept_level=int(match["level"]), country_name=match["country"].strip())


def with_title(hints: Hints | None, title: str) -> Hints:
    """``hints`` completed with what the clean title states (its level and country win)."""
    base = from_title(title)
    if hints is None:
        return base
    if base.state_dept_level is None:
        return hints
    return replace(hints, state_dept_level=base.state_dept_level, country_name=base.country_name)


def from_entry(entry: Mapping[str, Any]) -> Hints:
    """The namespaced hints of one entry given as feedparser-style keys."""
    return Hints(
        point=_point(entry),
        box=_box(entry),
        gdacs_alert_level=_text(entry, "gdacs_alertlevel"),
        gdacs_event_type=_text(entry, "gdacs_eventtype"),
        gdacs_event_id=_text(entry, "gdacs_eventid"),
        gdacs_episode_id=_text(entry, "gdacs_episodeid"),
        iso3=_iso3(entry),
        cap_identifier=_text(entry, "cap_identifier"),
        cap_severity=_text(entry, "cap_severity"),
        cap_urgency=_text(entry, "cap_urgency"),
        cap_certainty=_text(entry, "cap_certainty"),
        cap_area_desc=_text(entry, "cap_areadesc"),
        cap_polygon=_polygon(entry.get("cap_polygon")),
        country_name=_text(entry, "gdacs_country"),
    )


def _text(entry: Mapping[str, Any], key: str) -> str | None:
    value = entry.get(key)
    if not isinstance(value, str):
        return None
    value = " ".join(value[:2000].split())[:500]
    return value or None


def _iso3(entry: Mapping[str, Any]) -> str | None:
    value = _text(entry, "gdacs_iso3")
    return value.upper() if value and len(value) == 3 and value.isalpha() else None


def _latlon(lat: object, lon: object) -> tuple[float, float] | None:
    try:
        la, lo = float(str(lat)), float(str(lon))
    except ValueError:
        return None
    if not (math.isfinite(la) and math.isfinite(lo) and -90 <= la <= 90 and -180 <= lo <= 180):
        return None
    return (la, lo)


def _point(entry: Mapping[str, Any]) -> tuple[float, float] | None:
    where = entry.get("where")
    if isinstance(where, Mapping) and where.get("type") == "Point":
        coords = where.get("coordinates")
        if isinstance(coords, tuple | list) and len(coords) >= 2:
            return _latlon(coords[1], coords[0])  # GeoJSON order is (lon, lat)
    if "geo_lat" in entry and "geo_long" in entry:
        return _latlon(entry["geo_lat"], entry["geo_long"])
    parts = (_text(entry, "georss_point") or "").split()  # "lat lon"
    return _latlon(parts[0], parts[1]) if len(parts) == 2 else None


def _box(entry: Mapping[str, Any]) -> tuple[float, float, float, float] | None:
    where = entry.get("where")
    if isinstance(where, Mapping) and where.get("type") in ("Box", "Polygon"):
        # feedparser gives a Box as two (lon, lat) corners, a Polygon as rings of them.
        coords = where.get("coordinates") or ()
        ring = coords if where["type"] == "Box" else (coords[0] if coords else ())
        points = [p for p in (_latlon(c[1], c[0]) for c in ring if len(c) >= 2) if p]
        if points:
            lats, lons = [p[0] for p in points], [p[1] for p in points]
            return (min(lats), min(lons), max(lats), max(lons))
    parts = (_text(entry, "georss_box") or "").split()  # "south west north east"
    if len(parts) == 4:
        south_west, north_east = _latlon(parts[0], parts[1]), _latlon(parts[2], parts[3])
        if south_west and north_east:
            return (*south_west, *north_east)
    return _gdacs_bbox(_text(entry, "gdacs_bbox"))


def _gdacs_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    # GDACS writes "west east south north".
    parts = (value or "").split()
    if len(parts) != 4:
        return None
    south_west = _latlon(parts[2], parts[0])
    north_east = _latlon(parts[3], parts[1])
    if south_west is None or north_east is None:
        return None
    return (south_west[0], south_west[1], north_east[0], north_east[1])


def _polygon(value: object) -> tuple[tuple[float, float], ...] | None:
    # CAP writes "lat,lon lat,lon ..." with the first point repeated at the end.
    if not isinstance(value, str) or not value.strip():
        return None
    points = []
    for pair in value[: _MAX_POLYGON * 40].split()[:_MAX_POLYGON]:
        lat, _, lon = pair.partition(",")
        point = _latlon(lat, lon)
        if point is None:
            return None
        points.append(point)
    return tuple(points) if len(points) >= 3 else None
