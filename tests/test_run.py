"""`alerts run` as a real process: polls, sends, and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

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


async def _wait(condition: Callable[[], bool], seconds: float = 30) -> bool:
    for _ in range(int(seconds * 10)):
        if condition():
            return True
        await asyncio.sleep(0.1)
    return condition()


async def test_sighup_reads_the_config_again_and_refuses_a_broken_one(tmp_path: Path) -> None:
    fresh = dict(ATTACK, published=datetime.now(UTC) - timedelta(minutes=5))
    bodies: dict[str, bytes | int] = {"quiet": rss([])}
    async with stack(tmp_path, bodies, staff=STAFF, routes=ROUTES) as s:
        s.server.bodies["late.xml"] = rss([fresh])
        feeds = s.folder / "feeds.yaml"
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "alerts.cli", "--config", str(s.folder), "run",
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert proc.stderr is not None
        log: list[bytes] = []

        async def read_log() -> None:
            assert proc.stderr is not None
            async for line in proc.stderr:
                log.append(line)

        reader = asyncio.ensure_future(read_log())
        try:
            assert await _wait(lambda: any(b"poll:" in line for line in log))
            good = feeds.read_text()
            feeds.write_text("feeds:\n  - name: late\n")  # no url: refused, nothing changes
            proc.send_signal(signal.SIGHUP)
            assert await _wait(lambda: any(b"reload refused" in line for line in log))
            assert proc.returncode is None and s.sink.count == 0
            late = {"name": "late", "url": s.server.url("late.xml")}
            feeds.write_text(good + yaml.safe_dump([late]))
            proc.send_signal(signal.SIGHUP)
            assert await _wait(lambda: s.sink.count >= 2)  # polled at once, not in 5 minutes
        finally:
            proc.send_signal(signal.SIGTERM)
            await asyncio.wait_for(proc.wait(), timeout=30)
            await reader
    text = b"".join(log).decode()
    assert proc.returncode == 0, text
    assert "feeds.yaml" in text and "configuration reloaded" in text
    assert s.sink.count == 2
