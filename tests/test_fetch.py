"""Fetching against a real aiohttp server on 127.0.0.1: statuses, limits and politeness."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from alerts.errors import FeedTooLargeError, FetchError
from alerts.fetch import (
    Fetcher,
    FetchPolicy,
    ThrottledError,
    Validators,
    retry_after,
    user_agent,
)
from alerts.parse import parse

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
RSS = (
    "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>T</title>"
    "<item><guid>g1</guid><title>Grève à Bamako – l’aéroport fermé</title>"
    "<pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate></item></channel></rss>"
).encode()


@dataclass
class Seen:
    """What the server saw: request headers and arrival times per path."""

    headers: list[dict[str, str]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    active: int = 0
    max_active: int = 0


def _app(seen: Seen) -> web.Application:
    async def feed(request: web.Request) -> web.StreamResponse:
        seen.headers.append(dict(request.headers))
        seen.times.append(asyncio.get_running_loop().time())
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304, headers={"ETag": '"v1"'})
        headers = {"ETag": '"v1"', "Last-Modified": "Mon, 23 Nov 2026 09:00:00 GMT"}
        return web.Response(body=RSS, headers=headers, content_type="application/rss+xml")

    async def held(request: web.Request) -> web.StreamResponse:
        seen.active += 1
        seen.max_active = max(seen.max_active, seen.active)
        await asyncio.sleep(0.1)
        seen.active -= 1
        return web.Response(body=RSS)

    def redirect(status: int, to: str):  # type: ignore[no-untyped-def]
        async def handler(request: web.Request) -> web.StreamResponse:
            return web.Response(status=status, headers={"Location": to})

        return handler

    def status(code: int, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        async def handler(request: web.Request) -> web.StreamResponse:
            return web.Response(status=code, headers=headers or {})

        return handler

    async def slow(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(2)
        return web.Response(body=RSS)

    async def trickle(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()
        await resp.prepare(request)
        try:
            for byte in RSS[:5]:
                await resp.write(bytes([byte]))
                await asyncio.sleep(1)
        except (ConnectionResetError, ConnectionError):
            pass
        return resp

    async def endless(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()
        await resp.prepare(request)
        try:
            for _ in range(10_000):
                await resp.write(b"<item>" + b"x" * 65536 + b"</item>")
        except (ConnectionResetError, ConnectionError):
            pass
        return resp

    async def gzipped(request: web.Request) -> web.StreamResponse:
        body = gzip.compress(RSS)
        return web.Response(body=body, headers={"Content-Encoding": "gzip"})

    async def wrong_charset(request: web.Request) -> web.StreamResponse:
        return web.Response(body=RSS, headers={"Content-Type": "text/xml; charset=iso-8859-1"})

    app = web.Application()
    app.router.add_get("/feed", feed)
    app.router.add_get("/held", held)
    app.router.add_get("/m301", redirect(301, "/feed"))
    app.router.add_get("/m308", redirect(308, "/m301"))
    app.router.add_get("/t302", redirect(302, "/feed"))
    app.router.add_get("/loop", redirect(302, "/loop"))
    app.router.add_get("/file", redirect(302, "file:///etc/passwd"))
    app.router.add_get("/gone", status(410))
    app.router.add_get("/busy", status(429, {"Retry-After": "120"}))
    app.router.add_get("/down", status(503, {"Retry-After": "Mon, 23 Nov 2026 13:00:00 GMT"}))
    app.router.add_get("/missing", status(404))
    app.router.add_get("/broken", status(500))
    app.router.add_get("/slow", slow)
    app.router.add_get("/trickle", trickle)
    app.router.add_get("/endless", endless)
    app.router.add_get("/gzip", gzipped)
    app.router.add_get("/charset", wrong_charset)
    return app


@pytest.fixture
def seen() -> Seen:
    return Seen()


@pytest.fixture
async def server(seen: Seen) -> AsyncIterator[TestServer]:
    srv = TestServer(_app(seen), host="127.0.0.1")
    await srv.start_server()
    yield srv
    await srv.close()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


POLICY = FetchPolicy(
    connect_timeout=1, read_timeout=0.5, total_timeout=3, max_bytes=1_000_000,
    host_spacing=0, user_agent=user_agent("desk@example.org"),
)  # fmt: skip


def url(server: TestServer, path: str) -> str:
    return str(server.make_url(path))


async def test_200_then_304_with_validators(
    server: TestServer, session: aiohttp.ClientSession, seen: Seen
) -> None:
    fetcher = Fetcher(session, POLICY)
    first = await fetcher.fetch(url(server, "/feed"), Validators(), NOW)
    assert first.status == "ok" and first.body == RSS and first.permanent_redirect is None
    assert first.validators == Validators('"v1"', "Mon, 23 Nov 2026 09:00:00 GMT")
    second = await fetcher.fetch(url(server, "/feed"), first.validators, NOW)
    assert second.status == "not_modified" and second.body == b""
    assert seen.headers[1]["If-Modified-Since"] == "Mon, 23 Nov 2026 09:00:00 GMT"
    assert seen.headers[0]["User-Agent"].startswith("alerts/")
    assert "desk@example.org" in seen.headers[0]["User-Agent"]


@pytest.mark.parametrize("path", ["/m301", "/m308"])
async def test_permanent_redirect_is_reported(
    server: TestServer, session: aiohttp.ClientSession, path: str
) -> None:
    result = await Fetcher(session, POLICY).fetch(url(server, path), Validators(), NOW)
    assert result.status == "ok"
    assert result.permanent_redirect == url(server, "/feed")
    assert result.url == url(server, "/feed")


async def test_temporary_redirect_keeps_the_url(
    server: TestServer, session: aiohttp.ClientSession
) -> None:
    result = await Fetcher(session, POLICY).fetch(url(server, "/t302"), Validators(), NOW)
    assert result.status == "ok" and result.permanent_redirect is None


@pytest.mark.parametrize(("path", "words"), [("/loop", "redirects"), ("/file", "non-HTTP")])
async def test_bad_redirects_are_refused(
    server: TestServer, session: aiohttp.ClientSession, path: str, words: str
) -> None:
    with pytest.raises(FetchError, match=words):
        await Fetcher(session, POLICY).fetch(url(server, path), Validators(), NOW)


async def test_410_is_gone(server: TestServer, session: aiohttp.ClientSession) -> None:
    result = await Fetcher(session, POLICY).fetch(url(server, "/gone"), Validators(), NOW)
    assert result.status == "gone"


async def test_429_and_503_honour_retry_after(
    server: TestServer, session: aiohttp.ClientSession
) -> None:
    fetcher = Fetcher(session, POLICY)
    with pytest.raises(ThrottledError, match="HTTP 429") as busy:
        await fetcher.fetch(url(server, "/busy"), Validators(), NOW)
    assert busy.value.retry_after == NOW + timedelta(seconds=120) and busy.value.retryable
    with pytest.raises(FetchError, match="HTTP 503") as down:
        await fetcher.fetch(url(server, "/down"), Validators(), NOW)
    assert getattr(down.value, "retry_after", None) == datetime(2026, 11, 23, 13, tzinfo=UTC)


@pytest.mark.parametrize(("path", "retryable"), [("/missing", False), ("/broken", True)])
async def test_error_statuses_say_if_retrying_helps(
    server: TestServer, session: aiohttp.ClientSession, path: str, retryable: bool
) -> None:
    with pytest.raises(FetchError) as caught:
        await Fetcher(session, POLICY).fetch(url(server, path), Validators(), NOW)
    assert caught.value.retryable is retryable and path in str(caught.value)


async def test_slow_server_times_out(server: TestServer, session: aiohttp.ClientSession) -> None:
    with pytest.raises(FetchError, match="timed out") as caught:
        await Fetcher(session, POLICY).fetch(url(server, "/slow"), Validators(), NOW)
    assert "/slow" in str(caught.value) and caught.value.retryable


async def test_one_byte_per_second_hits_the_total_timeout(
    server: TestServer, session: aiohttp.ClientSession
) -> None:
    policy = FetchPolicy(read_timeout=3, total_timeout=1.5, host_spacing=0)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(FetchError, match="timed out"):
        await Fetcher(session, policy).fetch(url(server, "/trickle"), Validators(), NOW)
    assert loop.time() - started < 2.5


async def test_endless_body_stops_at_the_cap(
    server: TestServer, session: aiohttp.ClientSession
) -> None:
    with pytest.raises(FeedTooLargeError, match="1,000,000-byte cap") as caught:
        await Fetcher(session, POLICY).fetch(url(server, "/endless"), Validators(), NOW)
    assert "/endless" in str(caught.value)


async def test_gzip_body_is_decompressed(
    server: TestServer, session: aiohttp.ClientSession, seen: Seen
) -> None:
    result = await Fetcher(session, POLICY).fetch(url(server, "/gzip"), Validators(), NOW)
    assert result.body == RSS


async def test_wrong_charset_header_still_gives_clean_text(
    server: TestServer, session: aiohttp.ClientSession
) -> None:
    result = await Fetcher(session, POLICY).fetch(url(server, "/charset"), Validators(), NOW)
    assert "iso-8859-1" in result.headers["content-type"]
    parsed = parse(result.body, result.headers, feed="f", fetched_at=NOW)
    assert parsed.items[0].title == "Grève à Bamako – l’aéroport fermé"
    assert any("UTF-8" in w for w in parsed.warnings)


async def test_per_host_concurrency_and_spacing(
    server: TestServer, session: aiohttp.ClientSession, seen: Seen
) -> None:
    fetcher = Fetcher(session, FetchPolicy(per_host=1, host_spacing=0))
    await asyncio.gather(
        *(fetcher.fetch(url(server, "/held"), Validators(), NOW) for _ in range(3))
    )
    assert seen.max_active == 1
    spaced = Fetcher(session, FetchPolicy(per_host=4, host_spacing=0.2))
    await asyncio.gather(*(spaced.fetch(url(server, "/feed"), Validators(), NOW) for _ in range(3)))
    gaps = [b - a for a, b in zip(seen.times, seen.times[1:], strict=False)]
    assert all(gap >= 0.18 for gap in gaps), gaps


def test_retry_after_forms() -> None:
    assert retry_after("30", NOW) == NOW + timedelta(seconds=30)
    assert retry_after("Mon, 23 Nov 2026 11:00:00 GMT", NOW) == NOW  # in the past: now
    assert retry_after("soon", NOW) is None and retry_after(None, NOW) is None


def test_user_agent_cannot_carry_a_header() -> None:
    assert "\r" not in user_agent("a@b.org\r\nX-Evil: 1") and "\n" not in user_agent("x\ny")
