"""The service: ``poll(now)`` runs the pipeline's stages in order, ``flush(now)`` sends mail.

    fetch -> parse -> new items -> locate + assess -> cluster -> route -> render -> outbox
                                                                          outbox -> deliver

Each stage is one module; this file only wires them and is the single reporting point for
per-feed and per-message failures, so one bad feed never stops the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine

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
from alerts.store import foldclock, records, retention
from alerts.store.feeds import FeedState
from alerts.store.retention import Pruned

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
        self.engine, self.owner, self.fetcher, self.sender = engine, owner, fetcher, sender
        self.opened_with = config.settings  # what the clients were made from (see reload)
        self._read: dict[str, frozenset[str]] = {}  # per feed: entry keys already read
        # The open events, kept between polls; they are the database's as of fold clock
        # ``_epoch`` (see store/foldclock.py). None: load them at the next fold.
        self._index: EventIndex | None = None
        self._epoch = 0
        self._unstored: set[str] = set()  # this poll's events that are not security stories
        self.reload(config, renderer=renderer, classify=classify, roster=roster)

    def reload(
        self,
        config: Config,
        *,
        renderer: Renderer,
        classify: Callable[[Item], Report],
        roster: Roster,
    ) -> None:
        """Use a newly read config folder (feeds, staff, routes, rules, templates, policies)
        from the next poll on. The database, HTTP and SMTP clients stay as they were opened.
        """
        self.config, self.renderer, self.classify, self.roster = config, renderer, classify, roster
        self.policy = config.cluster_policy
        self._index = None  # built for the old policy
        self._feeds = {f.name: f for f in config.feeds if f.enabled}
        with self.engine.begin() as conn:
            feed_rows.sync(conn, [(f.name, f.url) for f in self._feeds.values()])

    async def poll(self, now: datetime) -> PollStats:
        """Poll every due feed once and queue the advisories its new items call for."""
        stats = PollStats()
        self._forget_closed(now)
        quiet: list[FeedOutcome] = []
        try:
            async for outcome in self._fetch_and_parse(now, stats):  # fetch + parse
                if not outcome.items:
                    quiet.append(outcome)  # health only: saved together below
                else:
                    self._take(outcome, now, stats)
            self._settle_quiet(quiet, now, stats)
            self._expire(now, stats)
        finally:
            self._forget_unstored()
        return stats

    def _take(self, outcome: FeedOutcome, now: datetime, stats: PollStats) -> None:
        """Store one feed's new items and fold its news into events, in one transaction."""
        try:
            with self._folding() as conn:  # one feed, one transaction
                new = self._new_items(conn, outcome, now, stats)  # dedupe
                news = self._news(new, outcome, now)  # no floods of old news
                # Classified before folding starts: folding holds the fold clock's lock.
                reports = [(item.key, self.classify(item)) for item in news]  # locate + assess
                joined: dict[str, str] = {}
                if reports:
                    index = self._current(conn, now)
                    for key, report in reports:
                        candidates = index.candidates(report, now, self.policy)
                        change = cluster.fold(report, candidates, now, self.policy)  # cluster
                        index.put(change.event)
                        self._record(conn, change, now, stats)  # route + render + outbox
                        joined[key] = change.event.id
                records.add_items(conn, new, now, joined)
        except Exception:
            # A bug or a database failure while handling one feed must not stop the others;
            # the rollback leaves its items unseen, so the next poll retries them.
            log.exception(
                "feed %s: processing failed; retried at the next poll", outcome.state.name
            )
            stats.failed_feeds.append(outcome.state.name)
            return
        self._remember(outcome)

    def _expire(self, now: datetime, stats: PollStats) -> None:
        """Resolve the events quiet for longer than the expiry; send reminders if set."""
        with self._folding() as conn:
            if (
                self._index is not None
                and foldclock.read(conn) == self._epoch
                and not self._index.due(now, self.policy)
            ):
                return  # nothing due, and no instance changed the events: leave the clock
            index = self._current(conn, now)
            for event in index.due(now, self.policy):
                expired = cluster.expire(event, now, self.policy)
                if expired is not None:
                    self._record(conn, expired, now, stats)

    async def prune(self, now: datetime) -> Pruned:
        """Forget what the retention settings no longer keep (see ``store.retention``)."""
        keep = self.config.settings.retention
        with self.engine.begin() as conn:
            return retention.prune(conn, now, items_days=keep.items_days, mail_days=keep.mail_days)

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

    @contextmanager
    def _folding(self) -> Iterator[Connection]:
        """A transaction that may fold reports into the in-memory events: should it not
        commit, they may hold what was rolled back, so they are loaded again."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except BaseException:
            self._index = None
            raise

    def _current(self, conn: Connection, now: datetime) -> EventIndex:
        """The open events as this transaction sees them, which no other instance can change
        before it commits (``store.foldclock``): the kept ones if no other instance folded
        since this one last did, else loaded again."""
        epoch = foldclock.advance(conn)
        if self._index is None or epoch != self._epoch + 1:
            self._index = EventIndex(records.open_events(conn, self._since(now)), self.policy)
            self._unstored.clear()
        self._epoch = epoch
        return self._index

    def _since(self, now: datetime) -> datetime:
        # Events quiet for longer than the window take no reports but may still be due to
        # expire (RESOLVED, "no report for ..."): keep them until expiry has passed too.
        return now - self.policy.window - self.policy.expiry

    def _forget_closed(self, now: datetime) -> None:
        """Drop from memory what loading the open events again would not bring back:
        resolved events, and those too old to take a report or expire."""
        if self._index is not None:
            self._index.evict(self._since(now))
            for event in self._index:
                if event.resolved:
                    self._index.remove(event.id)

    def _forget_unstored(self) -> None:
        """Non-stories are kept in memory for one poll's clustering only, as they are not
        stored (``_record``)."""
        if self._index is not None:
            for event_id in self._unstored:
                self._index.remove(event_id)
        self._unstored.clear()

    async def _fetch_and_parse(self, now: datetime, stats: PollStats) -> AsyncIterator[FeedOutcome]:
        """Each due feed's outcome, as soon as it is fetched and parsed.

        Memory is bounded by ``polling.concurrency``: a feed is fetched only while fewer
        than that many outcomes are fetched or waiting to be handled, so a poll of 2,000
        feeds never holds 2,000 parsed bodies at once.
        """
        polling = self.config.settings.polling
        lease_until = now + timedelta(minutes=5)
        with self.engine.begin() as conn:
            due = feed_rows.claim_due(conn, list(self._feeds), now, self.owner, lease_until)
        stats.feeds = len(due)
        window = asyncio.Semaphore(polling.concurrency)
        # Outcomes travel through a queue, not task results: a finished task kept in a list
        # would hold its parsed items until the whole poll ends.
        ready: asyncio.Queue[FeedOutcome] = asyncio.Queue()

        async def one(state: FeedState) -> None:
            await window.acquire()  # released once the caller has handled the outcome
            try:
                feed = self._feeds[state.name]
                skip = self._read.get(state.name, frozenset())
                outcome = await poll_feed(self.fetcher, feed, state, now, polling, skip)
            except Exception as exc:  # a bug: poll_feed does not raise for a feed's faults
                log.exception("feed %s: polling failed", state.name)
                outcome = FeedOutcome(state, error=f"internal error: {type(exc).__name__}")
            ready.put_nowait(outcome)

        running = [asyncio.ensure_future(one(s)) for s in due]
        try:
            for _ in due:
                yield await ready.get()
                window.release()
        finally:
            for task in running:  # when the caller stops early
                task.cancel()

    def _settle_quiet(self, outcomes: list[FeedOutcome], now: datetime, stats: PollStats) -> None:
        """Record health for the feeds with nothing to read (unchanged, failed), together."""
        settled = [settle(o, 0, now, self.config.settings.polling) for o in outcomes]
        with self.engine.begin() as conn:
            feed_rows.save(conn, [state for state, _ in settled])
            for state, notice in settled:
                self._notice(conn, state, notice, now)
        for outcome in outcomes:
            if outcome.error:
                stats.failed_feeds.append(outcome.state.name)
                log.warning("feed %s: %s", outcome.state.name, outcome.error)

    def _notice(
        self, conn: Connection, state: FeedState, notice: str | None, now: datetime
    ) -> None:
        """Queue the officers' notice about a feed's health, if one is due."""
        if notice:
            settings = self.config.settings
            notify.feed_notice(
                conn,
                self.renderer,
                settings.officers,
                state,
                notice,
                now,
                settings.officers_language,
            )

    def _remember(self, outcome: FeedOutcome) -> None:
        """Keep the keys just read so the next body's old entries are not parsed again.

        Only called once the feed's transaction committed: a rolled-back feed is read in
        full next time. Bounded per feed; a forgotten key only costs a parse.
        """
        name = outcome.state.name
        keys = dict.fromkeys([*(i.key for i in outcome.items), *self._read.get(name, ())])
        self._read[name] = frozenset(list(keys)[: max(200, 2 * outcome.in_body)])

    def _new_items(
        self, conn: Connection, outcome: FeedOutcome, now: datetime, stats: PollStats
    ) -> list[Item]:
        """The feed's items not seen before; its health is stored on the way."""
        new = records.unseen(conn, outcome.items)
        state, notice = settle(outcome, len(new), now, self.config.settings.polling)
        feed_rows.save(conn, [state])
        self._notice(conn, state, notice, now)
        stats.new_items += len(new)
        return new

    def _news(self, new: list[Item], outcome: FeedOutcome, now: datetime) -> list[Item]:
        feed = self._feeds[outcome.state.name]
        return [i for i in new if is_news(i, feed, outcome, now, self.config)]

    def _record(self, conn: Connection, change: Change, now: datetime, stats: PollStats) -> None:
        """Keep the event; when the change notifies, queue it for everyone it concerns."""
        reason = change.reason.value
        stats.changes[reason] = stats.changes.get(reason, 0) + 1
        if change.event.max_severity == 0 and change.event.revision == 0:
            self._unstored.add(change.event.id)
            return  # not a security story: kept for this poll's clustering, not stored
        self._unstored.discard(change.event.id)
        records.save_event(conn, change.event)
        if not change.reason.notifies or not records.record_change(conn, change, now):
            return
        recipients = route(change.event, self.roster, self.config.routing, now)  # route
        stats.queued += notify.enqueue(conn, self.renderer, change, recipients, now)  # render


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
