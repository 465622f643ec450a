"""`alerts demo`: bundled feeds, local SMTP sink, the expected table and .eml files."""

from __future__ import annotations

import email
from email.message import Message
from pathlib import Path

import pytest

from alerts.demo import run_demo


def _text(msg: Message) -> str:
    for part in msg.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no text/plain part")


async def test_demo_tells_the_right_people_and_nobody_else(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "demo-out"
    assert await run_demo(out) == 0
    table = capsys.readouterr().out
    mails: dict[str, list[Message]] = {}
    for path in sorted(out.glob("*.eml")):
        rcpt = path.stem.split("-", 1)[1]
        mails.setdefault(rcpt, []).append(email.message_from_bytes(path.read_bytes()))
    assert sorted(mails) == [
        "amina.diallo@example.org",
        "sahel-desk@example.org",
        "sofia.lopez@example.org",
    ]
    for rcpt, (msg,) in mails.items():
        subject = msg["Subject"]
        assert "SEV 4" in subject and "Bamako" in subject, subject
        assert rcpt in table
        body = _text(msg).lower()
        if rcpt.startswith("amina"):  # she reads French
            assert "déplacements" in body and "aéroport" in body
        else:
            assert "limit your movements" in body and "airport is closed" in body
    assert "james.mwangi" not in table
    for word in ("Harambee", "Cocoa", "Securities Exchange"):
        assert word not in table
