"""Plain template values built from records: cleaned, worded in the reader's language.

Everything from a feed passes through ``line`` or ``clean`` (controls dropped, capped) and
links through ``safe_url`` (http(s) only); Jinja's autoescape then escapes the HTML. Lists
hold ``SimpleNamespace`` items because Jinja reads ``s.title`` as an attribute first and a
dict would raise and catch an AttributeError on every lookup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from countryinfo import CountryInfo

from alerts import mime
from alerts.models import Change, ChangeReason, Event, Place, PlaceKind

SEVERITY_COLOURS = ("#607d8b", "#2e7d32", "#9e9d24", "#ef6c00", "#c62828", "#6a1b9a")
MAP_ZOOM = {PlaceKind.COUNTRY: 5, PlaceKind.REGION: 7, PlaceKind.CITY: 11, PlaceKind.AIRPORT: 13}
# Most urgent first: the mail leads with what keeps people safe.
ACTION_ORDER = (
    "shelter_in_place", "evacuation", "limit_movement", "curfew", "airport_closed",
    "border_closed", "avoid_area", "roads_blocked", "transport_suspended", "comms_outage",
    "state_of_emergency", "airport_reopened", "all_clear",
)  # fmt: skip
_BLANK_RUNS = re.compile(r"\n\s*\n(\s*\n)+")
# Scheme, a non-empty host, then anything but whitespace, quotes, brackets and controls
# (bidi overrides included): one regex, ~10x cheaper than urlsplit and the checks.
_NOT_IN_URL = r"\s\"'<>\\`\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069"
_SAFE_URL = re.compile(f"(?i)https?://[^{_NOT_IN_URL}/?#]+(?:[/?#][^{_NOT_IN_URL}]*)?")


def clean(value: str, limit: int = 4000) -> str:
    """Untrusted multi-line text: controls dropped, blank runs shortened, length capped."""
    text = mime._CONTROLS.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return _BLANK_RUNS.sub("\n\n", text).strip()[:limit]


def line(value: str, limit: int = 300) -> str:
    """Untrusted text for one line (a title, a name): no breaks, no controls, capped."""
    text = mime.one_line(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def safe_url(value: str | None) -> str | None:
    """``value`` if it is an absolute http(s) URL without spaces, quotes or controls, else None."""
    url = (value or "").strip()
    return url if _SAFE_URL.fullmatch(url) else None


@lru_cache(maxsize=512)
def country_name(code: str, language: str) -> str:
    """The country's name in ``language`` when known (countryinfo data), else in English."""
    try:
        info = CountryInfo(code)
        return str(info.translations().get(language) or info.name().title())
    except Exception:  # an unknown code is shown as it is
        return code


def format_date(when: datetime, words: Mapping[str, Any], form: str = "date") -> str:
    """``when`` in words: "23 Nov 2026 21:13 UTC", or with ``form="day"`` "23 Nov 2026"."""
    t = when.astimezone(UTC)
    return str(words[form]).format(
        day=t.day, month=words["months"][t.month - 1], year=t.year, hour=t.hour, minute=t.minute
    )


def where(event: Event, words: Mapping[str, Any]) -> str:
    """ "Mali, Bamako": the country, then the most specific place that is not the country."""
    country = event.countries[0] if event.countries else (
        event.places[0].country if event.places else ""
    )  # fmt: skip
    parts = [country_name(country, words["lang"])] if country else []
    spot = next((p for p in event.places if p.kind is not PlaceKind.COUNTRY), None)
    if spot is not None and line(spot.name) not in parts:
        parts.append(line(spot.name, 80))
    return ", ".join(parts) or str(words["nowhere"])


def subject(event: Event, reason: ChangeReason, words: Mapping[str, Any]) -> str:
    """``[SEV 4 HIGH] Mali, Bamako: attack near airport; airport closed`` with its prefix."""
    level = max(0, min(5, event.severity))
    headline = line(event.headline, 160)
    extras = [
        str(words["signal_short"][s.value]) for s in sorted(event.signals)
        if s.value in words["signal_short"] and reason is not ChangeReason.RESOLVED
        and str(words["signal_short"][s.value]).casefold() not in headline.casefold()
    ]  # fmt: skip
    return line(
        words["subject"].format(
            prefix=words["prefix"][reason.value], level=level,
            word=str(words["severity"][level]).upper(), where=where(event, words),
            headline="; ".join([headline, *extras]),
        ),
        250,
    )  # fmt: skip


def actions(event: Event, words: Mapping[str, Any], place: str) -> list[str]:
    """What to do, most urgent first: the signals' advice, else advice by severity."""
    if event.resolved:
        return [str(words["resolved_action"])]
    names = {s.value for s in event.signals}
    said = [words["action"][n].format(place=place) for n in ACTION_ORDER if n in names]
    level = max(0, min(5, event.severity))
    return said or [str(words["default_action"][level]).format(place=place)]


def place_values(p: Place, words: Mapping[str, Any]) -> SimpleNamespace:
    """A place for the templates, with an OpenStreetMap link to its coordinates."""
    zoom = MAP_ZOOM.get(p.kind, 14)
    lat, lon = f"{p.lat:.5f}", f"{p.lon:.5f}"
    return SimpleNamespace(
        name=line(p.name, 120),
        country=country_name(p.country, words["lang"]),
        lat=lat,
        lon=lon,
        map=f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map={zoom}/{lat}/{lon}",
    )


def source_values(event: Event, words: Mapping[str, Any]) -> list[SimpleNamespace]:
    """The reports, oldest first (at most 20), with links only when they are http(s)."""
    return [
        SimpleNamespace(
            outlet=line(s.outlet, 120),
            title=line(s.title, 300),
            link=safe_url(s.link),
            seen=format_date(s.seen, words),
        )
        for s in sorted(event.sources, key=lambda s: s.seen)[:20]
    ]


def event_values(
    event: Event, change: Change, words: Mapping[str, Any], reasons: Sequence[str]
) -> dict[str, Any]:
    """Plain, cleaned values that the templates show for one event (same for every reader)."""
    level = max(0, min(5, event.severity))
    places = [place_values(p, words) for p in event.places[:5]]
    spot = places[0].name if places else where(event, words)
    sources = source_values(event, words)
    return {
        "event_id": event.id, "revision": event.revision,
        "headline": line(event.headline), "summary": clean(event.summary),
        "category": words["category"].get(event.category.value, event.category.value),
        "level": level, "severity": words["severity"][level], "colour": SEVERITY_COLOURS[level],
        "where": where(event, words), "places": places, "actions": actions(event, words, spot),
        "sources": sources, "reasons": [line(r, 200) for r in reasons[:12]],
        "reason": change.reason.value, "reason_text": words["reason"][change.reason.value],
        "detail": clean(change.detail, 600), "first_seen": format_date(event.first_seen, words),
        "last_seen": format_date(event.last_seen, words), "resolved": event.resolved,
        "link": next((s.link for s in sources if s.link), None),
        "subject": subject(event, change.reason, words),
    }  # fmt: skip
