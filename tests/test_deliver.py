"""Deliver against aiosmtpd on 127.0.0.1 with real TLS (trustme certificates) and AUTH."""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from alerts import mime
from alerts.deliver import Outcome, Sender, wire_data
from alerts.models import ChangeReason
from alerts.smtpconf import SmtpSettings
from alerts.store.outbox import OutboxRow

NOW = datetime(2026, 9, 23, 6, 30, tzinfo=UTC)
USER, PASSWORD = "alerts", "correct horse"


@dataclass
class Mailbox:
    """What the server saw: messages, the EHLO names and the client connections."""

    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    ehlo: list[str] = field(default_factory=list)
    peers: set[Any] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        with self.lock:
            self.ehlo.append(hostname)
            self.peers.add(session.peer)
        return responses

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address.startswith("refused"):
            return f"550 5.1.1 <{address}>: no such user here"
        if address.startswith("busy"):
            return "450 4.2.1 mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if envelope.rcpt_tos[0].startswith("spam"):
            return "554 5.7.1 message rejected as spam"
        if envelope.rcpt_tos[0].startswith("closing"):
            return "421 4.3.2 shutting down"
        with self.lock:
            self.messages.append(
                (envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
            )
        return "250 2.0.0 queued"


def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = data.login == USER.encode() and data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)  # let aiosmtpd send the 235 or 535 reply


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


def server_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


def start(mailbox: Mailbox, **kw: Any) -> Iterator[int]:
    port = free_port()
    kw.setdefault("auth_required", True)
    controller = Controller(
        mailbox, hostname="127.0.0.1", port=port, authenticator=authenticate, **kw
    )
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


@pytest.fixture
def mailbox() -> Mailbox:
    return Mailbox()


@pytest.fixture
def starttls_port(mailbox: Mailbox, ca: trustme.CA) -> Iterator[int]:
    yield from start(
        mailbox, tls_context=server_context(ca), require_starttls=True, auth_require_tls=True
    )


@pytest.fixture
def port(mailbox: Mailbox) -> Iterator[int]:
    yield from start(mailbox, auth_required=False)  # plain SMTP, no TLS, no AUTH


@pytest.fixture
def implicit_port(mailbox: Mailbox, ca: trustme.CA) -> Iterator[int]:
    # aiosmtpd counts only STARTTLS as TLS for auth_require_tls; the link is encrypted here.
    yield from start(
        mailbox, ssl_context=server_context(ca), auth_require_tls=False, auth_required=False
    )


def settings(port: int, ca_file: Path | None, **kw: Any) -> SmtpSettings:
    values: dict[str, Any] = {
        "host": "127.0.0.1", "port": port, "tls": "starttls", "username": USER,
        "password": PASSWORD, "timeout": 5.0, "local_hostname": "alerts.test",
        "sender": "Security desk <alerts@example.org>", "ca_file": ca_file,
    }  # fmt: skip
    values.update(kw)
    return SmtpSettings(**values)


def row(n: int, to: str) -> OutboxRow:
    mid = f"<ev-{n}.r1.x@example.org>"
    env = mime.Envelope(
        "Security desk", "alerts@example.org", to, f"[SEV 4 HIGH] event {n}", mid, NOW
    )
    raw = mime.build(env, f"text {n}", f"<p>html {n}</p>")
    return OutboxRow(
        n, f"ev-{n}", 1, to, ChangeReason.NEW, f"event {n}", mid, raw, "pending", 1, NOW, NOW
    )


async def test_starttls_auth_one_connection(
    mailbox: Mailbox, starttls_port: int, ca_file: Path
) -> None:
    rows = [row(n, f"user{n}@example.org") for n in range(5)]
    outcomes = await Sender(settings(starttls_port, ca_file)).send(rows)
    assert [o.status for o in outcomes] == ["sent"] * 5
    assert [o.id for o in outcomes] == [0, 1, 2, 3, 4]
    assert len(mailbox.messages) == 5 and len(mailbox.peers) == 1
    mail_from, rcpts, content = mailbox.messages[0]
    assert mail_from == "alerts@example.org" and rcpts == ["user0@example.org"]
    assert b"Message-ID: <ev-0.r1.x@example.org>" in content
    assert set(mailbox.ehlo) == {"alerts.test"}  # explicit local hostname


