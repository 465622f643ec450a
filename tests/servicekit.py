"""Real local servers and a config folder for whole-service tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

from alerts import service
from alerts.app import App
from alerts.mailsink import MailSink


class FeedServer:
    """An HTTP server on 127.0.0.1 whose feeds the test rewrites between polls.

    ``bodies[path]`` is served with an ETag so unchanged feeds answer 304; a path set to an
    int is answered with that status; ``raw`` bodies are served as given (HTML pages...).
    A path with a gate is answered only once the test opens the gate.
    """

    def __init__(self) -> None:
        self.bodies: dict[str, bytes | int] = {}
        self.gates: dict[str, asyncio.Event] = {}
        self.content_types: dict[str, str] = {}
        self.hits: dict[str, int] = {}
        self.base = ""

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        self.hits[path] = self.hits.get(path, 0) + 1
        if path in self.gates:
            await self.gates[path].wait()
        body = self.bodies.get(path)
        if body is None:
            raise web.HTTPNotFound()
        if isinstance(body, int):
            return web.Response(status=body, text=f"status {body}")
        etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        ctype = self.content_types.get(path, "application/rss+xml; charset=utf-8")
        return web.Response(body=body, headers={"ETag": etag, "Content-Type": ctype})

    def url(self, path: str) -> str:
        """The URL of ``path`` on this server."""
        return f"{self.base}/{path}"

    @asynccontextmanager
    async def running(self) -> AsyncIterator[FeedServer]:
        """Serve until the block ends."""
        app = web.Application()
        app.router.add_get("/{path:.*}", self._serve)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self.base = f"http://127.0.0.1:{runner.addresses[0][1]}"
        try:
            yield self
        finally:
            await runner.cleanup()


def rss(items: list[dict[str, Any]], title: str = "Test feed") -> bytes:
    """An RSS 2.0 document of ``items`` (title, summary, link, guid, published datetime)."""
    entries = "".join(
        f"<item><title>{i['title']}</title><link>{i['link']}</link>"
        f"<guid>{i.get('guid', i['link'])}</guid>"
        f"<pubDate>{format_datetime(i['published'])}</pubDate>"
        f"<description>{i['summary']}</description></item>"
        for i in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://feed.test/</link><description>d</description>"
        f"{entries}</channel></rss>"
    ).encode()


def write_config(
    folder: Path,
    *,
    feeds: dict[str, str],
    smtp_port: int,
    db_url: str,
    staff: dict[str, Any],
    routes: dict[str, Any] | None = None,
    polling: dict[str, Any] | None = None,
    settings: dict[str, Any] | None = None,
) -> Path:
    """A config folder for a whole-service test; ``settings`` adds to alerts.yaml."""
    folder.mkdir(parents=True, exist_ok=True)
    settings = {
        "instance": "test",
        "officers": ["desk@example.org"],
        "database": {"url": db_url},
        "smtp": {
            "host": "127.0.0.1",
            "port": smtp_port,
            "local_hostname": "test.localhost",
            "sender": "Security desk <alerts@example.org>",
            "timeout": 10,
        },
        "polling": {
            "interval_minutes": 5,
            "timeout_seconds": 5,
            "host_spacing_seconds": 0,
            **(polling or {}),
        },
        **(settings or {}),
    }
    files = {
        "alerts.yaml": settings,
        "feeds.yaml": {"feeds": [{"name": n, "url": u} for n, u in feeds.items()]},
        "staff.yaml": staff,
    }
    if routes is not None:
        files["routes.yaml"] = routes
    for name, data in files.items():
        (folder / name).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return folder


@dataclass
class Stack:
    """The real parts of a whole-service test: feed server, mail sink, config folder."""

    server: FeedServer
    sink: MailSink
    folder: Path

    def app(self) -> AbstractAsyncContextManager[App]:
        """The service on this stack's config folder."""
        return service.open_app(service.load(self.folder))


@asynccontextmanager
async def stack(
    tmp_path: Path,
    bodies: dict[str, bytes | int],
    *,
    staff: dict[str, Any],
    routes: dict[str, Any] | None = None,
    polling: dict[str, Any] | None = None,
    refuse: set[str] | None = None,
    db_url: str | None = None,
    extra_feeds: dict[str, str] | None = None,
    settings: dict[str, Any] | None = None,
) -> AsyncIterator[Stack]:
    """Serve ``bodies`` (feed name -> body) and receive mail; a config folder points at both."""
    server = FeedServer()
    async with server.running():
        server.bodies = {f"{name}.xml": body for name, body in bodies.items()}
        with MailSink(refuse=refuse) as sink:
            feeds = {name: server.url(f"{name}.xml") for name in bodies} | (extra_feeds or {})
            folder = write_config(
                tmp_path / "config",
                feeds=feeds,
                smtp_port=sink.port,
                db_url=db_url or f"sqlite:///{tmp_path / 'alerts.db'}",
                staff=staff,
                routes=routes,
                polling=polling,
                settings=settings,
            )
            yield Stack(server, sink, folder)
