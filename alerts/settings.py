"""Service settings: config/alerts.yaml, overridden by ``ALERTS_*`` environment variables.

Nesting uses ``__``: ``ALERTS_SMTP__HOST``, ``ALERTS_DATABASE__URL``. The SMTP password comes
only from the environment (``ALERTS_SMTP__PASSWORD``) or a secrets file
(``ALERTS_SMTP__PASSWORD_FILE``, e.g. a systemd credential); alerts.yaml may not hold it, and
it is a ``SecretStr`` so it never appears in logs or reprs.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

from alerts.staff import parse_language


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatabaseSettings(_Strict):
    """Where the service keeps its state: SQLite by default, PostgreSQL for several instances."""

    url: str = "sqlite:///var/alerts.db"


class SmtpSection(_Strict):
    """The mail server; TLS is ``starttls`` or ``implicit`` in production."""

    host: str = "127.0.0.1"
    port: int = Field(default=25, ge=1, le=65535)
    tls: Literal["none", "starttls", "implicit"] = "none"
    username: str | None = None
    password: SecretStr | None = None
    password_file: Path | None = None
    timeout: float = Field(default=30.0, gt=0)
    local_hostname: str = Field(default_factory=socket.gethostname)
    sender: str = "Security desk <alerts@example.org>"
    ca_file: Path | None = None
    connections: int = Field(default=2, ge=1, le=16)

    def secret(self) -> str | None:
        """The password from the environment, else from the secrets file, else None."""
        if self.password is not None:
            return self.password.get_secret_value()
        if self.password_file is not None:
            return self.password_file.read_text(encoding="utf-8").strip()
        return None


class PollingSettings(_Strict):
    """How feeds are polled and when a failing feed is reported."""

    interval_minutes: float = Field(default=10, gt=0)
    max_age_hours: float = Field(default=24, gt=0)  # older items are recorded, not alerted
    timeout_seconds: float = Field(default=30, gt=0)
    max_bytes: int = Field(default=10_000_000, gt=0)
    concurrency: int = Field(default=50, ge=1)
    per_host: int = Field(default=4, ge=1)
    host_spacing_seconds: float = Field(default=0.2, ge=0)
    failures_before_notice: int = Field(default=3, ge=1)
    failure_span_hours: float = Field(default=6, ge=0)
    contact: str = "security-desk@example.org"


class OutboxSettings(_Strict):
    """How the outbox is flushed."""

    flush_seconds: float = Field(default=15, gt=0)
    batch: int = Field(default=200, ge=1)
    lease_seconds: float = Field(default=120, gt=0)
    max_attempts: int = Field(default=8, ge=1)


class RetentionSettings(_Strict):
    """How long the database keeps what it no longer needs (0 = for ever); pruned daily."""

    items_days: int = Field(default=180, ge=0)  # what was read from feeds (undated: kept)
    mail_days: int = Field(default=365, ge=0)  # sent and dead mail, mailed digest entries


class Settings(BaseSettings):
    """Everything the service needs besides the officer files; validated once at start."""

    model_config = SettingsConfigDict(
        env_prefix="ALERTS_", env_nested_delimiter="__", extra="forbid", frozen=True
    )

    instance: str = Field(default_factory=lambda: f"{socket.gethostname()}-{os.getpid()}")
    org_name: str = "Security desk"
    officers: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["security-desk@example.org"]
    )
    officers_language: str = "en"  # the language of feed-health notices (templates/<lang>)
    templates: Path | None = None  # None: the templates/ folder that ships with the service
    database: DatabaseSettings = DatabaseSettings()
    smtp: SmtpSection = SmtpSection()
    polling: PollingSettings = PollingSettings()
    outbox: OutboxSettings = OutboxSettings()
    retention: RetentionSettings = RetentionSettings()
    clustering: dict[str, Any] = Field(default_factory=dict)

    @field_validator("officers", mode="before")
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        return (
            [v.strip() for v in value.split(",") if v.strip()] if isinstance(value, str) else value
        )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The YAML file arrives as init arguments; the environment must win over it.
        return env_settings, file_secret_settings, init_settings

    @field_validator("officers_language", mode="before")
    @classmethod
    def _language(cls, value: Any) -> str:
        return parse_language(value)

    @field_validator("officers")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if "@" not in v or any(c in v for c in "\r\n <>,")]
        if bad:
            raise ValueError(f"not an email address: {', '.join(map(repr, bad))}")
        return value
