"""Cluster: fold one report into the open events it may belong to, with a named reason.

    fold(report, candidates, now, policy) -> Change      the report joins or starts an event
    expire(event, now, policy) -> Change | None          RESOLVED by silence, or REMINDER

Pure: time is an argument, nothing is read or written. Whether a report belongs to an event
is decided by place, category, time and text (``match_score``); the choice becomes an
updated event and one reason:

* NEW: the first change about an event that is worth telling (severity >= ``min_severity``).
  A severity-0 report never notifies: it starts a silent event (reason NONE, revision 0) that
  becomes NEW if a worse report joins it later.
* ESCALATED: severity rose by at least ``severity_step`` above the event's highest.
* UPDATED: a new signal (airport_closed, airport_reopened, curfew, ...).
* RESOLVED: an all-clear signal, or (``expire``) no report for ``expiry``.
* REMINDER: still active after ``repeat`` since the last mail (off unless configured).
* NONE: another report of what people were already told, or a report already folded.

Event ids are "ev-" + a hash of the first report's feed and key, so replaying a poll gives
the same ids; ``revision`` rises with every notifying change.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Any

from alerts import similarity
from alerts.models import (
    Category,
    Change,
    ChangeReason,
    Event,
    Place,
    PlaceKind,
    Report,
    Signal,
    Source,
)

__all__ = [
    "ClusterPolicy",
    "best_match",
    "compatible",
    "event_id",
    "expire",
    "fold",
    "link_ids",
    "match_score",
    "place_relation",
    "report_sketch",
]

MAX_PLACES = 12
MAX_SOURCES = 30  # a long-running event keeps its first and latest reports (the items table has all)
_NEUTRAL = frozenset({Category.NONE, Category.ADVISORY})


@dataclass(frozen=True)
class ClusterPolicy:
    """How reports become events; ``clustering:`` in alerts.yaml (durations in hours or "4d")."""

    window: timedelta = timedelta(hours=96)  # after last_seen, an event still takes reports
    expiry: timedelta = timedelta(hours=96)  # silence after which an event is RESOLVED
    repeat: timedelta | None = None  # REMINDER interval; None = no reminders
    severity_step: int = 1  # ESCALATED when severity rises by at least this
    min_severity: int = 1  # below this a report never notifies
    sequence: timedelta = timedelta(hours=24)  # shocks of one sequence; a new onset after is new
    fresh: timedelta = timedelta(hours=6)  # early reports of one story differ most in wording
    city_km: float = 40.0  # two places this close are one place
    region_km: float = 80.0  # between a region's centre and a place
    area_km: float = 150.0  # for natural hazards (one contiguous area)
    min_similarity: float = 0.08  # text overlap needed when only the country is shared
    onset_similarity: float = 0.3  # ... when a later report announces an incident
    fresh_similarity: float = 0.08  # ... when it announces one within ``fresh`` of the first
    far_similarity: float = 0.25  # ... when the places differ (manhunt abroad, reactions)
    category_similarity: float = 0.4  # ... when the categories do not go together
    same_category_similarity: float = 0.03  # ... country-level, when the categories agree

    @classmethod
    def from_mapping(cls, d: Mapping[str, Any]) -> ClusterPolicy:
        """A policy from plain config values; ValueError names the field on bad input."""
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for name, raw in d.items():
            if name not in known:
                raise ValueError(f"{name}: unknown field (known: {', '.join(known)})")
            values[name] = _convert(name, raw, getattr(cls(), name))
        policy = cls(**values)
        if policy.window <= timedelta(0) or policy.expiry <= timedelta(0):
            raise ValueError("window/expiry: must be positive")
        return policy


def _convert(name: str, raw: Any, default: Any) -> Any:
    if name == "repeat" and raw in (None, False, 0, "off", "none"):
        return None
    if isinstance(default, timedelta) or name == "repeat":
        return _duration(name, raw)
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ValueError(f"{name}: expected a number, got {raw!r}")
    if raw < 0:
        raise ValueError(f"{name}: must not be negative, got {raw!r}")
    return int(raw) if isinstance(default, int) else float(raw)


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhd]?)\s*$")
_UNITS = {"m": 1 / 60, "h": 1.0, "d": 24.0, "": 1.0}


def _duration(name: str, raw: Any) -> timedelta:
    if isinstance(raw, timedelta):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool) and raw > 0:
        return timedelta(hours=raw)
    m = _DURATION.match(raw) if isinstance(raw, str) else None
    if m is None or float(m.group(1)) <= 0:
        raise ValueError(f"{name}: expected a positive duration in hours or like '4d', got {raw!r}")
    return timedelta(hours=float(m.group(1)) * _UNITS[m.group(2)])


def fold(
    report: Report, candidates: Sequence[Event], now: datetime, policy: ClusterPolicy
) -> Change:
    """Join the best matching open event, or start a new one; say why in the reason."""
    for event in candidates:
        if _already_folded(report, event):
            return Change(event, ChangeReason.NONE, "report already folded into this event")
    sketch = report_sketch(report)
    chosen = best_match(report, sketch, candidates, now, policy)
    if chosen is None:
        return _start(report, sketch, now, policy)
    return _join(chosen, report, sketch, now, policy)


def expire(event: Event, now: datetime, policy: ClusterPolicy) -> Change | None:
    """RESOLVED when nothing was reported for ``policy.expiry``; REMINDER when one is due."""
    if event.resolved or event.revision == 0:
        return None  # nothing open, or nobody was ever told
    silent = now - event.last_seen
    if silent >= policy.expiry:
        hours = int(silent.total_seconds() // 3600)
        return _notify(
            replace(event, resolved=True), ChangeReason.RESOLVED, f"no report for {hours} h", now
        )
    since = event.last_notified or event.first_seen
    if policy.repeat is not None and now - since >= policy.repeat:
        hours = int((now - since).total_seconds() // 3600)
        return _notify(event, ChangeReason.REMINDER, f"still active after {hours} h", now)
    return None


def event_id(report: Report) -> str:
    """Deterministic id from the first report's feed and key: repeating a poll is idempotent."""
    digest = hashlib.sha256(f"{report.item.feed}\0{report.item.key}".encode()).hexdigest()
    return "ev-" + digest[:16]


