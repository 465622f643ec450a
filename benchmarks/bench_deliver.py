"""Delivery speed: render + enqueue + flush of ~10 KB text + HTML advisories into an SMTP sink.

Run: .venv/bin/python benchmarks/bench_deliver.py [COUNT]
Target: >= 500 messages/s including rendering, on 2 vCPU. The sink is postfix's smtp-sink
(Debian package postfix; C, nearly free), else aiosmtpd in another process (~1.3 ms of CPU a
message on the same cores, so it roughly halves what can be measured): the output says which.

Measured 2026-11-23 (2 vCPU shared with other jobs, load 1.6-2, smtp-sink), two runs: end to
end 483-645/s (1 connection), 619-711/s (2), 734-753/s (4) wall; before issue 8's work 169-370/s
(2 connections, the default: 162-263/s). Where it went:
aiosmtplib's two regex passes over DATA (~0.3 ms) are replaced by memchr-fast dot-stuffing
(``deliver.wire_data``); one deadline per transaction instead of a wait_for per command; one
commit per round of connections, run in a thread while the next envelopes go out; an
event's bodies rendered once and each reader's values spliced in (``render_splice``).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_render import NOW, ROOT, recipient, sample_event

from alerts.deliver import Sender
from alerts.flush import flush
from alerts.models import Change, ChangeReason
from alerts.render import Renderer
from alerts.smtpconf import SmtpSettings
from alerts.store import outbox
from alerts.store.db import connect, upgrade


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_sink(port: int) -> tuple[subprocess.Popen[bytes], str]:
    """postfix's smtp-sink when installed, else aiosmtpd's Sink in a separate process."""
    sink = shutil.which("smtp-sink") or (
        "/usr/sbin/smtp-sink" if os.path.exists("/usr/sbin/smtp-sink") else None
    )
    if sink:
        user = ["-u", "postfix"] if os.geteuid() == 0 else []
        cmd = [sink, *user, f"127.0.0.1:{port}", "512"]
        name = "postfix smtp-sink"
    else:
        cmd = [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ]
        name = "aiosmtpd Sink (smtp-sink not installed)"
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):  # wait until it listens
        try:
            socket.create_connection(("127.0.0.1", port), 0.1).close()
            return process, name
        except OSError:
            time.sleep(0.02)
    process.kill()
    raise RuntimeError(f"{name} did not start")


async def run(count: int, port: int, connections: int) -> None:
    renderer = Renderer(ROOT / "templates", sender="Security desk <alerts@example.org>")
    folder = Path(tempfile.mkdtemp(prefix="bench-deliver-"))
    engine = connect("sqlite:///" + str(folder / "b.db"))
    upgrade(engine)
    events = [sample_event(n) for n in range(max(1, count // 50))]  # 50 people per event
    wall, cpu = time.perf_counter(), time.process_time()
    with engine.begin() as conn:
        for i in range(count):
            event = events[i % len(events)]
            msg = renderer.render(event, Change(event, ChangeReason.NEW), recipient(i), NOW)
            outbox.enqueue(conn, msg, NOW)
    queued_wall = time.perf_counter() - wall
    settings = SmtpSettings(host="127.0.0.1", port=port, local_hostname="bench.local",
                            connections=connections, per_connection=100)  # fmt: skip
    sending = time.perf_counter()
    stats = await flush(
        engine, Sender(settings), NOW, owner="bench", batch=500, lease=timedelta(minutes=5)
    )
    sending = time.perf_counter() - sending
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert stats.sent == count, stats
    print(f"  {connections} connection(s): render+enqueue {count / queued_wall:,.0f}/s, "
          f"flush {count / sending:,.0f}/s; end to end {count / wall:,.0f}/s wall, "
          f"{count / cpu:,.0f}/s CPU of this process")  # fmt: skip
    engine.dispose()
    shutil.rmtree(folder)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    port = free_port()
    process, name = start_sink(port)
    try:
        print(f"machine: 2 vCPU (shared); sink: {name}; {count} messages of ~12 KB, SQLite outbox")
        for connections in (1, 2, 4):
            asyncio.run(run(count, port, connections))
    finally:
        process.terminate()
        process.wait()
    print("target >= 500/s end to end (render + enqueue + flush)")


if __name__ == "__main__":
    main()
