"""Pure feed-health decisions: what one poll's outcome does to a feed's health record.

A feed that keeps failing (at least ``failures`` polls in a row, spanning at least ``span``)
sends one FAILING notice, and one RECOVERED notice at its next success: never one per
failure. Staleness is a flag computed from the record and the feed's expected period.

The record is any frozen dataclass with the health fields below (the store's ``FeedState``);
the functions return a copy of the same type.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar, Protocol, TypeVar


class Notice(StrEnum):
    """A notice to the officers about a feed; equal to its plain string value."""

    FAILING = "failing"
    RECOVERED = "recovered"


class HealthRecord(Protocol):
    """The health fields a feed record must have (read-only, as in a frozen dataclass)."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def last_success(self) -> datetime | None: ...
    @property
    def consecutive_failures(self) -> int: ...
    @property
    def first_failure_at(self) -> datetime | None: ...
    @property
    def failing_notice_sent(self) -> bool: ...
    @property
    def items_seen(self) -> int: ...
    @property
    def last_new_item(self) -> datetime | None: ...


R = TypeVar("R", bound=HealthRecord)


def on_success(
    state: R, now: datetime, items_seen: int = 0, *, new_items: int = 0
) -> tuple[R, Notice | None]:
    """A successful poll: failures reset; RECOVERED once if FAILING was sent.

    ``items_seen`` is how many items the body held (0 when it was not modified: the count
    is kept); ``new_items`` how many the store had not seen, which moves ``last_new_item``.
    """
    notice = Notice.RECOVERED if state.failing_notice_sent else None
    changes: dict[str, Any] = {
        "last_success": now,
        "consecutive_failures": 0,
        "first_failure_at": None,
        "failing_notice_sent": False,
    }
    if items_seen > 0:
        changes["items_seen"] = items_seen
    if new_items > 0:
        changes["last_new_item"] = now
    return dataclasses.replace(state, **changes), notice


def on_failure(
    state: R,
    error: str,
    now: datetime,
    *,
    failures: int = 3,
    span: timedelta = timedelta(hours=6),
) -> tuple[R, Notice | None]:
    """A failed poll: counted with its reason; FAILING once when both thresholds are passed."""
    first = state.first_failure_at if state.consecutive_failures > 0 else None
    first = first or now
    count = state.consecutive_failures + 1
    due = not state.failing_notice_sent and count >= failures and now - first >= span
    new_state = dataclasses.replace(
        state,
        last_error=error,
        last_error_at=now,
        consecutive_failures=count,
        first_failure_at=first,
        failing_notice_sent=state.failing_notice_sent or due,
    )
    return new_state, Notice.FAILING if due else None


def stale(
    state: HealthRecord,
    now: datetime,
    expected_period: timedelta,
    *,
    first_seen: datetime | None = None,
) -> str | None:
    """Why the feed is stale (nothing new for longer than expected), or None when it is not.

    A feed that never produced a new item is judged from ``first_seen`` (when the service
    started polling it); without that it is not judged at all.
    """
    since = state.last_new_item or first_seen
    if since is None or now - since <= expected_period:
        return None
    return (
        f"nothing new for {_span_words(now - since)} "
        f"(expected at least every {_span_words(expected_period)})"
    )


def _span_words(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{hours / 24:.1f} d" if hours >= 48 else f"{hours:.1f} h"
