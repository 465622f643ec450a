"""Feeds inside the service: old news is not sent, failing feeds are reported once."""

from __future__ import annotations

import email
import gc
from datetime import timedelta
from pathlib import Path

import pytest

from alerts.cli import main
from alerts.feedpoll import FeedOutcome
from alerts.mailsink import MailSink
from alerts.models import Item, Report
from tests.servicekit import rss, stack
from tests.test_timeline import ATTACK, ROUTES, STAFF, T0


def _subjects(sink: MailSink, to: str) -> list[str]:
    return [
        str(email.message_from_bytes(m.data)["Subject"])
        for m in sink.messages
        if to in m.recipients
    ]


async def test_first_poll_records_the_backlog_but_sends_only_news(tmp_path: Path) -> None:
    old = dict(ATTACK, published=T0 - timedelta(days=3))
    async with (
        stack(tmp_path, {"wire": rss([old])}, staff=STAFF, routes=ROUTES) as s,
        s.app() as app,
    ):
        stats = await app.poll(T0)
        await app.flush(T0)
    assert stats.new_items == 1 and stats.changes == {} and s.sink.count == 0


async def test_a_failing_feed_sends_one_notice_then_one_on_recovery(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    polling = {"failures_before_notice": 3, "failure_span_hours": 1}
    async with stack(tmp_path, {"wire": 500}, staff=STAFF, polling=polling) as s, s.app() as app:
        for minutes in (0, 30, 61, 90):  # the third failure passes both thresholds
            await app.poll(T0 + timedelta(minutes=minutes))
            await app.flush(T0 + timedelta(minutes=minutes))
        failing = _subjects(s.sink, "desk@example.org")
        assert main(["--config", str(s.folder), "feeds"]) == 0
        listing = capsys.readouterr().out
        s.server.bodies["wire.xml"] = rss([])
        await app.poll(T0 + timedelta(minutes=120))
        await app.flush(T0 + timedelta(minutes=120))
        both = _subjects(s.sink, "desk@example.org")
    assert len(failing) == 1 and "wire" in failing[0]
    assert len(both) == 2 and "wire" in both[1]
    assert "failing" in listing and "HTTP 500" in listing


async def test_gone_feed_is_disabled_with_a_notice(tmp_path: Path) -> None:
    async with stack(tmp_path, {"wire": 410}, staff=STAFF) as s, s.app() as app:
        await app.poll(T0)
        await app.flush(T0)
        again = await app.poll(T0 + timedelta(hours=1))
    assert again.feeds == 0, "a disabled feed is not polled"
    assert s.server.hits["wire.xml"] == 1
    assert len(_subjects(s.sink, "desk@example.org")) == 1


async def test_a_poll_holds_no_more_parsed_feeds_than_its_concurrency(tmp_path: Path) -> None:
    # Each feed is handled as soon as it is parsed: a poll of 2,000 feeds must not keep
    # 2,000 parsed bodies in memory (issue 3's memory target). The classifier is wrapped to
    # count, at each call, the parsed outcomes still alive.
    bodies: dict[str, bytes | int] = {
        f"wire{n}": rss([dict(ATTACK, link=f"https://wire.test/{n}")]) for n in range(8)
    }
    polling = {"concurrency": 2, "per_host": 2}
    alive: list[int] = []
    async with stack(tmp_path, bodies, staff=STAFF, polling=polling) as s, s.app() as app:
        classify = app.classify

        def counting(item: Item) -> Report:
            gc.collect()
            alive.append(sum(1 for o in gc.get_objects() if isinstance(o, FeedOutcome) and o.items))
            return classify(item)

        app.classify = counting
        stats = await app.poll(T0)
    assert stats.new_items == 8 and len(alive) == 8
    assert max(alive) <= 3  # the concurrency, plus the one being handled


async def test_feed_notices_are_in_the_officers_language(tmp_path: Path) -> None:
    french = {"officers_language": "fr"}
    async with (
        stack(tmp_path, {"wire": 410}, staff=STAFF, settings=french) as s,
        s.app() as app,
    ):
        await app.poll(T0)
        await app.flush(T0)
    assert _subjects(s.sink, "desk@example.org") == ["[FLUX DISPARU] wire"]
