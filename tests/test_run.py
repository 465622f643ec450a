"""`alerts run` as a real process: polls, sends, and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alerts.mailsink import MailSink
from tests.servicekit import FeedServer, rss, write_config
from tests.test_timeline import ATTACK, ROUTES, STAFF, T0


async def test_run_polls_sends_and_stops_on_sigterm(tmp_path: Path) -> None:
    server = FeedServer()
    async with server.running():
        fresh = dict(ATTACK, published=datetime.now(UTC) - timedelta(minutes=5))
        server.bodies = {"wire.xml": rss([fresh])}
        with MailSink() as sink:
            folder = write_config(
                tmp_path / "config",
                smtp_port=sink.port,
                db_url=f"sqlite:///{tmp_path / 'alerts.db'}",
                feeds={"wire": server.url("wire.xml")},
                staff=STAFF,
                routes=ROUTES,
            )
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "alerts.cli",
                "--config",
                str(folder),
                "run",
                stderr=asyncio.subprocess.PIPE,
            )
            try:
                for _ in range(300):
                    if sink.count >= 2:
                        break
                    await asyncio.sleep(0.1)
                assert sink.count == 2
            finally:
                proc.send_signal(signal.SIGTERM)
                _, err = await asyncio.wait_for(proc.communicate(), timeout=30)
    assert proc.returncode == 0, err.decode()
    assert b"stopped" in err


async def test_run_once_polls_flushes_and_exits(tmp_path: Path) -> None:
    server = FeedServer()
    async with server.running():
        server.bodies = {"wire.xml": rss([ATTACK])}
        with MailSink() as sink:
            folder = write_config(
                tmp_path / "config",
                smtp_port=sink.port,
                db_url=f"sqlite:///{tmp_path / 'alerts.db'}",
                feeds={"wire": server.url("wire.xml")},
                staff=STAFF,
                routes=ROUTES,
            )
            args = [
                sys.executable,
                "-m",
                "alerts.cli",
                "--config",
                str(folder),
                "run-once",
                "--now",
                T0.isoformat(),
            ]
            for _ in range(2):  # the second run finds nothing new: idempotent
                proc = await asyncio.create_subprocess_exec(
                    *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
                )
                out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
                assert proc.returncode == 0, err.decode()
    assert sink.count == 2
    assert b"sent=" in out
