"""The service: ``poll(now)`` runs the pipeline's stages in order, ``flush(now)`` sends mail.

    fetch -> parse -> new items -> locate + assess -> cluster -> route -> render -> outbox
                                                                          outbox -> deliver

Each stage is one module; this file only wires them and is the single reporting point for
per-feed and per-message failures, so one bad feed never stops the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine

from alerts import cluster, notify
from alerts.config import Config, FeedConfig
from alerts.deliver import Sender
from alerts.eventindex import EventIndex
from alerts.feedpoll import FeedOutcome, poll_feed, settle
from alerts.fetch import Fetcher
from alerts.flush import FlushStats, flush
from alerts.models import Change, Item, Report
from alerts.render import Renderer
from alerts.roster import Roster
from alerts.route import route
from alerts.store import feeds as feed_rows
from alerts.store import records

log = logging.getLogger("alerts")


@dataclass
class PollStats:
    """What one poll did, for logs and tests."""

    feeds: int = 0
    new_items: int = 0
    changes: dict[str, int] = field(default_factory=dict)
    queued: int = 0
    failed_feeds: list[str] = field(default_factory=list)


class App:
    """One instance of the service over one database; IO clients are injected."""

    def __init__(
        self,
        config: Config,
        engine: Engine,
        *,
        fetcher: Fetcher,
        sender: Sender,
        renderer: Renderer,
        classify: Callable[[Item], Report],
        roster: Roster,
        owner: str,
    ) -> None:
        self.config, self.engine, self.owner = config, engine, owner
        self.fetcher, self.sender, self.renderer = fetcher, sender, renderer
        self.classify, self.roster = classify, roster
        self.policy = config.cluster_policy
        self._feeds = {f.name: f for f in config.feeds if f.enabled}
        with engine.begin() as conn:
            feed_rows.sync(conn, [(f.name, f.url) for f in self._feeds.values()])

    async def poll(self, now: datetime) -> PollStats:
        """Poll every due feed once and queue the advisories its new items call for."""
        stats = PollStats()
        index = self._open_events(now)
        for outcome in await self._fetch_and_parse(now, stats):  # fetch + parse
            for item in self._new_items(outcome, now, stats):  # dedupe, no old news
                report = self.classify(item)  # locate + assess
                change = cluster.fold(
                    report, index.candidates(report, now, self.policy), now, self.policy
                )  # cluster
                index.put(change.event)
                self._record(change, item, now, stats)  # route + render + outbox
        for event in index.due(now, self.policy):  # expiry and reminders
            expired = cluster.expire(event, now, self.policy)
            if expired is not None:
                self._record(expired, None, now, stats)
        return stats

    async def flush(self, now: datetime) -> FlushStats:
        """Send every due outbox message; each is marked sent only once the server took it."""
        with self.engine.begin() as conn:
            notify.release_digests(conn, self.renderer, now)
        out = self.config.settings.outbox
        return await flush(
            self.engine,
            self.sender,
            now,
            owner=self.owner,
            batch=out.batch,
            lease=timedelta(seconds=out.lease_seconds),
            max_attempts=out.max_attempts,
        )

    # ------------------------------------------------------------------ stages

    def _open_events(self, now: datetime) -> EventIndex:
        index = EventIndex()
        with self.engine.connect() as conn:
            for event in records.open_events(conn, now - self.policy.window):
                index.put(event)
        return index

    async def _fetch_and_parse(self, now: datetime, stats: PollStats) -> list[FeedOutcome]:
        polling = self.config.settings.polling
        lease_until = now + timedelta(minutes=5)
        with self.engine.begin() as conn:
            due = feed_rows.claim_due(conn, list(self._feeds), now, self.owner, lease_until)
        stats.feeds = len(due)
        return list(
            await asyncio.gather(
                *(poll_feed(self.fetcher, self._feeds[s.name], s, now, polling) for s in due)
            )
        )

    def _new_items(self, outcome: FeedOutcome, now: datetime, stats: PollStats) -> list[Item]:
        """Store the feed's items and its health; return the new items that are news."""
        name = outcome.state.name
        with self.engine.begin() as conn:
            new = records.add_items(conn, outcome.items, now)
            state, notice = settle(outcome, len(new), now, self.config.settings.polling)
            feed_rows.save(conn, state, self.owner)
            if notice:
                notify.feed_notice(
                    conn, self.renderer, self.config.settings.officers, state, notice, now
                )
        if outcome.error:
            stats.failed_feeds.append(name)
            log.warning("feed %s: %s", name, outcome.error)
        stats.new_items += len(new)
        return [i for i in new if is_news(i, self._feeds[name], outcome, now, self.config)]

    def _record(self, change: Change, item: Item | None, now: datetime, stats: PollStats) -> None:
        reason = change.reason.value
        stats.changes[reason] = stats.changes.get(reason, 0) + 1
        with self.engine.begin() as conn:
            records.save_event(conn, change.event)
            if item is not None:
                records.mark_item(conn, item, change.event.id, alerted=True)
            if not change.reason.notifies or not records.record_change(conn, change, now):
                return
            recipients = route(change.event, self.roster, self.config.routing, now)
            stats.queued += notify.enqueue(conn, self.renderer, change, recipients, now)


def is_news(
    item: Item, feed: FeedConfig, outcome: FeedOutcome, now: datetime, config: Config
) -> bool:
    """Alert only on news: items older than the feed's max age are recorded, not sent.

    An undated item on a feed's first successful poll is backlog, not news.
    """
    hours = feed.max_age_hours or config.settings.polling.max_age_hours
    if item.date_missing and outcome.first_success:
        return False
    return now - timedelta(hours=hours) <= item.published <= now + timedelta(hours=1)


__all__ = ["App", "PollStats"]
