"""Flush against a real local SMTP server (aiosmtpd): nothing lost, duplicates only in flight."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine

from alerts import mime
from alerts.deliver import Sender
from alerts.flush import flush
from alerts.models import ChangeReason, Message
from alerts.smtpconf import SmtpSettings
from alerts.store import outbox
from alerts.store.db import connect, upgrade

NOW = datetime(2026, 9, 23, 6, 30, tzinfo=UTC)
LEASE = timedelta(minutes=2)
ROOT = Path(__file__).resolve().parents[1]
MESSAGE_ID = re.compile(rb"^Message-ID: (<[^>]+>)", re.MULTILINE)


class Sink:
    """Counts accepted messages by Message-ID; refuses recipients that start with 'refused'."""

    def __init__(self) -> None:
        self.accepted: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.startswith("refused"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        found = MESSAGE_ID.search(envelope.original_content)
        with self.lock:
            self.accepted[found[1].decode() if found else "?"] += 1
        return "250 queued"

    def total(self) -> int:
        with self.lock:
            return sum(self.accepted.values())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(sink: Sink, port: int) -> Controller:
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def settings(port: int) -> SmtpSettings:
    return SmtpSettings(
        host="127.0.0.1", port=port, timeout=5, local_hostname="alerts.test", per_connection=100
    )


def message(n: int, to: str) -> Message:
    mid = f"<ev-{n}.r1.x@example.org>"
    env = mime.Envelope(
        "Security desk", "alerts@example.org", to, f"[SEV 4 HIGH] event {n}", mid, NOW
    )
    raw = mime.build(env, f"advisory {n}\n" * 20, f"<p>advisory {n}</p>" * 20)
    return Message(f"ev-{n}", 1, to, ChangeReason.NEW, f"event {n}", mid, raw)


def fill(tmp_path: Path, count: int, refused: set[int] = frozenset()) -> tuple[str, Engine]:  # type: ignore[assignment]
    url = "sqlite:///" + str(tmp_path / "t.db")
    engine = connect(url)
    upgrade(engine)
    with engine.begin() as conn:
        for n in range(count):
            outbox.enqueue(
                conn,
                message(n, f"refused{n}@example.org" if n in refused else f"u{n}@example.org"),
                NOW,
            )
    return url, engine


def statuses(engine: Engine) -> Counter[str]:
    with engine.begin() as conn:
        return Counter(r.status for r in outbox.list_rows(conn, None, limit=10_000))


async def test_server_down_then_back_loses_nothing(tmp_path: Path) -> None:
    _, engine = fill(tmp_path, 50)
    port, sink = free_port(), Sink()
    sender = Sender(settings(port))
    down = await flush(engine, sender, NOW, owner="a", batch=20, lease=LEASE)
    assert down.unreachable and down.sent == 0 and down.retried == 20  # stopped after one batch
    assert statuses(engine) == {"pending": 50}
    with engine.begin() as conn:  # an outage uses up no attempts, and is retried soon
        rows = outbox.list_rows(conn, "pending")
    assert {r.attempts for r in rows} == {0}
    assert max(r.next_attempt_at for r in rows) <= NOW + outbox.OUTAGE_CAP
    controller = serve(sink, port)
    try:
        later = NOW + timedelta(hours=1)  # past every backoff
        back = await flush(engine, sender, later, owner="a", batch=20, lease=LEASE)
    finally:
        controller.stop()
    assert back.sent == 50 and not back.unreachable
    assert statuses(engine) == {"sent": 50}
    assert len(sink.accepted) == 50 and set(sink.accepted.values()) == {1}


async def test_one_refused_recipient_among_100(tmp_path: Path) -> None:
    _, engine = fill(tmp_path, 100, refused={37})
    port, sink = free_port(), Sink()
    controller = serve(sink, port)
    try:
        stats = await flush(engine, Sender(settings(port)), NOW, owner="a", batch=200, lease=LEASE)
    finally:
        controller.stop()
    assert (stats.sent, stats.dead, stats.retried) == (99, 1, 0)
    assert sink.total() == 99
    with engine.begin() as conn:
        [dead] = outbox.list_rows(conn, "dead")
    assert dead.recipient == "refused37@example.org"
    assert dead.last_error is not None and dead.last_error.startswith("550 5.1.1")


async def test_cancelled_flush_gives_back_what_it_did_not_try(tmp_path: Path) -> None:
    _, engine = fill(tmp_path, 300)
    port, sink = free_port(), Sink()
    controller = serve(sink, port)
    try:
        sender = Sender(settings(port))
        task = asyncio.create_task(flush(engine, sender, NOW, owner="a", batch=300, lease=LEASE))
        while sink.total() < 30:
            await asyncio.sleep(0.005)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        sent_first = statuses(engine)["sent"]
        # A mail the server took while the flush was cancelled before recording it stays
        # pending (sent again below): at most one per connection.
        assert 30 - sender.connections_for(300) <= sent_first < 300
        rest = await flush(engine, sender, NOW, owner="b", batch=300, lease=LEASE)  # no lease wait
    finally:
        controller.stop()
    assert statuses(engine) == {"sent": 300}
    assert len(sink.accepted) == 300
    assert sum(sink.accepted.values()) - 300 <= sender.connections_for(300)  # in flight only
    assert rest.sent == 300 - sent_first


CHILD = """
import asyncio, sys
from datetime import datetime, timedelta
from alerts.deliver import Sender
from alerts.flush import flush
from alerts.smtpconf import SmtpSettings
from alerts.store.db import connect
url, port, now = sys.argv[1], int(sys.argv[2]), datetime.fromisoformat(sys.argv[3])
settings = SmtpSettings(host="127.0.0.1", port=port, local_hostname="child", per_connection=100)
lease = timedelta(minutes=2)
asyncio.run(flush(connect(url), Sender(settings), now, owner="child", batch=250, lease=lease))
"""


async def test_sigkill_mid_flush_then_restart_delivers_everything(tmp_path: Path) -> None:
    url, engine = fill(tmp_path, 1000)
    port, sink = free_port(), Sink()
    controller = serve(sink, port)
    try:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, url, str(port), NOW.isoformat()],
            cwd=ROOT, stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while sink.total() < 300 and child.poll() is None and time.monotonic() < deadline:
            await asyncio.sleep(0.002)
        assert child.poll() is None, "the child finished before it could be killed"
        child.send_signal(signal.SIGKILL)
        child.wait()
        killed_at = sink.total()
        assert 300 <= killed_at < 1000
        # Restart: the killed flush's leases must run out before its rows are taken again.
        sender = Sender(settings(port))
        stats = await flush(
            engine,
            sender,
            NOW + LEASE + timedelta(seconds=1),
            owner="restart",
            batch=250,
            lease=LEASE,
        )
    finally:
        controller.stop()
    assert statuses(engine) == {"sent": 1000}
    assert len(sink.accepted) == 1000  # every message delivered
    twice = [m for m, n in sink.accepted.items() if n > 1]
    assert all(n <= 2 for n in sink.accepted.values())
    assert len(twice) <= 3  # at most the ones in flight on the child's connections
    assert stats.sent + killed_at - len(twice) == 1000
