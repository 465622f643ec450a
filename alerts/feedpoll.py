"""One feed, one poll: fetch, skip what did not change, parse, and update the feed's health.

Every failure of one feed ends here as a recorded error with its reason, so the poll of
the other feeds goes on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Container, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from alerts import health, parse
from alerts.config import FeedConfig
from alerts.errors import FeedError
from alerts.fetch import Fetcher, FetchResult, Validators
from alerts.models import Item
from alerts.settings import PollingSettings
from alerts.store.feeds import FeedState

log = logging.getLogger("alerts.feeds")


@dataclass(frozen=True)
class FeedOutcome:
    """What one poll of a feed gave: its state (validators, URL), items, or the error."""

    state: FeedState
    items: tuple[Item, ...] = ()
    error: str | None = None
    gone: bool = False
    in_body: int = 0  # entries the body held, those skipped as already read included

    @property
    def first_success(self) -> bool:
        """True when the feed had never been read before: its items are backlog."""
        return self.error is None and self.state.last_success is None


async def poll_feed(
    fetcher: Fetcher,
    feed: FeedConfig,
    state: FeedState,
    now: datetime,
    polling: PollingSettings,
    skip: Container[str] = frozenset(),
) -> FeedOutcome:
    """Fetch and parse ``feed`` once; never raises for a problem of the feed itself.

    Entries whose keys are in ``skip`` (read from this feed before) are not parsed again.
    """
    interval = timedelta(minutes=feed.interval_minutes or polling.interval_minutes)
    state = replace(state, last_polled=now, next_poll_after=now + interval)
    try:
        result = await fetcher.fetch(state.url, Validators(state.etag, state.last_modified), now)
        state = _after_fetch(state, result)
        if result.status == "gone":
            return _gone(state, now)
        if result.status == "not_modified":
            return FeedOutcome(state)
        # Hashing and parsing both run off the event loop: on a busy poll the loop thread
        # would otherwise wait for the interpreter lock behind the parsing threads.
        digest, parsed = await asyncio.to_thread(
            _read, result.body, result.headers, state, feed, now, skip
        )
        if parsed is None:  # a server without validators sent the same body
            return FeedOutcome(state)
    except FeedError as exc:
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            state = replace(state, next_poll_after=max(retry_after, state.next_poll_after or now))
        return FeedOutcome(state, error=f"{type(exc).__name__}: {exc}")
    for warning in parsed.warnings:
        log.info("feed %s: %s", feed.name, warning)
    state = replace(state, body_hash=digest)  # only once parsed: a failing body is retried
    return FeedOutcome(state, parsed.items, in_body=len(parsed.items) + parsed.skipped)


def _read(
    body: bytes,
    headers: Mapping[str, str],
    state: FeedState,
    feed: FeedConfig,
    now: datetime,
    skip: Container[str],
) -> tuple[str, parse.Parsed | None]:
    """The body's fingerprint, and its parse unless it is the body read last time."""
    digest = parse.fingerprint(body)
    if digest == state.body_hash:
        return digest, None
    return digest, parse.parse(
        body,
        headers,
        feed=feed.name,
        fetched_at=now,
        region=feed.region,
        source_name=feed.outlet,
        skip=skip,
    )


def settle(
    outcome: FeedOutcome, new_items: int, now: datetime, polling: PollingSettings
) -> tuple[FeedState, str | None]:
    """The feed's state after this poll, with the notice for the officers, if one is due."""
    if outcome.gone:
        return outcome.state, "gone"
    if outcome.error is not None:
        state, notice = health.on_failure(
            outcome.state,
            outcome.error,
            now,
            failures=polling.failures_before_notice,
            span=timedelta(hours=polling.failure_span_hours),
        )
    else:
        state, notice = health.on_success(outcome.state, now, outcome.in_body, new_items=new_items)
    return state, notice.value if notice else None


def _after_fetch(state: FeedState, result: FetchResult) -> FeedState:
    if result.permanent_redirect:
        log.warning(
            "feed %s moved permanently: %s -> %s", state.name, state.url, result.permanent_redirect
        )
        state = replace(state, url=result.permanent_redirect)
    if result.status == "ok":
        state = replace(
            state, etag=result.validators.etag, last_modified=result.validators.last_modified
        )
    return state


def _gone(state: FeedState, now: datetime) -> FeedOutcome:
    error = "410 Gone: the publisher removed this feed; it is disabled until feeds.yaml changes"
    new_state = replace(
        state, disabled=True, disabled_reason=error, last_error=error, last_error_at=now
    )
    return FeedOutcome(new_state, error=error, gone=True)
