"""What clustering needs of one report, computed once for all its candidate events.

    report_sketch(report) -> sketch          the text sketch, place names as common words
    report_tiers(report) -> Tiers            the same, as hashes by tier
    link_ids(report) -> ids                  GDACS / CAP identifiers
    report_time(report, now) -> datetime     the report's date, never later than now
    probe(report, now) -> Probe              all of the above and the headline cues

Pure. A report is compared with every open event near it, so whatever depends on the report
alone is worked out here once (the index and the decision both ask, one after the other).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from alerts import cues, similarity, sketches
from alerts.cluster_places import Spot
from alerts.models import Place, PlaceKind, Report

__all__ = ["Probe", "link_ids", "probe", "report_sketch", "report_tiers", "report_time"]


@dataclass(frozen=True, slots=True, eq=False)
class Probe:
    """A report prepared for matching: its time, text sketch, identifiers and cues."""

    report: Report
    t: datetime
    tiers: similarity.Tiers  # the text's feature hashes by tier (``report_tiers``)
    query: sketches.Query
    ids: frozenset[str]
    onset: bool  # the headline announces an incident rather than following one up
    places: tuple[Place, ...]
    countries: tuple[str, ...]
    protest: bool  # the text is about people protesting (two protest words)
    towns: tuple[tuple[Place, frozenset[int]], ...]  # specific places with their name's hashes
    spot: Spot  # the places and countries again, as place matching asks of them
    keys: frozenset[int]  # the names and the towns' name hashes: what links it to far events


def probe(report: Report, now: datetime) -> Probe:
    """The report prepared for matching (the last one is kept: callers ask twice)."""
    t = report_time(report, now)
    last = _last_probe[0]
    if last is not None and last.report is report and last.t == t:
        return last
    text = report.item.text  # made on each access: made once here
    tiers = _tiers(report, text)
    places, countries = _where(report, text)
    query = sketches.Query(tiers=tiers)
    towns = tuple((p, similarity.hashes(p.matched or p.name)) for p in places if p.kind in _TOWN)
    # By position, in the order of the fields: a frozen dataclass takes keywords slower.
    made = Probe(
        report,
        t,
        tiers,
        query,
        link_ids(report),
        cues.is_onset(report.item.title),
        places,
        countries,
        cues.protest_cues(query) >= 2,
        towns,
        Spot.of(places, countries),
        tiers.names.union(*(h for _, h in towns)) if towns else tiers.names,
    )
    _last_probe[0] = made
    return made


def _where(report: Report, text: str) -> tuple[tuple[Place, ...], tuple[str, ...]]:
    """The report's places and countries without those named only in a clause about another
    incident; a country goes with them when all its places do (``text``: the report's)."""
    loc = report.location
    spans = similarity.reference_spans(text) if loc.places else []
    if not spans:
        return loc.places, loc.countries
    kept = tuple(p for p in loc.places if not _inside(p, text, spans))
    gone = {p.country for p in loc.places} - {p.country for p in kept}
    return kept, tuple(c for c in loc.countries if c not in gone)


def _inside(place: Place, text: str, spans: list[tuple[int, int]]) -> bool:
    """True when every mention of the place is inside a span."""
    if place.span is None:
        return False
    name = text[place.span[0] : place.span[1]]
    start = text.find(name)
    while start != -1:
        if not any(a <= start < b for a, b in spans):
            return False
        start = text.find(name, start + 1)
    return True


_TOWN = (PlaceKind.CITY, PlaceKind.POINT, PlaceKind.AIRPORT)

# One slot each, compared by identity: hashing a whole Report would cost more than it saves.
_last_probe: list[Probe | None] = [None]
_last_tiers: list[tuple[Report, similarity.Tiers] | None] = [None]


def link_ids(report: Report) -> frozenset[str]:
    """Identifiers that tie reports together whatever their text: GDACS event ids, CAP ids."""
    h = report.item.hints
    if not h.gdacs_event_id and not h.cap_identifier:
        return frozenset()
    ids = set()
    if h.gdacs_event_id:
        ids.add(f"gdacs:{h.gdacs_event_type or ''}:{h.gdacs_event_id}")
    if h.cap_identifier:
        ids.add(f"cap:{h.cap_identifier}")
    return frozenset(ids)


def report_sketch(report: Report) -> tuple[int, ...]:
    """The report's text sketch; the names of its located places and countries count only
    as common words, so that two incidents in one city do not look alike by its name."""
    return report_tiers(report).sketch()


def report_tiers(report: Report) -> similarity.Tiers:
    """``report_sketch`` as hashes by tier."""
    return _tiers(report, report.item.text)


def _tiers(report: Report, text: str) -> similarity.Tiers:
    """``report_tiers``, given the report's text."""
    last = _last_tiers[0]
    if last is not None and last[0] is report:
        return last[1]
    loc = report.location
    located = [p.matched or p.name for p in loc.places]
    located += map(_country, loc.countries)
    tiers = similarity.located_tiers(text, similarity.located_words(located))
    _last_tiers[0] = (report, tiers)
    return tiers


@functools.cache
def _country(iso2: str) -> str:
    from alerts.gazetteer import load  # loaded once per process, only for country names

    return load().country_name(iso2)


def report_time(report: Report, now: datetime) -> datetime:
    """When the report happened for clustering: its date, never later than now."""
    return min(report.item.published, now)
