"""Digest receivers get one mail at their digest hour listing the events, not one per event."""

from __future__ import annotations

import email
from datetime import timedelta
from pathlib import Path

from tests.servicekit import rss, stack
from tests.test_timeline import ATTACK, STAFF, T0

ROUTES = {
    "routes": [
        {
            "name": "daily-brief",
            "match": {"min_severity": 3},
            "receivers": {"addresses": ["brief@example.org"]},
            "mode": "digest",
            "digest_hours": [8],
            "timezone": "UTC",
        },
    ],
}


async def test_digest_is_held_until_its_hour_then_sent_once(tmp_path: Path) -> None:
    async with (
        stack(tmp_path, {"wire": rss([ATTACK])}, staff=STAFF, routes=ROUTES) as s,
        s.app() as app,
    ):
        await app.poll(T0)  # 06:30 UTC
        await app.flush(T0)
        early = [m.recipients for m in s.sink.messages]
        eight = T0.replace(hour=8, minute=0)
        await app.flush(eight)
        await app.flush(eight + timedelta(minutes=5))  # released once only
    assert ["brief@example.org"] not in early
    digests = [m for m in s.sink.messages if m.recipients == ["brief@example.org"]]
    assert len(digests) == 1
    text = email.message_from_bytes(digests[0].data)
    assert "Bamako" in str(text.get_payload(0).get_payload(decode=True))
