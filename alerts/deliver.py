"""Deliver: outbox rows -> sent / retry later / dead, over a few reused SMTP connections.

One connection carries many messages (a few connections when the queue is long). A failure
that belongs to one message (a refused recipient, a 5xx to its DATA) marks that row only;
a failure of the connection (server down, TLS or AUTH refused, timeout) marks the rows that
connection still had as ``retry``. Each outcome is reported as soon as it is known, so the
caller can record "sent" before the next message goes out.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import aiosmtplib

from alerts.smtpconf import SmtpSettings
from alerts.store.outbox import OutboxRow

Status = Literal["sent", "retry", "dead"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one row: ``detail`` holds the server's words or the error text.

    ``connection`` is True when the failure was the connection's, not the message's.
    """

    id: int
    status: Status
    detail: str = ""
    connection: bool = False


def classify(row_id: int, exc: BaseException) -> Outcome:
    """The named outcome of a failed send: 4xx and network errors retry, 5xx is dead."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused) and exc.recipients:
        refused = exc.recipients[0]
        return _by_code(row_id, refused.code, refused.message, connection=False)
    if isinstance(exc, aiosmtplib.SMTPResponseException) and not isinstance(
        exc, aiosmtplib.SMTPAuthenticationError | aiosmtplib.SMTPConnectResponseError
    ):
        # 421: the server is closing the channel; the message itself may be fine.
        return _by_code(row_id, exc.code, exc.message, connection=exc.code == 421)
    if isinstance(exc, ValueError):  # an address aiosmtplib will not put on the wire
        return Outcome(row_id, "dead", f"invalid address: {exc}")
    return Outcome(row_id, "retry", f"{type(exc).__name__}: {exc}", connection=True)


def _by_code(row_id: int, code: int, message: str, *, connection: bool) -> Outcome:
    status: Status = "dead" if 500 <= code < 600 else "retry"
    return Outcome(row_id, status, f"{code} {message}".strip(), connection)


class Sender:
    """Sends outbox rows with the settings' server, TLS mode, AUTH and timeouts.

    ``connect`` makes an unconnected ``aiosmtplib.SMTP`` client (host, port, implicit TLS);
    STARTTLS and AUTH then follow the settings. The service uses the settings alone.
    """

    def __init__(
        self,
        settings: SmtpSettings,
        *,
        connect: Callable[[], aiosmtplib.SMTP] | None = None,
    ) -> None:
        self.settings = settings
        self._connect = connect or self._client

    def _client(self) -> aiosmtplib.SMTP:
        s = self.settings
        # STARTTLS and AUTH are done in ``_open``, not by ``connect``: when they fail there,
        # the client still holds its transport and it can be closed at once.
        return aiosmtplib.SMTP(
            hostname=s.host,
            port=s.port,
            local_hostname=s.local_hostname,  # else each connection calls getfqdn()
            timeout=s.timeout,
            use_tls=s.tls == "implicit",
            start_tls=False,
            tls_context=s.tls_context(),
            validate_certs=True,
        )

    def connections_for(self, queued: int) -> int:
        """How many connections ``queued`` messages justify (at least 1, at most the cap)."""
        wanted = math.ceil(queued / max(1, self.settings.per_connection))
        return max(1, min(self.settings.connections, wanted))

    async def send(
        self,
        rows: Sequence[OutboxRow],
        on_outcome: Callable[[Outcome], None] | None = None,
    ) -> list[Outcome]:
        """Send ``rows``; one ``Outcome`` per row, in order. ``on_outcome`` hears each at once."""
        done: dict[int, Outcome] = {}

        def report(outcome: Outcome) -> None:
            done[outcome.id] = outcome
            if on_outcome is not None:
                on_outcome(outcome)

        n = self.connections_for(len(rows))
        # One person's mails share a connection, so an advisory goes out before its update.
        lanes: list[list[OutboxRow]] = [[] for _ in range(n)]
        for row in rows:
            lanes[zlib.crc32(row.recipient.lower().encode()) % n].append(row)
        async with asyncio.TaskGroup() as group:
            for lane in lanes:
                group.create_task(self._session(lane, report))
        return [done[r.id] for r in rows]

    async def _session(self, rows: Sequence[OutboxRow], report: Callable[[Outcome], None]) -> None:
        client: aiosmtplib.SMTP | None = None
        try:
            for i, row in enumerate(rows):
                if client is None:
                    opened = await self._open()
                    if isinstance(opened, str):  # server unreachable: nothing else can go now
                        for rest in rows[i:]:
                            report(Outcome(rest.id, "retry", opened, connection=True))
                        return
                    client = opened
                outcome = await self._send_one(client, row)
                report(outcome)
                if outcome.connection:  # reconnect for the next message
                    await _close(client)
                    client = None
        finally:
            if client is not None:
                await _close(client)

    async def _open(self) -> aiosmtplib.SMTP | str:
        """A connected (TLS, logged-in, EHLO done) client, or the reason there is none."""
        client, s = self._connect(), self.settings
        try:
            await client.connect()
            if s.tls == "starttls":
                await client.starttls(tls_context=s.tls_context())
            if s.username is not None:
                await client.login(s.username, s.secret() or "")
            if client.is_ehlo_or_helo_needed:
                await client.ehlo()
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            await _close(client)
            return f"cannot connect to {self.settings.host}:{self.settings.port}: {exc}"
        return client

    async def _send_one(self, client: aiosmtplib.SMTP, row: OutboxRow) -> Outcome:
        try:
            return await self._transact(client, row)
        except (aiosmtplib.SMTPException, OSError, TimeoutError, ValueError) as exc:
            return classify(row.id, exc)

    async def _transact(self, client: aiosmtplib.SMTP, row: OutboxRow) -> Outcome:
        """MAIL, RCPT, DATA for one row.

        ``sendmail`` would parse both addresses five times and scan the 10 KB body twice
        more; the addresses were checked when the message was built (``mime``), and the
        raw message already has CRLF line ends, so the envelope is written directly.
        """
        options = [f"SIZE={len(row.raw)}".encode()] if client.supports_extension("size") else []
        mail_from = b"FROM:<" + self.settings.envelope_sender.encode("ascii") + b">"
        reply = await client.execute_command(b"MAIL", mail_from, *options)
        if reply.code == 250:
            reply = await client.execute_command(b"RCPT", b"TO:<" + _ascii(row.recipient) + b">")
        if reply.code not in (250, 251):
            await _reset(client)
            return _by_code(row.id, reply.code, reply.message, connection=reply.code == 421)
        accepted = await client.data(row.raw)
        return Outcome(row.id, "sent", f"{accepted.code} {accepted.message}")


def _ascii(address: str) -> bytes:
    if any(c in address for c in "<>\r\n ") or not address.isascii():
        raise ValueError(f"cannot put {address!r} on the SMTP command line")
    return address.encode("ascii")


async def _reset(client: aiosmtplib.SMTP) -> None:
    # Clear the half-made envelope so the connection serves the next message; a broken
    # connection shows on the next command, which then reconnects.
    with contextlib.suppress(aiosmtplib.SMTPException, OSError, TimeoutError):
        await client.rset()


async def _close(client: aiosmtplib.SMTP) -> None:
    transport = client.transport
    try:
        if client.is_connected:
            await client.quit()
    except (aiosmtplib.SMTPException, OSError, TimeoutError):
        pass  # the server went away first; nothing is lost by not saying goodbye
    finally:
        # The session is over: a TLS close_notify exchange adds nothing, and waiting for it
        # would leave the socket open after the caller has moved on.
        if isinstance(transport, asyncio.WriteTransport):
            transport.abort()
        client.close()
        await asyncio.sleep(0)
