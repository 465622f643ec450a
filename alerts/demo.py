"""``alerts demo``: the whole service offline, on bundled feeds, with a local mail sink.

Sample feeds and the demo roster live in ``alerts/samples``. Their dates are written as
``{{ago:MINUTES}}`` / ``{{in:DAYS}}`` tokens filled from the clock when the demo starts, so
the stories are always fresh news and Sofia's trip is always next week.
"""

from __future__ import annotations

import re
import tempfile
from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import yaml
from aiohttp import web
from sqlalchemy import select

from alerts import service
from alerts.mailsink import MailSink
from alerts.scheduler import utcnow
from alerts.store.schema import outbox

SAMPLES = Path(__file__).resolve().parent / "samples"
_TOKEN = re.compile(r"\{\{(ago|in|date_in):(\d+)\}\}")


def fill_dates(text: str, now: datetime) -> str:
    """Replace date tokens: ago:M -> RFC 822 time M minutes ago; in/date_in:D -> D days on."""

    def one(m: re.Match[str]) -> str:
        kind, n = m.group(1), int(m.group(2))
        if kind == "ago":
            return format_datetime(now - timedelta(minutes=n))
        day = (now + timedelta(days=n)).date()
        return day.isoformat()

    return _TOKEN.sub(one, text)


async def serve_samples(now: datetime) -> tuple[web.AppRunner, str]:
    """Serve the sample feeds on 127.0.0.1 (a free port); return the runner and base URL."""

    async def feed(request: web.Request) -> web.Response:
        path = SAMPLES / "feeds" / request.match_info["name"]
        if not path.is_file():
            raise web.HTTPNotFound()
        body = fill_dates(path.read_text(encoding="utf-8"), now).encode()
        return web.Response(body=body, content_type="application/rss+xml", charset="utf-8")

    app = web.Application()
    app.router.add_get("/{name}", feed)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"


def write_config(folder: Path, base_url: str, smtp_port: int, now: datetime) -> None:
    """The demo's config folder: bundled roster and routes, feeds pointing at our server."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("staff.yaml", "routes.yaml"):
        text = (SAMPLES / "config" / name).read_text(encoding="utf-8")
        (folder / name).write_text(fill_dates(text, now), encoding="utf-8")
    feeds = [
        {"name": f.stem, "url": f"{base_url}/{f.name}", "source_name": f.stem}
        for f in sorted((SAMPLES / "feeds").glob("*.xml"))
    ]
    (folder / "feeds.yaml").write_text(yaml.safe_dump({"feeds": feeds}), encoding="utf-8")
    settings = {
        "instance": "demo",
        "officers": ["security-desk@example.org"],
        "database": {"url": f"sqlite:///{folder / 'demo.db'}"},
        "smtp": {
            "host": "127.0.0.1",
            "port": smtp_port,
            "tls": "none",
            "local_hostname": "demo.localhost",
            "sender": "Demo Security Desk <alerts@example.org>",
        },
    }
    (folder / "alerts.yaml").write_text(yaml.safe_dump(settings), encoding="utf-8")


async def run_demo(out: Path, now: datetime | None = None) -> int:
    """Serve, poll, flush, print the table of what was sent; .eml files land in ``out``."""
    now = now or utcnow()
    _empty(out)
    runner, base = await serve_samples(now)
    try:
        with MailSink(out) as sink, tempfile.TemporaryDirectory(prefix="alerts-demo-") as tmp:
            folder = Path(tmp)
            write_config(folder, base, sink.port, now)
            config = service.load(folder)
            async with service.open_app(config) as app:
                await app.poll(now)
                await app.flush(now)
                with app.engine.connect() as conn:
                    rows = conn.execute(
                        select(
                            outbox.c.recipient, outbox.c.subject, outbox.c.reason, outbox.c.status
                        ).order_by(outbox.c.id)
                    ).all()
    finally:
        await runner.cleanup()
    print(_table([(r.recipient, r.subject, r.reason, r.status) for r in rows]))
    print(f"\n{sink.count} message(s) written to {out}/")
    return 0


def _empty(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.eml"):
        old.unlink()


def _table(rows: list[tuple[str, str, str, str]]) -> str:
    head = ("RECIPIENT", "SUBJECT", "REASON", "STATUS")
    if not rows:
        return "no advisories were sent"
    widths = [min(max(len(str(r[i])) for r in [head, *rows]), 80) for i in range(4)]
    return "\n".join(
        "  ".join(str(v)[: widths[i]].ljust(widths[i]) for i, v in enumerate(r))
        for r in [head, *rows]
    )
