"""Rendering speed: advisories (Jinja2 text + HTML, MIME) per second, and MIME builders compared.

Run: .venv/bin/python benchmarks/bench_render.py [COUNT]
Target: >= 1,000 messages/s of ~10 KB text + HTML on 2 vCPU. Every builder's output is
checked with the stdlib parser first, so a fast builder cannot win by being wrong.
"One event to many people" splices each reader's values into the event's bodies rendered
once (``alerts.render_splice``); "a different event every time" renders in full each time.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.parser import BytesParser
from pathlib import Path

from alerts import mime
from alerts.models import (
    Category,
    Change,
    ChangeReason,
    Event,
    Place,
    PlaceKind,
    Recipient,
    Signal,
    Source,
)
from alerts.render import Renderer

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 9, 23, 6, 30, tzinfo=UTC)


def sample_event(n: int = 0) -> Event:
    """A realistic advisory: ~10 KB once rendered as text + HTML."""
    sources = tuple(
        Source(f"Outlet {i}", f"https://news{i}.example.org/africa/mali/bamako-attack-{n}-{i}",
               f"Gunmen attack near Bamako airport and gendarmerie school, report {i}",
               NOW - timedelta(minutes=i))
        for i in range(8)
    )  # fmt: skip
    summary = (
        "Armed men attacked the Faladie gendarmerie school and positions near Modibo Keita "
        "International Airport at dawn; JNIM claimed the attack. Flights are suspended and the "
        "airport is closed until further notice. The UN asks staff to limit movement. "
    ) * 4
    return Event(
        id=f"ml-terrorism-{n}", headline="attack near airport", category=Category.TERRORISM,
        severity=4, max_severity=4,
        signals=frozenset({Signal.AIRPORT_CLOSED, Signal.LIMIT_MOVEMENT, Signal.AVOID_AREA}),
        countries=("ML",), places=(Place("Bamako", "ML", 12.6392, -8.0029, PlaceKind.CITY),),
        first_seen=NOW - timedelta(hours=1), last_seen=NOW, sources=sources, revision=1,
        summary=summary,
    )  # fmt: skip


def recipient(n: int) -> Recipient:
    lang = "fr" if n % 3 == 0 else "en"
    return Recipient(f"staff{n}@example.org", f"Staff {n}", lang, "you are in Bamako until 30 Sep")


def check(raw: bytes) -> None:
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    assert not msg.defects and all(not p.defects for p in msg.walk()), "invalid MIME"
    assert msg.get_body(("plain",)) is not None and msg.get_body(("html",)) is not None


def rate(label: str, count: int, fn: Callable[[int], object]) -> float:
    """Print wall-clock and CPU rates; return the CPU rate (the machine is shared and noisy)."""
    fn(0)  # warm up (template compilation, caches)
    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(count):
        fn(i)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:<46} {count / wall:>7,.0f}/s wall {count / cpu:>7,.0f}/s CPU  "
          f"{cpu / count * 1e3:6.3f} ms CPU each")  # fmt: skip
    return count / cpu


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    renderer = Renderer(ROOT / "templates", sender="Security desk <alerts@example.org>")
    event = sample_event()
    change = Change(event, ChangeReason.NEW)
    sample = renderer.render(event, change, recipient(1), NOW)
    check(sample.raw)
    parsed = BytesParser(policy=policy.default).parsebytes(sample.raw)
    plain_part, html_part = parsed.get_body(("plain",)), parsed.get_body(("html",))
    assert plain_part is not None and html_part is not None
    text, html = plain_part.get_content(), html_part.get_content()
    print(f"machine: 2 vCPU (shared); message size {len(sample.raw):,} bytes "
          f"(text {len(text):,} + HTML {len(html):,} chars)")  # fmt: skip

    def stdlib_email(i: int) -> bytes:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = (
            "Security desk <alerts@example.org>",
            f"s{i}@example.org",
            sample.subject,
        )
        msg.set_content(text)
        msg.add_alternative(html, subtype="html")
        return msg.as_bytes()

    def legacy_mime(i: int) -> bytes:
        msg = MIMEMultipart("alternative")
        msg["From"], msg["To"], msg["Subject"] = (
            "Security desk <alerts@example.org>",
            f"s{i}@example.org",
            sample.subject,
        )
        msg.attach(MIMEText(text, "plain", "utf-8"))
        msg.attach(MIMEText(html, "html", "utf-8"))
        return msg.as_bytes()

    def cheap(i: int) -> bytes:
        env = mime.Envelope(
            "Security desk",
            "alerts@example.org",
            f"s{i}@example.org",
            sample.subject,
            f"<{i}@x>",
            NOW,
        )
        return mime.build(env, text, html)

    for fn in (stdlib_email, legacy_mime, cheap):
        check(fn(0))
    print("MIME construction only (same text and HTML):")
    rate("  EmailMessage set_content/add_alternative", max(200, count // 10), stdlib_email)
    rate("  legacy MIMEMultipart + MIMEText", max(200, count // 5), legacy_mime)
    rate("  alerts.mime.build (bytes, 7bit / QP)", count, cheap)
    print("Rendering (Jinja2 text + HTML + MIME), per message:")
    same = rate(
        "  one event to many people",
        count,
        lambda i: renderer.render(event, change, recipient(i), NOW),
    )
    events = [sample_event(n) for n in range(count + 1)]
    changes = [Change(e, ChangeReason.NEW) for e in events]
    each = rate(
        "  a different event every time (no reuse)", count,
        lambda i: renderer.render(events[i], changes[i], recipient(i), NOW),
    )  # fmt: skip
    print(f"target >= 1,000/s: {'met' if min(same, each) >= 1000 else 'NOT met'}")


if __name__ == "__main__":
    main()
