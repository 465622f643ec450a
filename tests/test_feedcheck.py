"""``alerts feeds check``: local files and a real local server, usable or not, text and JSON."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from alerts.feedcheck import acheck, check, format_check
from alerts.fetch import FetchPolicy

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
FEED = (
    b"<?xml version='1.0'?><rss version='2.0' xmlns:georss='http://www.georss.org/georss'>"
    b"<channel><title>Desk feed</title><item><guid>a-1</guid>"
    b"<title>Mali - Level 4: Do Not Travel</title><georss:point>12.6 -8.0</georss:point>"
    b"<pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate></item></channel></rss>"
)


def test_a_local_feed_is_usable(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(FEED)
    result = check(str(path), now=NOW)
    assert result.ok and result.exit_code == 0 and result.title == "Desk feed"
    text = format_check(result, as_json=False)
    assert text.startswith("OK: Desk feed: 1 item(s)")
    assert "key:  a-1" in text and "state_dept_level=4" in text and "point=(12.6, -8.0)" in text
    data = json.loads(format_check(result, as_json=True))
    assert data["ok"] is True and data["items"][0]["hints"]["country_name"] == "Mali"
    assert data["items"][0]["published"] == "2026-11-23T10:00:00+00:00"


@pytest.mark.parametrize(
    ("body", "words"),
    [(b"", "empty body"), (b"<html><title>Oops</title></html>", "HTML page")],
)
def test_non_feeds_exit_1_with_one_line(tmp_path: Path, body: bytes, words: str) -> None:
    path = tmp_path / "x.xml"
    path.write_bytes(body)
    result = check(str(path), now=NOW)
    assert not result.ok and result.exit_code == 1 and words in result.reason
    assert format_check(result, as_json=False).count("\n") == 0


def test_missing_file_and_too_large_file(tmp_path: Path) -> None:
    assert "cannot read" in check(str(tmp_path / "nope.xml"), now=NOW).reason
    big = tmp_path / "big.xml"
    big.write_bytes(FEED + b" " * 2000)
    result = check(str(big), now=NOW, policy=FetchPolicy(max_bytes=1000))
    assert not result.ok and "FeedTooLargeError" in result.reason


def test_real_feeds_through_the_check(shared_dir: Path) -> None:
    real = shared_dir / "feeds" / "real"
    usable = check(str(real / "bbc-news-world-rss2-2026-08-13.xml"), now=NOW)
    assert usable.ok and len(usable.items) == 28
    assert not check(str(real / "dailytelegraph-empty-0-bytes.xml"), now=NOW).ok


@pytest.fixture
async def server() -> AsyncIterator[TestServer]:
    async def feed(request: web.Request) -> web.Response:
        return web.Response(body=FEED, content_type="application/rss+xml")

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(1.5)
        return web.Response(body=FEED)

    async def moved(request: web.Request) -> web.Response:
        return web.Response(status=301, headers={"Location": "/feed"})

    app = web.Application()
    app.router.add_get("/feed", feed)
    app.router.add_get("/slow", slow)
    app.router.add_get("/moved", moved)
    srv = TestServer(app, host="127.0.0.1")
    await srv.start_server()
    yield srv
    await srv.close()


async def test_urls_are_fetched_like_the_service(server: TestServer) -> None:
    policy = FetchPolicy(total_timeout=0.5, host_spacing=0)
    async with aiohttp.ClientSession() as session:
        moved = await acheck(str(server.make_url("/moved")), now=NOW, session=session)
        slow = await acheck(str(server.make_url("/slow")), now=NOW, policy=policy, session=session)
    assert moved.ok and moved.permanent_redirect == str(server.make_url("/feed"))
    assert "moved permanently" in format_check(moved, as_json=False)
    assert not slow.ok and "timed out" in slow.reason and "/slow" in slow.reason
