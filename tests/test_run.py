"""`alerts run` as a real process: polls, sends, and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.servicekit import rss, stack
from tests.test_timeline import ATTACK, ROUTES, STAFF, T0


async def test_run_polls_sends_and_stops_on_sigterm(tmp_path: Path) -> None:
    fresh = dict(ATTACK, published=datetime.now(UTC) - timedelta(minutes=5))
    async with stack(tmp_path, {"wire": rss([fresh])}, staff=STAFF, routes=ROUTES) as s:
        sink, folder = s.sink, s.folder
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
    async with stack(tmp_path, {"wire": rss([ATTACK])}, staff=STAFF, routes=ROUTES) as s:
        sink, folder = s.sink, s.folder
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