def link_ids(report: Report) -> frozenset[str]:
    """Identifiers that tie reports together whatever their text: GDACS event ids, CAP ids."""
    h = report.item.hints
    ids = set()
    if h.gdacs_event_id:
        ids.add(f"gdacs:{h.gdacs_event_type or ''}:{h.gdacs_event_id}")
    if h.cap_identifier:
        ids.add(f"cap:{h.cap_identifier}")
    return frozenset(ids)


def report_sketch(report: Report) -> tuple[int, ...]:
    """The report's text sketch; the names of its located places and countries count only
    as common words, so that two incidents in one city do not look alike by its name."""
    last = _last_sketch[0]
    if last is not None and last[0] is report:
        return last[1]  # the index and the decision both ask, one after the other
    loc = report.location
    located = [p.matched or p.name for p in loc.places] + [_country(c) for c in loc.countries]
    sketch = similarity.sketch(report.item.text, exclude=located)
    _last_sketch[0] = (report, sketch)
    return sketch


# One slot, compared by identity: hashing a whole Report would cost more than it saves.
_last_sketch: list[tuple[Report, tuple[int, ...]] | None] = [None]


@functools.cache
def _country(iso2: str) -> str:
    from alerts.gazetteer import load  # loaded once per process, only for country names

    return load().country_name(iso2)


def report_time(report: Report, now: datetime) -> datetime:
    """When the report happened for clustering: its date, never later than now."""
    return min(report.item.published, now)


# ---------------------------------------------------------------- building events


def _already_folded(report: Report, event: Event) -> bool:
    item = report.item
    for s in event.sources:
        if item.link and s.link == item.link:
            return True
        if not item.link and s.outlet == _outlet(report) and s.title == item.title:
            return True
    return False


def _outlet(report: Report) -> str:
    return report.item.source_name or report.item.feed


def _source(report: Report, now: datetime) -> Source:
    item = report.item
    return Source(_outlet(report), item.link, item.title, report_time(report, now))


def _start(report: Report, sketch: tuple[int, ...], now: datetime, policy: ClusterPolicy) -> Change:
    a, seen = report.assessment, report_time(report, now)
    event = Event(
        id=event_id(report),
        headline=report.item.title,
        category=a.category,
        severity=a.severity,
        max_severity=a.severity,
        signals=frozenset(a.signals) - {Signal.ALL_CLEAR},
        countries=report.location.countries,
        places=report.location.places[:MAX_PLACES],
        first_seen=seen,
        last_seen=seen,
        sources=(_source(report, now),),
        summary=report.item.summary,
        link_ids=link_ids(report),
        fingerprint=similarity.merge((), sketch),
    )
    if a.severity < policy.min_severity:
        return Change(event, ChangeReason.NONE, f"not a security incident (severity {a.severity})")
    return _notify(event, ChangeReason.NEW, f"{a.category.value}, severity {a.severity}", now)


