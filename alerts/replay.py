"""``alerts cluster --jsonl FILE``: fold a file of items in order, exactly as the service does.

Each input line is an object in the ``shared/eval/clusters-dev.jsonl`` form (id, published,
title, summary, source_name, link); each output is ``{"id", "event", "reason"}``. The clock
is the item's own date, as if every item was polled the moment it was published; events
that fall silent are expired (and so RESOLVED) before the next item is folded, as the
service's poll does after its items.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from alerts import cluster
from alerts.cluster import ClusterPolicy
from alerts.eventindex import EventIndex
from alerts.models import Change, Item, Report

__all__ = ["item_from_line", "replay", "replay_changes"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def item_from_line(d: dict[str, Any]) -> Item:
    """An Item from one JSONL object: feed = source_name, key = link or id."""
    raw = d.get("published")
    when = datetime.fromisoformat(str(raw).replace("Z", "+00:00")) if raw else None
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    source = str(d.get("source_name") or "input")
    return Item(
        feed=source,
        key=str(d.get("link") or d.get("id")),
        title=str(d.get("title") or ""),
        summary=str(d.get("summary") or ""),
        link=d.get("link") or None,
        published=(when or _EPOCH).astimezone(UTC),
        date_missing=when is None,
        source_name=source,
    )


def replay_changes(
    lines: Iterable[dict[str, Any]], classify: Callable[[Item], Report], policy: ClusterPolicy
) -> Iterator[tuple[str, Change | None, list[Change]]]:
    """Per line: its id, the change it caused, and the expiry changes due before it."""
    index = EventIndex(policy=policy)
    for d in lines:
        item = item_from_line(d)
        now = item.published
        expired = [c for e in index.due(now, policy) if (c := cluster.expire(e, now, policy))]
        for change in expired:
            index.put(change.event)
        index.evict(now - policy.window - policy.window)
        report = classify(item)
        change = cluster.fold(report, index.candidates(report, now, policy), now, policy)
        index.put(change.event)
        yield str(d.get("id")), change, expired


def replay(
    lines: Iterable[dict[str, Any]], classify: Callable[[Item], Report], policy: ClusterPolicy
) -> Iterator[dict[str, str]]:
    """One ``{"id", "event", "reason"}`` per input line, in input order."""
    for item_id, change, _ in replay_changes(lines, classify, policy):
        assert change is not None
        yield {"id": item_id, "event": change.event.id, "reason": change.reason.value}
