"""One unreachable feed, one HTML page and one refused recipient do not stop the rest."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import select

from alerts.mailsink import free_port
from alerts.store.schema import feeds as feeds_table
from alerts.store.schema import outbox
from tests.servicekit import rss, stack
from tests.test_timeline import ATTACK, ROUTES, STAFF, T0


async def test_failures_are_named_and_the_rest_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    feeds = {"good": rss([ATTACK]), "html": b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1>"}
    down = {"down": f"http://127.0.0.1:{free_port()}/feed.xml"}
    async with (
        stack(
            tmp_path,
            feeds,
            staff=STAFF,
            routes=ROUTES,
            extra_feeds=down,
            refuse={"amina.diallo@example.org"},
        ) as s,
        s.app() as app,
    ):
        s.server.content_types["html.xml"] = "text/html; charset=utf-8"
        stats = await app.poll(T0)
        assert sorted(stats.failed_feeds) == ["down", "html"]
        await app.flush(T0)
        with app.engine.connect() as conn:
            rows = {r.recipient: r for r in conn.execute(select(outbox))}
            health = {r.name: r for r in conn.execute(select(feeds_table))}
    assert [m.recipients for m in s.sink.messages] == [["sahel-desk@example.org"]]
    refused = rows["amina.diallo@example.org"]
    assert refused.status == "dead" and "550" in (refused.last_error or "")
    assert rows["sahel-desk@example.org"].status == "sent"
    assert health["down"].consecutive_failures == 1 and health["down"].last_error
    assert "html" in (health["html"].last_error or "").lower()
    assert health["good"].last_success == T0
    text = caplog.text
    assert "feed down" in text and "feed html" in text
    assert "amina.diallo@example.org" in text
