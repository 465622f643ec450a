"""Cluster matching: whether a report belongs to an open event, and how well.

    best_match(report, candidates, now, policy) -> Event | None
    match_score(report, event, t, policy) -> float | None

Pure. A report fits an event when the places agree (``cluster_places``), the categories can
go together, and the texts overlap enough for that case; a report from another place joins
only through a shared name (a suspect, a venue), and a headline that announces an incident
(an onset) must also show that it is the same one. The score orders the candidates: place
agreement, then text, then recency.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from alerts import cluster_places as places
from alerts import cues, similarity, sketches
from alerts.cluster_places import COUNTRY, EXACT, FAR, HAZARD, SAME, UNKNOWN, km
from alerts.cluster_policy import ClusterPolicy
from alerts.cluster_report import Probe, link_ids, probe, report_sketch, report_time
from alerts.models import Category, Event, Report

__all__ = [
    "NEUTRAL",
    "best_match",
    "compatible",
    "km",
    "link_ids",
    "match_score",
    "place_relation",
    "report_sketch",
    "report_time",
    "score",
]

NEUTRAL = frozenset({Category.NONE, Category.ADVISORY})
_ATTACK = frozenset(
    {Category.TERRORISM, Category.ARMED_CONFLICT, Category.CRIME, Category.KIDNAPPING}
)
_UNREST = frozenset({Category.CIVIL_UNREST, Category.POLITICAL})
_DISRUPTION = frozenset({Category.TRANSPORT, Category.INFRASTRUCTURE, Category.CYBER})
_DECAY = 129600.0  # 36 h of silence cost as much as the whole text overlap: recent wins


def best_match(
    report: Report, candidates: Sequence[Event], now: datetime, policy: ClusterPolicy
) -> Event | None:
    """The candidate the report belongs to, or None when it is a new incident."""
    p = probe(report, now)
    best: tuple[float, str] | None = None
    chosen = None
    lo, hi = p.t - policy.window, p.t + policy.window
    for event in candidates:
        if event.last_seen < lo or event.first_seen > hi:
            continue
        value = _score(p, event, policy)
        if value is not None and (best is None or (value, event.id) > best):
            best, chosen = (value, event.id), event
    return chosen


def match_score(report: Report, event: Event, t: datetime, policy: ClusterPolicy) -> float | None:
    """How well a report fits an event (higher is better), or None when it must not join."""
    return score(probe(report, t), event, policy)


def place_relation(report: Report, event: Event, policy: ClusterPolicy) -> float:
    """The same named place, a place nearby, the same country only, unknown (one side has
    no place), or different places (``cluster_places``)."""
    loc = report.location
    hazard = report.assessment.category in HAZARD or event.category in HAZARD
    return places.relation(places.Spot.of(loc.places, loc.countries), hazard, event, policy)


def score(p: Probe, event: Event, policy: ClusterPolicy) -> float | None:
    """``match_score`` for a prepared report.

    The tests run cheapest first: time, identifiers, places, and the text overlap last.
    """
    t = p.t
    if t - policy.window > event.last_seen or t + policy.window < event.first_seen:
        return None
    return _score(p, event, policy)


def _score(p: Probe, event: Event, policy: ClusterPolicy) -> float | None:
    """``score`` for an event within the time window."""
    t = p.t
    if p.ids:
        if p.ids & event.link_ids:
            return 10.0  # GDACS / CAP identifiers link items whatever their wording
        if _gdacs(p.ids) and _gdacs(event.link_ids):
            return None  # two different GDACS events
    category = _category(p, event) if p.protest else p.report.assessment.category
    hazard = category in HAZARD or event.category in HAZARD
    place = places.relation(p.spot, hazard, event, policy)
    if place == UNKNOWN and _names_place(p, event):
        place = EXACT  # the classifier missed the place, but the text names the event's town
    elif place == FAR:
        if p.keys.isdisjoint(sketches.names_of(event.fingerprint)):
            return None  # different places: only a shared name (a suspect, a venue) links them
        if p.towns and _placed_elsewhere(p, event):
            place = UNKNOWN  # the event names the report's town but put it in another country
    if p.onset and (place == FAR or event.resolved):
        return None  # an onset elsewhere or after the all-clear (``_new_incident``)
    sim = p.query.containment(event.fingerprint)
    if sim < _needed(category, event.category, place, policy):
        return None
    if p.onset and _new_incident(p, event, place, sim, policy):
        return None
    return place + sim - (t - event.last_seen).total_seconds() / _DECAY


def _category(p: Probe, event: Event) -> Category:
    """The report's category, or civil unrest for a report about people protesting against
    what an event without protests did (a reaction is a new incident)."""
    category = p.report.assessment.category
    calm = category not in _UNREST and event.category not in _UNREST | NEUTRAL
    if p.protest and calm and not cues.mentions_protest(event.fingerprint):
        return Category.CIVIL_UNREST
    return category


def _names_place(p: Probe, event: Event) -> bool:
    """True when an unplaced report names one of the event's towns (a region or country
    name says too little)."""
    if p.places or p.countries:
        return False
    return any(
        b.kind in places.SPECIFIC
        and (h := similarity.hashes(b.matched or b.name))
        and p.query.has(h)
        for b in event.places
    )


def _placed_elsewhere(p: Probe, event: Event) -> bool:
    """True when the event's text has the report's town as a name while the event has no
    place in that town's country: one of the two was put in the wrong country."""
    known = event.countries
    for a, name in p.towns:
        if a.country not in known and name and sketches.has_name(event.fingerprint, name):
            return True
    return False


