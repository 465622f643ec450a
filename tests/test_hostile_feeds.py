"""Hostile feeds: no crash, no file read, bounded memory, a clear reason, the others unharmed."""

from __future__ import annotations

import asyncio
import gzip
import tracemalloc
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from alerts.config import FeedConfig
from alerts.errors import FeedTooLargeError, NotAFeedError
from alerts.feedpoll import poll_feed, settle
from alerts.fetch import Fetcher, FetchPolicy
from alerts.parse import Parsed, parse
from alerts.settings import PollingSettings
from alerts.store.feeds import FeedState

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
GOOD = (
    b"<?xml version='1.0'?><rss version='2.0'><channel><title>Good</title>"
    b"<item><guid>ok-1</guid><title>Calm day in Bamako</title></item></channel></rss>"
)
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
]>
<rss version="2.0"><channel><title>&h;</title><item><title>&h;</title></item></channel></rss>"""


def _xxe(secret: Path) -> bytes:
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><title>x</title>'
        "<item><title>&xxe;</title><description>&xxe;</description></item></channel></rss>"
    ).encode()


def _external_dtd(secret: Path) -> bytes:
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "file://{secret}">'
        '<rss version="2.0"><channel><title>x</title>'
        "<item><guid>d1</guid><title>Plain</title></item></channel></rss>"
    ).encode()


def _nested(depth: int) -> bytes:
    return (
        b"<rss version='2.0'><channel><item><title>deep</title><description>"
        + b"<x>" * depth
        + b"</x>" * depth
        + b"</description></item></channel></rss>"
    )


def _item(title: bytes) -> bytes:
    return (
        b"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>T</title>"
        b"<item><guid>h1</guid><title>" + title + b"</title></item></channel></rss>"
    )


def _parse(body: bytes) -> Parsed:
    return parse(body, {}, feed="hostile", fetched_at=NOW)


def test_billion_laughs_is_refused() -> None:
    with pytest.raises(NotAFeedError, match="declares entities"):
        _parse(LAUGHS)


def test_external_entity_is_refused_and_no_file_is_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    with pytest.raises(NotAFeedError, match="entit") as caught:
        _parse(_xxe(secret))
    assert "TOP-SECRET" not in str(caught.value)


def test_external_dtd_is_never_loaded(tmp_path: Path) -> None:
    secret = tmp_path / "evil.dtd"
    secret.write_text('<!ENTITY leak "TOP-SECRET-CONTENT">')
    parsed = _parse(_external_dtd(secret))
    assert [i.title for i in parsed.items] == ["Plain"]
    assert "TOP-SECRET" not in repr(parsed)


def test_deep_nesting_inside_an_item_is_flattened() -> None:
    # The fast parser's native XML core copes with any depth without recursion; the
    # markup is then dropped from the text, so the item comes out small and clean.
    parsed = _parse(_nested(100_000))
    assert [(i.title, i.summary) for i in parsed.items] == [("deep", "")]


@pytest.mark.parametrize(
    "body",
    [
        b"<rss version='2.0'>" + b"<x>" * 100_000 + b"</x>" * 100_000 + b"<channel/></rss>",
        _nested(3_000)
        .replace(b"<rss ", b"<rss xmlns:georss='http://www.georss.org/georss' ")
        .replace(b"deep", b"fish & chips"),  # not well-formed: only feedparser reads it
    ],
    ids=["outside-items", "feedparser-path"],
)
def test_deep_nesting_is_refused_with_its_reason(body: bytes) -> None:
    with pytest.raises(NotAFeedError, match="nested deeper than 1000 levels"):
        _parse(body)


def test_invalid_utf8_and_nul_bytes_do_not_crash() -> None:
    parsed = _parse(_item(b"Caf\xc3 \xff\xfe bad\x00 byte\x00s"))
    assert len(parsed.items) == 1
    assert "\x00" not in parsed.items[0].title and parsed.items[0].title.startswith("Caf")


def test_huge_title_is_truncated_with_bounded_memory() -> None:
    tracemalloc.start()
    try:
        parsed = _parse(_item(b"A" * 5_000_000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(parsed.items[0].title) <= 500
    assert peak < 120_000_000, peak


def test_fifty_megabyte_body_is_refused_before_parsing() -> None:
    with pytest.raises(FeedTooLargeError, match="over the parse limit"):
        _parse(_item(b"A" * 50_000_000))


def test_millions_of_tiny_entries_are_refused_before_objects_are_built() -> None:
    body = b"<rss version='2.0'><channel>" + b"<item><title>a</title></item>" * 300_000
    with pytest.raises(NotAFeedError, match="entries, over the limit"):
        _parse(body + b"</channel></rss>")


def test_title_with_crlf_and_header_text_stays_one_line() -> None:
    title = b"Hello\r\nBcc: victim@example.org\r\n\r\nSubject: spoof &#13;&#10;X-Evil: 1"
    parsed = _parse(_item(title))
    text = parsed.items[0].title
    assert "\r" not in text and "\n" not in text
    assert text == "Hello Bcc: victim@example.org Subject: spoof X-Evil: 1"


def _hostile_app(secret: Path) -> web.Application:
    bodies = {
        "laughs": LAUGHS,
        "xxe": _xxe(secret),
        "deep": b"<rss>" + b"<x>" * 100_000 + b"</x>" * 100_000 + b"</rss>",
        "utf8": _item(b"\xff\xfe\x00broken"),
        "big": _item(b"B" * 50_000_000),
        "crlf": _item(b"Line\r\nBcc: x@example.org"),
        "good": GOOD,
    }

    bomb = gzip.compress(b"<rss>" + b" " * 60_000_000, compresslevel=9)  # ~60 KB on the wire

    async def handler(request: web.Request) -> web.Response:
        if request.match_info["name"] == "bomb":
            return web.Response(body=bomb, headers={"Content-Encoding": "gzip"})
        return web.Response(body=bodies[request.match_info["name"]])

    app = web.Application(client_max_size=1024)
    app.router.add_get("/{name}", handler)
    return app


@pytest.fixture
async def hostile_server(tmp_path: Path) -> AsyncIterator[TestServer]:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    server = TestServer(_hostile_app(secret), host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()


async def test_one_run_records_each_error_and_polls_the_good_feed(
    hostile_server: TestServer,
) -> None:
    names = ["laughs", "xxe", "deep", "utf8", "big", "bomb", "crlf", "good"]
    async with aiohttp.ClientSession() as session:
        fetcher = Fetcher(session, FetchPolicy(max_bytes=10_000_000, host_spacing=0))
        outcomes = await asyncio.gather(
            *(_poll(fetcher, str(hostile_server.make_url(f"/{n}"))) for n in names)
        )
    results = dict(zip(names, outcomes, strict=True))
    for name in ("laughs", "xxe", "deep", "big", "bomb"):
        record, _ = results[name]
        assert record.consecutive_failures == 1 and record.last_error, name
        assert "TOP-SECRET" not in record.last_error
    assert "FeedTooLargeError" in (results["big"][0].last_error or "")
    assert "FeedTooLargeError" in (results["bomb"][0].last_error or "")  # decompressed size
    assert results["good"][1] == ("Calm day in Bamako",)
    assert results["crlf"][1] == ("Line Bcc: x@example.org",)
    assert len(results["utf8"][1]) == 1


async def _poll(fetcher: Fetcher, url: str) -> tuple[FeedState, tuple[str, ...]]:
    """The service's own per-feed step (alerts.feedpoll): it never raises for a feed's problem."""
    polling = PollingSettings()
    outcome = await poll_feed(
        fetcher, FeedConfig(name=url, url=url), FeedState(url, url, url), NOW, polling
    )
    state, _ = settle(outcome, len(outcome.items), NOW, polling)
    return state, tuple(i.title for i in outcome.items)
