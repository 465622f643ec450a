"""The SMTP settings record that ``deliver`` needs: frozen, typed, the password never shown.

The service's pydantic-settings model (``alerts.settings.SmtpSection``) builds it with
``SmtpSettings.from_section``; tests build it directly.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Literal

from pydantic import SecretStr

TlsMode = Literal["none", "starttls", "implicit"]


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """Where and how to hand mail over.

    ``password`` is a ``SecretStr`` (a plain ``str`` is wrapped) so that reprs and logs show
    ``**********``. ``connections`` caps the parallel connections one flush opens, and
    ``per_connection`` is how many queued messages justify each extra connection.
    """

    host: str = "127.0.0.1"
    port: int = 25
    tls: TlsMode = "none"
    username: str | None = None
    password: SecretStr | None = field(default=None, repr=False)
    timeout: float = 30.0
    local_hostname: str = "localhost"
    sender: str = "Security desk <alerts@example.org>"
    ca_file: Path | None = None
    connections: int = 2
    per_connection: int = 100

    def __post_init__(self) -> None:
        if isinstance(self.password, str):
            object.__setattr__(self, "password", SecretStr(self.password))
        if self.tls not in ("none", "starttls", "implicit"):
            raise ValueError(f"smtp tls must be none, starttls or implicit, not {self.tls!r}")
        if "@" not in self.envelope_sender:
            raise ValueError(f"smtp sender has no address: {self.sender!r}")

    @property
    def envelope_sender(self) -> str:
        """The bare address of ``sender`` for MAIL FROM."""
        return parseaddr(self.sender)[1]

    def secret(self) -> str | None:
        """The password in clear, for the AUTH command only."""
        return self.password.get_secret_value() if self.password is not None else None

    def tls_context(self) -> ssl.SSLContext | None:
        """A certificate-checking context (system CAs, or ``ca_file``); None without TLS."""
        if self.tls == "none":
            return None
        cafile = str(self.ca_file) if self.ca_file is not None else None
        return ssl.create_default_context(cafile=cafile)

    @classmethod
    def from_section(cls, section: Any) -> SmtpSettings:
        """Build from ``alerts.settings.SmtpSection`` (password from env or secrets file)."""
        secret = section.secret()
        return cls(
            host=section.host,
            port=section.port,
            tls=section.tls,
            username=section.username,
            password=SecretStr(secret) if secret is not None else None,
            timeout=section.timeout,
            local_hostname=section.local_hostname,
            sender=section.sender,
            ca_file=section.ca_file,
            connections=section.connections,
        )