async def test_implicit_tls(mailbox: Mailbox, implicit_port: int, ca_file: Path) -> None:
    outcomes = await Sender(settings(implicit_port, ca_file, tls="implicit")).send(
        [row(1, "a@example.org")]
    )
    assert outcomes[0].status == "sent", outcomes[0].detail
    assert len(mailbox.messages) == 1


async def test_untrusted_certificate_is_refused(mailbox: Mailbox, starttls_port: int) -> None:
    outcomes = await Sender(settings(starttls_port, None)).send(
        [row(1, "a@example.org"), row(2, "b@example.org")]
    )
    assert {o.status for o in outcomes} == {"retry"} and all(o.connection for o in outcomes)
    assert "certificate" in outcomes[0].detail.lower()
    assert mailbox.messages == []


async def test_wrong_password_retries_everything(
    mailbox: Mailbox, starttls_port: int, ca_file: Path
) -> None:
    outcomes = await Sender(settings(starttls_port, ca_file, password="wrong")).send(
        [row(1, "a@example.org")]
    )
    assert outcomes[0].status == "retry" and outcomes[0].connection
    assert "535" in outcomes[0].detail and mailbox.messages == []


async def test_refused_recipient_is_dead_for_that_row_only(
    mailbox: Mailbox, starttls_port: int, ca_file: Path
) -> None:
    rows = [row(1, "a@example.org"), row(2, "refused@example.org"), row(3, "busy@example.org"),
            row(4, "spam@example.org"), row(5, "e@example.org")]  # fmt: skip
    outcomes = await Sender(settings(starttls_port, ca_file)).send(rows)
    assert [o.status for o in outcomes] == ["sent", "dead", "retry", "dead", "sent"]
    assert outcomes[1].detail.startswith("550 5.1.1") and "no such user" in outcomes[1].detail
    assert outcomes[2].detail.startswith("450") and not outcomes[2].connection
    assert outcomes[3].detail.startswith("554 5.7.1")
    assert [m[1] for m in mailbox.messages] == [["a@example.org"], ["e@example.org"]]
    assert len(mailbox.peers) == 1  # refusals did not cost a reconnection


async def test_a_closing_server_is_retried_and_reconnected(
    mailbox: Mailbox, starttls_port: int, ca_file: Path
) -> None:
    rows = [row(1, "closing@example.org"), row(2, "b@example.org")]
    outcomes = await Sender(settings(starttls_port, ca_file)).send(rows)
    assert [o.status for o in outcomes] == ["retry", "sent"]
    assert outcomes[0].detail.startswith("421")


async def test_server_down_retries_all() -> None:
    port = free_port()  # nothing listens there
    outcomes = await Sender(settings(port, None, tls="none", username=None, password=None)).send(
        [row(n, f"u{n}@example.org") for n in range(3)]
    )
    assert [o.status for o in outcomes] == ["retry"] * 3
    assert all(o.connection and "cannot connect" in o.detail for o in outcomes)


async def test_long_queue_uses_a_few_connections(
    mailbox: Mailbox, starttls_port: int, ca_file: Path
) -> None:
    sender = Sender(settings(starttls_port, ca_file, connections=3, per_connection=20))
    assert [sender.connections_for(n) for n in (0, 1, 20, 21, 60, 1000)] == [1, 1, 1, 2, 3, 3]
    outcomes = await sender.send([row(n, f"u{n}@example.org") for n in range(45)])
    assert [o.status for o in outcomes] == ["sent"] * 45
    assert len(mailbox.peers) == 3 and len(mailbox.messages) == 45


