"""mime.build: valid multipart/alternative that the stdlib parser reads back exactly."""

from __future__ import annotations

import html as html_module
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest

from alerts import mime

NOW = datetime(2026, 9, 23, 6, 30, tzinfo=UTC)


def parse(raw: bytes) -> EmailMessage:
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(msg, EmailMessage)
    return msg


def envelope(subject: str = "Hello", **kw: object) -> mime.Envelope:
    fields: dict[str, object] = {
        "sender_name": "Security desk", "sender": "alerts@example.org", "to": "amadou@example.org",
        "subject": subject, "message_id": "<ev-1.r1.abc@example.org>", "date": NOW,
    }  # fmt: skip
    fields.update(kw)
    return mime.Envelope(**fields)  # type: ignore[arg-type]


def test_round_trip_without_defects() -> None:
    text = "Limitez vos déplacements.\n.leading dot\nFrom here\ntrailing space \n" + "x" * 300
    html = "<p>Évitez l'aéroport</p>\n" + "<b>" + "y" * 500 + "</b>"
    msg = parse(mime.build(envelope("Attaque à Bamako"), text, html))
    assert msg.defects == [] and all(not p.defects for p in msg.walk())
    assert msg.get_content_type() == "multipart/alternative"
    plain, rich = msg.get_body(("plain",)), msg.get_body(("html",))
    assert plain is not None and rich is not None
    assert plain.get_content().replace("\r\n", "\n") == text
    assert html_module.unescape(rich.get_content()).replace("\r\n", "\n") == html
    assert rich["Content-Transfer-Encoding"] == "7bit"  # non-ASCII became &#201; references
    assert msg["Subject"] == "Attaque à Bamako"
    assert msg["Message-ID"] == "<ev-1.r1.abc@example.org>"
    assert msg["Date"].datetime == NOW


def test_lines_stay_short_and_crlf() -> None:
    raw = mime.build(envelope("word " * 60), "a" * 5000, "b" * 5000)
    lines = raw.split(b"\r\n")
    assert max(map(len, lines)) <= 78
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert parse(raw)["Subject"] == ("word " * 60).strip()


@pytest.mark.parametrize(
    "subject",
    [
        "Alert\r\nBcc: victim@example.net",
        "Alert\nX-Evil: 1",
        "Alert\rTo: x@example.net",
        "A\u2028B",
    ],
)
def test_crlf_in_subject_cannot_inject_headers(subject: str) -> None:
    msg = parse(mime.build(envelope(subject), "t", "<p>h</p>"))
    assert msg["Bcc"] is None and msg["X-Evil"] is None
    assert msg.get_all("To") == ["amadou@example.org"]
    assert "\n" not in msg["Subject"] and "\r" not in msg["Subject"]


def test_encoded_word_lookalike_is_not_decoded() -> None:
    subject = "=?utf-8?b?SGk=?= plain"
    assert parse(mime.build(envelope(subject), "t", "h"))["Subject"] == subject


@pytest.mark.parametrize(
    "address",
    ["a@b.org\r\nBcc: c@d.org", "<a@b.org>", "a b@c.org", "no-at-sign", "a@b.org, c@d.org"],
)
def test_bad_addresses_are_refused(address: str) -> None:
    with pytest.raises(ValueError):
        mime.check_address(address)


def test_display_names_are_quoted_or_encoded() -> None:
    msg = parse(
        mime.build(envelope(to_name='Diallo, "Ama"', sender_name="Bureau sécurité"), "t", "h")
    )
    assert msg["To"].addresses[0].display_name == 'Diallo, "Ama"'
    assert msg["From"].addresses[0].display_name == "Bureau sécurité"
    assert msg["From"].addresses[0].addr_spec == "alerts@example.org"


def test_threading_headers() -> None:
    refs = ("<ev-1.r0.abc@example.org>", "<ev-1.r1.abc@example.org>")
    raw = mime.build(envelope(in_reply_to=refs[-1], references=refs), "t", "h")
    msg = parse(raw)
    assert msg["In-Reply-To"] == refs[-1]
    assert msg["References"].split() == list(refs)


def test_long_or_non_ascii_text_is_quoted_printable() -> None:
    msg = parse(mime.build(envelope(), "é" * 10 + "\n" + "a" * 2000, "<p>" + "b" * 2000 + "</p>"))
    plain, rich = msg.get_body(("plain",)), msg.get_body(("html",))
    assert plain is not None and rich is not None
    assert plain["Content-Transfer-Encoding"] == "quoted-printable"
    assert rich["Content-Transfer-Encoding"] == "quoted-printable"  # a 2,007-byte line
    assert plain.get_content().replace("\r\n", "\n") == "é" * 10 + "\n" + "a" * 2000


def test_body_cannot_fake_the_boundary() -> None:
    env = envelope()
    probe = mime.build(env, "x", "y")
    boundary = probe.split(b'boundary="')[1].split(b'"')[0].decode()
    raw = mime.build(env, f"--{boundary}\nContent-Type: text/html\n\n<script>", "h")
    msg = parse(raw)
    assert [p.get_content_type() for p in msg.walk()] == [
        "multipart/alternative",
        "text/plain",
        "text/html",
    ]


def test_control_characters_are_dropped() -> None:
    msg = parse(mime.build(envelope("Bell\x07 and \u202eevil"), "x\x00y\x1bz", "h"))
    assert msg["Subject"] == "Bell and evil"
    plain = msg.get_body(("plain",))
    assert plain is not None and plain.get_content() == "xyz"


def test_ascii_words_stay_readable_in_the_raw_subject() -> None:
    subject = "[SEV 4 ÉLEVÉE] Mali, Bamako : attaque près de l'aéroport"
    raw = mime.build(envelope(subject), "t", "h")
    assert b"Subject: [SEV 4 =?utf-8?b?" in raw  # filters on the raw header still match
    assert parse(raw)["Subject"] == subject