def _join(
    event: Event, report: Report, sketch: tuple[int, ...], now: datetime, policy: ClusterPolicy
) -> Change:
    reason, detail = _reason(event, report, policy)
    changes = _grown(event, report, sketch, now)
    if reason is not ChangeReason.NONE:  # one replace: this runs for every report
        changes.update(revision=event.revision + 1, last_notified=now)
    if reason is ChangeReason.NEW:
        changes.update(headline=report.item.title, max_severity=report.assessment.severity)
    elif reason in (ChangeReason.RESOLVED, ChangeReason.ESCALATED):
        changes["resolved"] = reason is ChangeReason.RESOLVED
    return Change(replace(event, **changes), reason, detail)


def _reason(event: Event, report: Report, policy: ClusterPolicy) -> tuple[ChangeReason, str]:
    a = report.assessment
    if event.revision == 0:  # nobody was told yet: the first report worth telling is NEW
        if a.severity >= policy.min_severity:
            return ChangeReason.NEW, f"{a.category.value}, severity {a.severity}"
        return ChangeReason.NONE, "another report, below the alerting severity"
    if a.severity >= event.max_severity + policy.severity_step:
        return ChangeReason.ESCALATED, f"severity {event.max_severity} -> {a.severity}"
    if event.resolved:
        return ChangeReason.NONE, "another report about a resolved event"
    if Signal.ALL_CLEAR in a.signals:
        return ChangeReason.RESOLVED, f"all clear: {report.item.title}"
    fresh = sorted(s.value for s in set(a.signals) - event.signals - {Signal.ALL_CLEAR})
    if fresh:
        return ChangeReason.UPDATED, "new signal: " + ", ".join(fresh)
    return ChangeReason.NONE, f"another report ({_outlet(report)})"


def _grown(event: Event, report: Report, sketch: tuple[int, ...], now: datetime) -> dict[str, Any]:
    """The event's fields with the report's source, places, signals, severity and text added."""
    a, seen = report.assessment, report_time(report, now)
    sources = (*event.sources, _source(report, now))
    if len(sources) > MAX_SOURCES:
        sources = (sources[0], *sources[-(MAX_SOURCES - 1) :])
    upgrade = event.category in _NEUTRAL and a.category not in _NEUTRAL
    return {
        "category": a.category if upgrade else event.category,
        "severity": a.severity if a.severity > 0 else event.severity,
        "max_severity": max(event.max_severity, a.severity),
        "signals": event.signals | (frozenset(a.signals) - {Signal.ALL_CLEAR}),
        "countries": _union(event.countries, report.location.countries),
        "places": _places(event.places, report.location.places),
        "first_seen": min(event.first_seen, seen),
        "last_seen": max(event.last_seen, seen),
        "sources": sources,
        "link_ids": event.link_ids | link_ids(report),
        "fingerprint": similarity.merge(event.fingerprint, sketch),
    }