async def test_outcomes_are_reported_as_they_happen(
    mailbox: Mailbox, starttls_port: int, ca_file: Path
) -> None:
    heard: list[tuple[list[int], int]] = []
    rows = [row(n, f"u{n}@example.org") for n in range(3)]
    await Sender(settings(starttls_port, ca_file)).send(
        rows, lambda done: heard.append(([o.id for o in done], len(mailbox.messages)))
    )
    assert heard == [([0], 1), ([1], 2), ([2], 3)]  # each reported right after its acceptance


async def test_connections_go_in_rounds(
    mailbox: Mailbox, starttls_port: int, ca_file: Path
) -> None:
    """With two connections each round holds one message per connection, reported together."""
    sender = Sender(settings(starttls_port, ca_file, connections=2, per_connection=2))
    rounds: list[list[int]] = []
    rows = [row(n, f"u{n}@example.org") for n in range(8)]
    outcomes = await sender.send(rows, lambda done: rounds.append(sorted(o.id for o in done)))
    assert [o.status for o in outcomes] == ["sent"] * 8
    assert sorted(i for r in rounds for i in r) == list(range(8))
    assert all(len(r) <= 2 for r in rounds) and len(mailbox.peers) == 2


async def test_content_waits_until_the_previous_round_is_recorded(
    mailbox: Mailbox, port: int
) -> None:
    """Envelopes may go out while a round is recorded, message content may not: a crash then
    resends at most the one message per connection that was in flight."""
    loop = asyncio.get_running_loop()
    seen_when_recorded: list[int] = []

    def slow_record(done: Sequence[Outcome]) -> asyncio.Future[None]:
        gate = loop.create_future()

        def recorded() -> None:  # 50 ms later: the next message could have arrived by now
            seen_when_recorded.append(len(mailbox.messages))
            gate.set_result(None)

        loop.call_later(0.05, recorded)
        return gate

    plain = settings(port, None, tls="none", username=None, password=None)
    rows = [row(n, f"u{n}@example.org") for n in range(3)]
    outcomes = await Sender(plain).send(rows, slow_record)
    assert [o.status for o in outcomes] == ["sent"] * 3
    assert seen_when_recorded == [1, 2, 3]


def test_wire_data_stuffs_dots_and_refuses_bare_line_ends() -> None:
    assert wire_data(b"a\r\n.b\r\n..c\r\n") == b"a\r\n..b\r\n...c\r\n.\r\n"
    assert wire_data(b".x\r\n") == b"..x\r\n.\r\n"
    assert wire_data(b"a\nb\r\n") is None and wire_data(b"a\rb\r\n") is None
    assert wire_data(b"no end") is None


async def test_dotted_lines_arrive_intact(mailbox: Mailbox, port: int) -> None:
    env = mime.Envelope("Desk", "alerts@example.org", "a@example.org", "dots", "<d@x>", NOW)
    text = ".leading dot\n..two\n.\nend"
    raw = mime.build(env, text, "<p>x</p>")
    sent = OutboxRow(1, "e", 1, "a@example.org", ChangeReason.NEW, "s", "<d@x>", raw,
                     "pending", 1, NOW, NOW)  # fmt: skip
    bare = replace(sent, id=2, raw=raw.replace(b"\r\n", b"\n"))  # through aiosmtplib's data
    plain = settings(port, None, tls="none", username=None, password=None)
    outcomes = await Sender(plain).send([sent, bare])
    assert [o.status for o in outcomes] == ["sent", "sent"]
    assert [m[2].replace(b"\r\n", b"\n") for m in mailbox.messages] == [
        raw.replace(b"\r\n", b"\n")
    ] * 2


def test_settings_never_show_the_password() -> None:
    s = settings(25, None, password="hunter2")
    assert "hunter2" not in repr(s) and s.secret() == "hunter2"
    assert s.envelope_sender == "alerts@example.org"
    with pytest.raises(ValueError):
        settings(25, None, tls="ssl")
