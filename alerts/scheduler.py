"""``alerts run``: APScheduler jobs that call ``App.poll`` and ``App.flush`` with the clock.

Feeds keep their own interval in the database (``next_poll_after``), so one short poll
tick serves every feed and several instances share the work through leases; the flush job
sends the outbox; once a day old rows are pruned (``retention`` settings).

SIGINT/SIGTERM stop new jobs and wait for the running ones, so a send in flight finishes and
is marked. SIGHUP reads the config folder and the imported staff again (``systemctl
reload``): between two polls, never during one, and a folder with problems is logged and
ignored while the running config goes on.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

import alerts
from alerts.app import App
from alerts.errors import ConfigError

log = logging.getLogger("alerts.scheduler")
Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """The wall clock, aware UTC: only the shells read it."""
    return datetime.now(UTC)


class Runner:
    """Runs poll and flush on a schedule until told to stop."""

    def __init__(
        self,
        app: App,
        *,
        poll_seconds: float,
        flush_seconds: float,
        clock: Clock = utcnow,
        reload: Callable[[], list[str]] | None = None,
    ) -> None:
        self.app, self.clock, self.reload = app, clock, reload
        self.poll_seconds, self.flush_seconds = poll_seconds, flush_seconds
        self.stopping = asyncio.Event()
        self._running: set[asyncio.Task[Any]] = set()
        self._polling = asyncio.Lock()  # a reload waits for the poll in flight
        self._scheduler = AsyncIOScheduler(timezone=UTC)

    async def run(self) -> None:
        """Schedule the jobs, run until SIGINT/SIGTERM, then finish what is in flight."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.stopping.set)
        if self.reload is not None:
            loop.add_signal_handler(signal.SIGHUP, self._on_hangup)
        scheduler = self._scheduler
        now = self.clock()
        jobs = (
            ("poll", self._poll, timedelta(seconds=self.poll_seconds), now),
            ("flush", self.app.flush, timedelta(seconds=self.flush_seconds), now),
            # Daily, and not in the start-up rush.
            ("prune", self.app.prune, timedelta(hours=24), now + timedelta(minutes=10)),
        )
        for name, job, every, first in jobs:
            scheduler.add_job(
                self._guard,
                "interval",
                args=[job],
                id=name,
                seconds=every.total_seconds(),
                next_run_time=first,
                max_instances=1,
                coalesce=True,
            )
        scheduler.start()
        log.info("running: poll every %ss, flush every %ss", self.poll_seconds, self.flush_seconds)
        log.info("clustering core: %s", alerts.CORE)
        await self.stopping.wait()
        log.info("stopping: waiting for %d running job(s)", len(self._running))
        scheduler.shutdown(wait=False)
        await asyncio.gather(*self._running, return_exceptions=True)
        log.info("stopped")

    async def _poll(self, now: datetime) -> object:
        async with self._polling:
            return await self.app.poll(now)

    def _on_hangup(self) -> None:
        task = asyncio.ensure_future(self._guard(self._reload))
        self._running.add(task)  # kept referenced until it ends
        task.add_done_callback(self._running.discard)

    async def _reload(self, now: datetime) -> str:
        """Read the config again between polls; on success, poll at once with it."""
        assert self.reload is not None
        async with self._polling:
            try:
                # In a thread: reading staff and building the roster takes seconds, and
                # the flush job goes on meanwhile.
                restart = await asyncio.to_thread(self.reload)
            except ConfigError as exc:
                for problem in exc.problems:
                    log.error("reload refused: %s", problem)
                return "refused; the running configuration stays"
        for name in restart:
            log.warning("reload: %s settings changed; they apply after a restart", name)
        self._scheduler.modify_job("poll", next_run_time=self.clock())
        return "configuration reloaded"

    async def _guard(self, job: Callable[[datetime], Awaitable[object]]) -> None:
        # One reporting point: a failing job is logged and tried again at the next tick.
        if self.stopping.is_set():
            return
        task = asyncio.current_task()
        assert task is not None
        self._running.add(task)
        try:
            result = await job(self.clock())
            log.info("%s: %s", getattr(job, "__name__", "job"), result)
        except Exception:
            log.exception(
                "%s failed; it runs again at the next tick", getattr(job, "__name__", "job")
            )
        finally:
            self._running.discard(task)