def _union(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[str, ...]:
    return old + tuple(c for c in new if c not in old)


def _places(old: tuple[Place, ...], new: tuple[Place, ...]) -> tuple[Place, ...]:
    known = {(p.name, p.country) for p in old}
    added = tuple(p for p in new if (p.name, p.country) not in known)
    return (old + added)[:MAX_PLACES]


def _notify(event: Event, reason: ChangeReason, detail: str, now: datetime) -> Change:
    return Change(replace(event, revision=event.revision + 1, last_notified=now), reason, detail)


# ---------------------------------------------------------------- matching

_ATTACK = frozenset(
    {Category.TERRORISM, Category.ARMED_CONFLICT, Category.CRIME, Category.KIDNAPPING}
)
_UNREST = frozenset({Category.CIVIL_UNREST, Category.POLITICAL})
_HAZARD = frozenset({Category.NATURAL_DISASTER, Category.HEALTH})
_DISRUPTION = frozenset({Category.TRANSPORT, Category.INFRASTRUCTURE, Category.CYBER})
_EXACT, _SAME, _COUNTRY, _UNKNOWN, _FAR = 1.2, 1.0, 0.5, 0.3, 0.0  # how well places agree


def best_match(
    report: Report,
    sketch: tuple[int, ...],
    candidates: Sequence[Event],
    now: datetime,
    policy: ClusterPolicy,
) -> Event | None:
    """The candidate the report belongs to, or None when it is a new incident."""
    best: tuple[float, str] | None = None
    chosen = None
    for event in candidates:
        score = match_score(report, sketch, event, report_time(report, now), policy)
        if score is not None and (best is None or (score, event.id) > best):
            best, chosen = (score, event.id), event
    return chosen


def match_score(
    report: Report, sketch: tuple[int, ...], event: Event, t: datetime, policy: ClusterPolicy
) -> float | None:
    """How well a report fits an event (higher is better), or None when it must not join."""
    if t > event.last_seen + policy.window or t < event.first_seen - policy.window:
        return None
    ids = link_ids(report)
    if ids & event.link_ids:
        return 10.0  # GDACS / CAP identifiers link items whatever their wording
    if _gdacs(ids) and _gdacs(event.link_ids):
        return None  # two different GDACS events
    place = place_relation(report, event, policy)
    sim = similarity.containment(sketch, event.fingerprint)
    if _new_incident(report, sketch, event, t, (place, sim), policy):
        return None
    need = {
        _EXACT: 0.0,
        _SAME: 0.0,
        _COUNTRY: policy.min_similarity,
        _UNKNOWN: policy.min_similarity,
        _FAR: policy.far_similarity,
    }[place]
    category = report.assessment.category
    if category is event.category and category not in _NEUTRAL and place in (_COUNTRY, _UNKNOWN):
        need = policy.same_category_similarity  # the same kind of incident, in the window
    elif not compatible(category, event.category):
        need = max(need, policy.category_similarity)  # categories are noisy: text may overrule
    if sim < need:
        return None
    return place + sim - (t - event.last_seen).total_seconds() / 864000.0


def _new_incident(
    report: Report,
    sketch: tuple[int, ...],
    event: Event,
    t: datetime,
    place_sim: tuple[float, float],
    policy: ClusterPolicy,
) -> bool:
    """A headline that announces an incident, which the event's text does not bear out."""
    place, sim = place_sim
    if not similarity.is_onset(report.item.title):
        return False
    if event.resolved or place == _FAR:
        return True  # a failure after the all-clear, or the same kind of attack elsewhere
    if {report.assessment.category, event.category} <= _UNREST:
        return False  # a wave of protests goes on day after day until a pause (the window)
    mine, theirs = similarity.marks(sketch), similarity.marks(event.fingerprint)
    if mine and theirs and not mine <= theirs and t - event.first_seen > policy.sequence:
        return True  # a new magnitude days later: a new earthquake
    if place == _COUNTRY:
        ours, known = similarity.names(sketch), similarity.names(event.fingerprint)
        if ours and known and not ours & known:
            return True  # unplaced names (villages the gazetteer lacks) that disagree
    if t - event.first_seen <= policy.fresh:  # early reports of one story, same town named
        return place < _EXACT and sim < policy.fresh_similarity
    return sim < policy.onset_similarity


def _gdacs(ids: frozenset[str]) -> bool:
    return any(i.startswith("gdacs:") for i in ids)


def compatible(report: Category, event: Category) -> bool:
    """Whether a report of one category can be about an event of another.

    Advice, closures and outages follow any incident; violence inside a wave of unrest is
    part of it, but unrest after an attack or a disaster is a new incident (a reaction).
    """
    if report in _NEUTRAL or event in _NEUTRAL or report is event:
        return True
    for family in (_ATTACK, _UNREST, _HAZARD, _DISRUPTION):
        if report in family and event in family:
            return True
    if report in _DISRUPTION:
        return True
    if Category.POLITICAL in (report, event):
        return report in _ATTACK or event in _ATTACK
    if event in _UNREST:
        return report in _ATTACK
    return event in _DISRUPTION and report in _ATTACK | _HAZARD


def place_relation(report: Report, event: Event, policy: ClusterPolicy) -> float:
    """The same named place, a place nearby, the same country only, unknown (one side has
    no place), or different places."""
    loc = report.location
    if not (loc.countries or loc.places) or not (event.countries or event.places):
        return _UNKNOWN
    hazard = _HAZARD & {report.assessment.category, event.category}
    named = {(p.name, p.country) for p in event.places if p.kind is not PlaceKind.COUNTRY}
    if any((p.name, p.country) in named for p in loc.places):
        return _EXACT
    for a in loc.places:
        for b in event.places:
            if km(a, b) <= _radius(a, b, policy, bool(hazard)):
                return _SAME
    shared = set(loc.countries) & set(event.countries)
    if not shared:
        return _FAR
    if _specific(loc.places, shared) and _specific(event.places, shared):
        return _FAR  # both name a town in the country, and the towns are far apart
    return _COUNTRY


def _specific(places: Sequence[Place], countries: set[str]) -> bool:
    return any(
        p.kind in (PlaceKind.CITY, PlaceKind.POINT, PlaceKind.AIRPORT) and p.country in countries
        for p in places
    )


def _radius(a: Place, b: Place, policy: ClusterPolicy, hazard: bool) -> float:
    if hazard:
        return policy.area_km
    if PlaceKind.REGION in (a.kind, b.kind):
        return policy.region_km
    if PlaceKind.COUNTRY in (a.kind, b.kind):
        return -1.0  # a whole country is no evidence of the same spot
    return policy.city_km


def km(a: Place, b: Place) -> float:
    """Great-circle distance between two places in kilometres."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))