def _needed(mine: Category, theirs: Category, place: float, policy: ClusterPolicy) -> float:
    """The text overlap a report needs to join, given how places and categories agree."""
    if place in (EXACT, SAME):
        need = 0.0
    elif place == FAR:
        need = policy.far_similarity
    else:
        need = policy.min_similarity
    if mine is theirs and mine not in NEUTRAL and place in (COUNTRY, UNKNOWN):
        return policy.same_category_similarity  # the same kind of incident, in the window
    if (mine, theirs) not in _COMPATIBLE:
        return max(need, policy.category_similarity)  # categories are noisy: text may overrule
    return need


def _new_incident(p: Probe, event: Event, place: float, sim: float, policy: ClusterPolicy) -> bool:
    """A headline that announces an incident, which the event's text does not bear out."""
    if event.resolved or place == FAR:
        return True  # a failure after the all-clear, or the same kind of attack elsewhere
    if {p.report.assessment.category, event.category} <= _UNREST:
        return False  # a wave of protests goes on day after day until a pause (the window)
    mine = p.tiers.marks
    theirs = sketches.marks(event.fingerprint) if mine else frozenset()
    if theirs and not mine <= theirs and p.t - event.first_seen > policy.sequence:
        return True  # a new magnitude days later: a new earthquake
    names = p.tiers.names
    if place == COUNTRY and names:
        known = sketches.names(event.fingerprint)
        if known and not names & known:
            return True  # unplaced names (villages the gazetteer lacks) that disagree
    if p.t - event.first_seen <= policy.fresh:  # early reports of one story, same town named
        return place < EXACT and sim < policy.fresh_similarity
    return sim < policy.onset_similarity


def _gdacs(ids: frozenset[str]) -> bool:
    return any(i.startswith("gdacs:") for i in ids)


def compatible(report: Category, event: Category) -> bool:
    """Whether a report of one category can be about an event of another.

    Advice, closures and outages follow any incident; violence inside a wave of unrest is
    part of it, but unrest after an attack or a disaster is a new incident (a reaction).
    """
    if report in NEUTRAL or event in NEUTRAL or report is event:
        return True
    for family in (_ATTACK, _UNREST, HAZARD, _DISRUPTION):
        if report in family and event in family:
            return True
    if report in _DISRUPTION:
        return True
    if Category.POLITICAL in (report, event):
        return report in _ATTACK or event in _ATTACK
    if event in _UNREST:
        return report in _ATTACK
    return event in _DISRUPTION and report in _ATTACK | HAZARD


_COMPATIBLE = frozenset((a, b) for a in Category for b in Category if compatible(a, b))
