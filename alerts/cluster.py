"""Cluster: fold one report into the open events it may belong to, with a named reason.

    fold(report, candidates, now, policy) -> Change      the report joins or starts an event
    expire(event, now, policy) -> Change | None          RESOLVED by silence, or REMINDER

Pure: time is an argument, nothing is read or written. Whether a report belongs to an event
is decided by place, category, time and text (``cluster_match``); the policy is in
``cluster_policy``. The choice becomes an updated event and one reason:

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

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from alerts import sketches
from alerts.cluster_match import (
    NEUTRAL,
    best_match,
    compatible,
    link_ids,
    match_score,
    place_relation,
    report_sketch,
    report_time,
)
from alerts.cluster_policy import ClusterPolicy
from alerts.cluster_records import Places, Sources, joined, places_of, sources_of
from alerts.cluster_report import Probe, probe
from alerts.models import Change, ChangeReason, Event, Place, Report, Signal, Source

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
    "report_time",
]

MAX_PLACES = 12
MAX_SOURCES = (
    30  # a long-running event keeps its first and latest reports (the items table has all)
)


def fold(
    report: Report, candidates: Sequence[Event], now: datetime, policy: ClusterPolicy
) -> Change:
    """Join the best matching open event, or start a new one; say why in the reason."""
    folded = _folded_into(report, candidates)
    if folded is not None:
        return Change(folded, ChangeReason.NONE, "report already folded into this event")
    p = probe(report, now)
    chosen = best_match(report, candidates, now, policy)
    if chosen is None:
        return _start(p, now, policy)
    return _join(chosen, p, now, policy)


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


# ---------------------------------------------------------------- building events


def _folded_into(report: Report, candidates: Sequence[Event]) -> Event | None:
    """The candidate that already has the report: by its link, or by outlet and title."""
    item = report.item
    link = item.link
    if link:
        return next((e for e in candidates if link in sources_of(e.sources).links), None)
    outlet = _outlet(report)
    return next(
        (
            e
            for e in candidates
            if any(s.outlet == outlet and s.title == item.title for s in e.sources)
        ),
        None,
    )


def _outlet(report: Report) -> str:
    return report.item.source_name or report.item.feed


def _source(report: Report, now: datetime) -> Source:
    item = report.item
    return Source(_outlet(report), item.link, item.title, report_time(report, now))


def _start(p: Probe, now: datetime, policy: ClusterPolicy) -> Change:
    report = p.report
    a, seen = report.assessment, p.t
    notify = a.severity >= policy.min_severity  # NEW, at revision 1; else silent
    event = Event(
        id=event_id(report),
        headline=report.item.title,
        category=a.category,
        severity=a.severity,
        max_severity=a.severity,
        signals=frozenset(a.signals) - _CLEAR,
        countries=p.countries,
        places=Places(p.places[:MAX_PLACES]),
        first_seen=seen,
        last_seen=seen,
        sources=Sources((_source(report, now),)),
        revision=1 if notify else 0,
        summary=report.item.summary,
        last_notified=now if notify else None,
        link_ids=p.ids,
        fingerprint=sketches.merge_tiers((), p.tiers),
    )
    if not notify:
        return Change(event, ChangeReason.NONE, f"not a security incident (severity {a.severity})")
    return Change(event, ChangeReason.NEW, f"{a.category.value}, severity {a.severity}")


def _join(event: Event, p: Probe, now: datetime, policy: ClusterPolicy) -> Change:
    report = p.report
    reason, detail = _reason(event, report, policy)
    return Change(_grown(event, p, now, reason), reason, detail)


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


def _grown(event: Event, p: Probe, now: datetime, reason: ChangeReason) -> Event:
    """The event with the report's source, places, signals, severity and text added, and
    the revision, headline and state that the reason asks for.

    Built field by field rather than with ``dataclasses.replace``, which costs several times
    as much and runs for every report; every field of Event is named here.
    """
    report = p.report
    a, seen = report.assessment, p.t
    sources = joined(event.sources, _source(report, now))
    if len(sources) > MAX_SOURCES:
        sources = Sources((sources[0], *sources[-(MAX_SOURCES - 1) :]))
    upgrade = event.category in NEUTRAL and a.category not in NEUTRAL
    notify = reason is not ChangeReason.NONE
    new = reason is ChangeReason.NEW
    resolved = event.resolved
    if reason is ChangeReason.RESOLVED or reason is ChangeReason.ESCALATED:
        resolved = reason is ChangeReason.RESOLVED
    return Event(
        id=event.id,
        headline=report.item.title if new else event.headline,
        category=a.category if upgrade else event.category,
        severity=a.severity if a.severity > 0 else event.severity,
        max_severity=a.severity if new else max(event.max_severity, a.severity),
        signals=event.signals | (frozenset(a.signals) - _CLEAR) if a.signals else event.signals,
        countries=_union(event.countries, p.countries),
        places=_places(event.places, p.places),
        first_seen=min(event.first_seen, seen),
        last_seen=max(event.last_seen, seen),
        sources=sources,
        revision=event.revision + 1 if notify else event.revision,
        resolved=resolved,
        summary=event.summary,
        last_notified=now if notify else event.last_notified,
        link_ids=event.link_ids | p.ids if p.ids else event.link_ids,
        fingerprint=sketches.merge_tiers(event.fingerprint, p.tiers),
    )


_CLEAR = frozenset({Signal.ALL_CLEAR})


def _union(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[str, ...]:
    added = tuple(c for c in new if c not in old) if new else ()
    return old + added if added else old  # the same tuple: the index sees nothing moved


def _places(old: tuple[Place, ...], new: tuple[Place, ...]) -> tuple[Place, ...]:
    if not new or len(old) >= MAX_PLACES:
        return old  # the same tuple keeps what matching worked out about it
    known = {(p.name, p.country) for p in old}
    added = tuple(p for p in new if (p.name, p.country) not in known)
    return Places((old + added)[:MAX_PLACES]) if added else places_of(old)


def _notify(event: Event, reason: ChangeReason, detail: str, now: datetime) -> Change:
    return Change(replace(event, revision=event.revision + 1, last_notified=now), reason, detail)
